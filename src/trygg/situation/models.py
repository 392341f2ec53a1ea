"""The coordinator's written analysis (versioned) and computed reports (cached)."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trygg.orgs.models import Municipality
from trygg.orgs.restrict import NOTHING, RestrictedQuerySet


class ReportCacheQuerySet(RestrictedQuerySet):
    """``view`` — computed reports of the municipalities the user reaches (the key starts with the code). Whose
    view of the data a row was computed for is checked by the page (another person's: 404)."""

    def rule(self, user, action: str) -> Q:
        codes = Municipality.objects.restrict(user, "view").values_list("code", flat=True)
        if not Municipality.objects.exclude(pk__in=codes).exists():
            return Q()
        return reduce(or_, (Q(key__startswith=f"{code}:") for code in codes), NOTHING)


class Narrative(models.Model):
    """The free-text analysis of one lägesbild; every save is a new version, nothing is overwritten."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="narratives")
    period = models.CharField(max_length=10, help_text="Period key, e.g. 2026-W10, 2026-03, 2026-T1, 2026.")
    area = models.CharField(max_length=120, blank=True)
    section = models.CharField(max_length=30, default="analysis")
    text = models.TextField(_("analysis"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["municipality", "period", "area", "section"])]

    def __str__(self) -> str:
        return f"{self.municipality} {self.period} {self.section} ({self.created_at:%Y-%m-%d %H:%M})"


class ReportCache(models.Model):
    """A computed lägesbild, valid while the fingerprint of its data is unchanged."""

    class Status(models.TextChoices):
        PENDING = "pending"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    key = models.CharField(max_length=200, unique=True)
    fingerprint = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.FloatField(default=0.0)
    data = models.JSONField(null=True, blank=True)
    charts = models.JSONField(null=True, blank=True, help_text="Rendered SVG figures of the report.")
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReportCacheQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.key} [{self.status}]"

    @property
    def municipality_code(self) -> str:
        return self.key.split(":", 1)[0]

    @property
    def scope_key(self) -> str:
        """Whose view of the data the row was computed for (``partners``, ``partners+<org ids>``, ``all``)."""
        parts = self.key.split(":")
        return parts[3] if len(parts) > 3 else ""
