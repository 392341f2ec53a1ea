"""The coordinator's written analysis (versioned) and computed reports (cached)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from trygg.orgs.models import Municipality


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

    def __str__(self) -> str:
        return f"{self.key} [{self.status}]"
