"""A request to take an organisation into a cooperation (samverkan), answered by the admins of each municipality
it works in that the requesting admin does not administer: the organisation joins when every one of them has
accepted, and not at all when one declines. The steps are in :mod:`trygg.orgs.partners`.

A cooperation shares what its members' municipalities let partners see; taking in an organisation that works in
another municipality opens that municipality's data to the cooperation, so its own admins decide.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trygg.orgs.restrict import RestrictedQuerySet, is_superuser


def answering_codes(user) -> models.QuerySet:
    """The municipalities for which ``user`` answers requests: where they are an organisation admin of the
    municipality's own organisation (kind *municipality*). A subquery of codes."""
    from trygg.orgs.models import Municipality, Organisation, Role

    return Municipality.objects.filter(
        organisations__kind=Organisation.Kind.MUNICIPALITY,
        organisations__memberships__user=user,
        organisations__memberships__role=Role.ORG_ADMIN,
    ).values("code")


class PartnerRequestQuerySet(RestrictedQuerySet):
    """* ``view`` — the requests of the cooperations the user administers, and those the user answers.
    * ``answer`` — requests that ask a municipality whose own organisation the user administers (superusers: all).
    """

    actions = frozenset({"view", "answer"})

    def rule(self, user, action: str) -> Q:
        if is_superuser(user):
            return Q()
        asked = Q(pk__in=PartnerConsent.objects.filter(municipality__in=answering_codes(user)).values("request"))
        if action == "answer":
            return asked
        from trygg.orgs.models import Cooperation

        return asked | Q(cooperation__in=Cooperation.objects.restrict(user, "administer").values("pk"))

    def awaiting(self, user) -> PartnerRequestQuerySet:
        """Pending requests with a municipality still to answer that ``user`` answers for (superusers: every
        pending request — also those of municipalities without an admin in Trygg)."""
        pending = self.restrict(user, "answer").filter(status=PartnerRequest.Status.PENDING)
        if is_superuser(user):
            return pending
        open_ = PartnerConsent.objects.filter(answer="", municipality__in=answering_codes(user))
        return pending.filter(pk__in=open_.values("request"))


class PartnerRequest(models.Model):
    """An admin's request to take ``organisation`` into ``cooperation``, waiting for ``municipalities``' admins."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    cooperation = models.ForeignKey(
        "orgs.Cooperation", on_delete=models.CASCADE, related_name="partner_requests", verbose_name=_("cooperation")
    )
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="partner_requests", verbose_name=_("organisation")
    )
    municipalities = models.ManyToManyField(
        "orgs.Municipality", through="orgs.PartnerConsent", related_name="+", verbose_name=_("asked municipalities")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = PartnerRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperation", "organisation"],
                condition=Q(status="pending"),
                name="one_pending_partner_request",
            )
        ]
        verbose_name = _("partner request")
        verbose_name_plural = _("partner requests")

    def __str__(self) -> str:
        return f"{self.organisation} → {self.cooperation} ({self.status})"


class PartnerConsentQuerySet(RestrictedQuerySet):
    """``view`` — the answers of the requests the user may view (see :class:`PartnerRequestQuerySet`)."""

    def rule(self, user, action: str) -> Q:
        return Q(request__in=PartnerRequest.objects.restrict(user, "view").values("pk"))


class PartnerConsent(models.Model):
    """One asked municipality's answer to a :class:`PartnerRequest` (blank while it waits)."""

    class Answer(models.TextChoices):
        WAITING = "", _("Waiting")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    request = models.ForeignKey(PartnerRequest, on_delete=models.CASCADE, related_name="consents")
    municipality = models.ForeignKey("orgs.Municipality", on_delete=models.CASCADE, related_name="+")
    answer = models.CharField(max_length=12, choices=Answer.choices, blank=True, default="")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = PartnerConsentQuerySet.as_manager()

    class Meta:
        ordering = ["municipality__name"]
        constraints = [models.UniqueConstraint(fields=["request", "municipality"], name="one_answer_per_municipality")]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.municipality_id} {self.answer or 'waiting'}"
