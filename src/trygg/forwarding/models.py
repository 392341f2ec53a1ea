"""Where a municipality's residents' tips go, and what became of each one sent.

A *destination* is a department's own Open311 GeoReport v2 endpoint (http://wiki.open311.org/GeoReport_v2);
its *routes* say which Trygg tip categories (``Tip.service_code``) go there and under which of the department's
service codes. A category without a route stays in Trygg (the coordinator's triage), as before. The API key is
not stored: the destination names an environment variable (``TRYGG_OPEN311_KEY_<NAME>``) that holds it.

A *forwarding* is one tip sent (or to be sent) to one destination: the remote id or token, the state, attempts,
the last error and the department's status as last read. What is posted is the description and the position —
never the resident's e-mail address or any other contact detail.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trygg.citizens.models import Tip, TipUpdate
from trygg.orgs.models import Municipality
from trygg.orgs.restrict import RestrictedQuerySet

KEY_PREFIX = "TRYGG_OPEN311_KEY_"


class ForwardingQuerySet(RestrictedQuerySet):
    """``manage`` — destinations, routes and forwarded tips of a municipality: its residents' data, so the
    coordinators and organisation admins of the municipality's own organisation (as for the tips themselves)."""

    actions = frozenset({"manage"})
    municipality_lookup = "municipality"

    def rule(self, user, action: str) -> Q:
        codes = Municipality.objects.restrict(user, "residents").values("code")
        return Q(**{f"{self.municipality_lookup}__in": codes})


class ForwardedTipQuerySet(ForwardingQuerySet):
    municipality_lookup = "tip__municipality"


class Destination(models.Model):
    """A department's Open311 endpoint in one municipality (its name is shown to residents)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="forwarding_destinations")
    name = models.CharField(
        _("department"),
        max_length=120,
        help_text=_("Shown to the resident, e.g. “Gatu- och belysningsavdelningen”."),
    )
    base_url = models.URLField(
        _("Open311 address"),
        max_length=300,
        help_text=_("The endpoint's GeoReport v2 base address, e.g. https://open311.example.se/v2/ (https)."),
    )
    jurisdiction_id = models.CharField(
        _("jurisdiction_id"), max_length=100, blank=True, help_text=_("Only if the department's endpoint asks for it.")
    )
    key_name = models.CharField(
        _("name of the API key"),
        max_length=50,
        help_text=_("Capital letters, digits and _: the key is read from the variable TRYGG_OPEN311_KEY_<name>."),
    )
    active = models.BooleanField(
        _("send tips"), default=True, help_text=_("Off: nothing is sent; the categories stay in Trygg.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ForwardingQuerySet.as_manager()

    class Meta:
        ordering = ["municipality", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def key_variable(self) -> str:
        return f"{KEY_PREFIX}{self.key_name}"

    def api_key(self) -> str:
        """The key from the environment ("" when the variable is not set)."""
        return os.environ.get(self.key_variable, "").strip()

    def why_not_sending(self) -> list[str]:
        """What keeps tips from being sent here, in words for the coordinator (empty: they are sent)."""
        reasons = []
        if not self.active:
            reasons.append(_("sending is turned off"))
        host = (urlsplit(self.base_url).hostname or "").lower()
        if host not in {h.lower() for h in settings.TRYGG_OPEN311_HOSTS}:
            reasons.append(_("the server's TRYGG_OPEN311_HOSTS does not name %(host)s") % {"host": host})
        if not self.api_key():
            reasons.append(_("the API key %(variable)s is not set") % {"variable": self.key_variable})
        return reasons


class Route(models.Model):
    """One Trygg category of one municipality sent to a destination under the department's service code."""

    destination = models.ForeignKey(Destination, on_delete=models.CASCADE, related_name="routes")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=40, help_text="Tip.service_code")
    remote_service_code = models.CharField(max_length=100)

    objects = ForwardingQuerySet.as_manager()

    class Meta:
        ordering = ["category"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "category"], name="one_destination_per_category")
        ]

    def __str__(self) -> str:
        return f"{self.category} → {self.remote_service_code}"


class Forwarding(models.Model):
    """A tip sent to a destination. ``next_attempt_at`` empty on a failed one: it needs a person."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CLOSED = "closed", _("Closed by the department")

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="forwardings")
    destination = models.ForeignKey(Destination, on_delete=models.PROTECT, related_name="forwardings")
    service_code = models.CharField(max_length=100, help_text="The department's service code posted.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    token = models.CharField(max_length=200, blank=True)
    service_request_id = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    remote_status = models.CharField(max_length=60, blank=True)
    remote_status_notes = models.TextField(blank=True)
    remote_updated = models.CharField(max_length=40, blank=True, help_text="The department's updated_datetime.")
    remote_fingerprint = models.CharField(max_length=16, blank=True, help_text="Of the status and notes last read.")
    notice_update = models.ForeignKey(
        TipUpdate,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The tip's update whose message to the resident is still to be sent.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ForwardedTipQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["tip", "destination"], name="tip_sent_once_per_destination")]

    def __str__(self) -> str:
        return f"{self.tip_id} → {self.destination_id} ({self.state})"

    @property
    def needs_person(self) -> bool:
        return self.state == self.State.FAILED and self.next_attempt_at is None

    @property
    def state_label(self) -> str:
        if self.needs_person:
            return str(_("Failed – needs a person"))
        return str(self.get_state_display())
