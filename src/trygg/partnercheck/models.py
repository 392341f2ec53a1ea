"""A partner's own checks of companies (*affärskontroll*) and the concerns they send to the municipality.

Who may do what (each rule once, as a queryset method; the access table says the same in words):

* **Checking a company**: members with the role *affärskontroll* (``Role.BUSINESS_CHECK``) in any organisation,
  given by its organisation admin. Superusers are not included: a check is a person's own work.
* **A check and its receipt** (``CompanyCheck``): only the member who made it, while they keep the role — not
  their organisation admin (what a colleague looked into is theirs; every check is in the audit log, which is
  where oversight reads), not superusers.
* **A concern** (``Concern``, "Tipsa kommunen"): the screening officers of the municipality it was sent to
  (with their second factor, like every screening page), who mark it handled. The partner chooses among the
  municipalities of their cooperations (:func:`concern_municipalities`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trygg.orgs.models import Cooperation, Municipality, Organisation, Role
from trygg.orgs.restrict import NOTHING, RestrictedQuerySet, is_user


def checking_organisations(user):
    """The organisations in which ``user`` has the business-check role."""
    if not is_user(user):
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user, memberships__role=Role.BUSINESS_CHECK)


def can_check(user) -> bool:
    """Whether ``user`` may check companies: the business-check role in some organisation (superusers not
    included)."""
    if not is_user(user) or not getattr(user, "is_active", True):
        return False
    cached = getattr(user, "_trygg_business_check", None)
    if cached is None:
        cached = checking_organisations(user).exists()
        user._trygg_business_check = cached
    return cached


def concern_municipalities(user):
    """Where ``user``'s concerns may go: the municipalities whose own (municipality) organisation is in a
    cooperation with an organisation in which the user has the business-check role, or is that organisation."""
    orgs = checking_organisations(user)
    cooperations = Cooperation.objects.filter(organisations__in=orgs)
    return (
        Municipality.objects.filter(
            Q(organisations__kind=Organisation.Kind.MUNICIPALITY, organisations__cooperations__in=cooperations)
            | Q(organisations__kind=Organisation.Kind.MUNICIPALITY, organisations__in=orgs)
        )
        .defer("boundary")
        .distinct()
        .order_by("name")
    )


class CompanyCheckQuerySet(RestrictedQuerySet):
    """``view`` — the user's own checks, while they hold the business-check role."""

    actions = frozenset({"view"})

    def rule(self, user, action: str) -> Q:
        return Q(user=user) if can_check(user) else NOTHING


class CompanyCheck(models.Model):
    """One check of a company by a partner: what was asked, and the answer as it was given (kept as the receipt)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, null=True, on_delete=models.SET_NULL, related_name="+")
    query = models.CharField(_("company"), max_length=200, help_text="The name or organisation number asked about.")
    company_name = models.CharField(max_length=400, blank=True)
    org_number = models.CharField(max_length=11, blank=True)
    result = models.JSONField(default=dict, help_text="trygg.partnercheck.assess.Outcome.as_json()")
    clean = models.BooleanField(default=False, help_text="No sanctions hit and no signal in the registry.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CompanyCheckQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("company check")
        verbose_name_plural = _("company checks")

    def __str__(self) -> str:
        return f"{self.company_name or self.query} ({self.created_at:%Y-%m-%d})"


class ConcernQuerySet(RestrictedQuerySet):
    """``view`` and ``handle`` — the screening officers of the municipality the concern was sent to (superusers
    not included; the pages ask for the second factor)."""

    actions = frozenset({"view", "handle"})

    def rule(self, user, action: str) -> Q:
        return Q(municipality__in=Municipality.objects.restrict(user, "screen").values("code"))


class Concern(models.Model):
    """A partner's concern about a company, sent to one municipality's screening officers ("Tipsa kommunen"): the
    company, the check's answer as the partner saw it, and their message. One row per municipality it went to."""

    partner_check = models.ForeignKey(
        CompanyCheck, null=True, blank=True, on_delete=models.SET_NULL, related_name="concerns"
    )
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    sender_name = models.CharField(max_length=300, blank=True)
    organisation = models.ForeignKey(Organisation, null=True, on_delete=models.SET_NULL, related_name="+")
    company_name = models.CharField(_("company"), max_length=400)
    org_number = models.CharField(_("organisation number"), max_length=11, blank=True)
    result = models.JSONField(default=dict, help_text="The check's answer when the concern was sent.")
    message = models.TextField(_("message"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_note = models.CharField(_("note"), max_length=500, blank=True)

    objects = ConcernQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("concern about a company")
        verbose_name_plural = _("concerns about companies")

    def __str__(self) -> str:
        return f"{self.company_name} → {self.municipality_id}"
