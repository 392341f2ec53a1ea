"""Who signs in through which identity provider, and which of its groups give which role where."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trygg.orgs.models import Organisation, Role
from trygg.orgs.restrict import RestrictedQuerySet


class ClaimMappingQuerySet(RestrictedQuerySet):
    """``administer`` — the mappings of the organisations the user administers (listing, adding, removing): an
    admin gives roles only where they could invite."""

    actions = frozenset({"administer"})

    def rule(self, user, action: str) -> Q:
        return Q(organisation__in=Organisation.objects.restrict(user, "administer").values("pk"))


class ClaimMapping(models.Model):
    """A value of a claim from an identity provider (typically a group) that gives a role in an organisation.

    Memberships in an organisation named by any mapping of a provider follow that provider's claims at every
    sign-in: a role changed at the provider changes here, a group taken away removes the membership.
    """

    provider = models.CharField(_("identity provider"), max_length=31)
    claim = models.CharField(_("claim"), max_length=60, default="groups")
    value = models.CharField(_("value"), max_length=200, help_text=_("E.g. the group's name at the provider."))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="claim_mappings", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)

    objects = ClaimMappingQuerySet.as_manager()

    class Meta:
        ordering = ["provider", "organisation__name", "value"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "claim", "value", "organisation"], name="one_mapping_per_value")
        ]
        verbose_name = _("sign-in mapping")
        verbose_name_plural = _("sign-in mappings")

    def __str__(self) -> str:
        return f"{self.provider}: {self.claim}={self.value} → {self.organisation} ({self.get_role_display()})"


class ExternalIdentity(models.Model):
    """A person at an identity provider — the provider's issuer and its stable subject identifier (OpenID Connect
    Core 1.0 §2: ``iss`` and ``sub`` together identify the person) — and the Trygg user they are. The binding is
    made once (at the first sign-in, or by a verified address, see :mod:`trygg.sso.signin`) and never moves."""

    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    provider = models.CharField(max_length=31, help_text="Trygg's name of the provider at the last sign-in.")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_identities")
    created_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="one_user_per_issuer_subject")]

    def __str__(self) -> str:
        return f"{self.issuer} {self.subject} → {self.user}"
