"""Where a municipality's residents' tips go, and what became of each one sent.

A *destination* is a department's own Open311 GeoReport v2 endpoint (http://wiki.open311.org/GeoReport_v2);
its *routes* say which Trygg tip categories (``Tip.service_code``) go there and under which of the department's
service codes. A category without a route stays in Trygg (the coordinator's triage), as before. The API key is
not stored: the destination names an environment variable that holds it, always of its own municipality
(``TRYGG_OPEN311_KEY_<SCB code>_<NAME>``, e.g. ``TRYGG_OPEN311_KEY_1780_GATA``), so that one municipality's
coordinator cannot send with another municipality's key.

A *forwarding* is one tip sent (or to be sent) to one destination: the remote id or token, the state, attempts,
the last error and the department's status as last read. What is posted is the description and the position —
never the resident's e-mail address or any other contact detail.
"""

from __future__ import annotations

import os
import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trygg.citizens.models import Tip, TipUpdate
from trygg.orgs.models import Municipality
from trygg.orgs.restrict import RestrictedQuerySet

KEY_PREFIX = "TRYGG_OPEN311_KEY_"
KEY_NAME = re.compile(r"^[A-Z][A-Z0-9_]{0,44}$")  # the <NAME> of TRYGG_OPEN311_KEY_<code>_<NAME>
MAX_POLL_FAILURES = 5  # status reads in a row that failed: then reading stops and a person is needed


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
        help_text=_(
            "Capital letters, digits and _, starting with a letter: the key is read from the variable "
            "TRYGG_OPEN311_KEY_<municipality code>_<name>, e.g. TRYGG_OPEN311_KEY_1780_GATA."
        ),
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
        """The environment variable of the key: always one of the destination's own municipality."""
        return f"{KEY_PREFIX}{self.municipality_id}_{self.key_name}"

    @property
    def key_name_valid(self) -> bool:
        return bool(KEY_NAME.match(self.key_name or ""))

    def api_key(self) -> str:
        """The key from the environment ("" when the variable is not set, or the name is not a valid one)."""
        return os.environ.get(self.key_variable, "").strip() if self.key_name_valid else ""

    def legacy_key_variable(self) -> str:
        """The variable an older Trygg read (``TRYGG_OPEN311_KEY_<NAME>``, not per municipality) when it is still
        set and the new one is not: IT renames it (it is never read, see the module's docstring)."""
        old = f"{KEY_PREFIX}{self.key_name}"  # a valid name starts with a letter: never another code's variable
        return old if self.key_name_valid and not self.api_key() and os.environ.get(old, "").strip() else ""

    def key_problem(self) -> str:
        """Why no key can be read, in words for IT and the coordinator ("" when it is set)."""
        if not self.key_name_valid:
            return (
                f"the key name {self.key_name!r} is not valid (capital letters, digits and _, starting with a letter)"
            )
        if self.api_key():
            return ""
        legacy = self.legacy_key_variable()
        if legacy:
            return (
                f"{self.key_variable} is not set ({legacy} is, but keys are per municipality now: IT renames it to "
                f"{self.key_variable})"
            )
        return f"{self.key_variable} is not set"

    def why_not_sending(self) -> list[str]:
        """What keeps tips from being sent here, in words for the coordinator (empty: they are sent)."""
        reasons = []
        if not self.active:
            reasons.append(_("sending is turned off"))
        from trygg.core import outbound

        from . import client

        try:
            client.check_address(self.base_url, resolve_names=False)  # no DNS while a page is drawn
        except outbound.AddressRefused as exc:
            if exc.code == "origin":
                reasons.append(
                    _("the server's TRYGG_OPEN311_HOSTS does not name %(host)s") % {"host": exc.params["host"]}
                )
            else:
                reasons.append(_("the address is not allowed: %(reason)s") % {"reason": exc})
        if not self.api_key():
            reasons.append(_("the API key %(variable)s is not set") % {"variable": self.key_variable})
            if self.legacy_key_variable():
                message = _("%(old)s is set, but keys are per municipality now: IT renames it to %(new)s")
                reasons.append(message % {"old": self.legacy_key_variable(), "new": self.key_variable})
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
    poll_failures = models.PositiveIntegerField(
        default=0, help_text="Status reads in a row that failed; at MAX_POLL_FAILURES reading stops: needs a person."
    )
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
    def reading_stopped(self) -> bool:
        """Sent, but its status could not be read MAX_POLL_FAILURES times in a row: Trygg stopped reading it."""
        return self.state == self.State.SENT and self.poll_failures >= MAX_POLL_FAILURES

    @property
    def needs_person(self) -> bool:
        return (self.state == self.State.FAILED and self.next_attempt_at is None) or self.reading_stopped

    @classmethod
    def needs_person_q(cls) -> models.Q:
        """The rows of :attr:`needs_person`, for a queryset."""
        failed = models.Q(state=cls.State.FAILED, next_attempt_at__isnull=True)
        return failed | models.Q(state=cls.State.SENT, poll_failures__gte=MAX_POLL_FAILURES)

    @property
    def state_label(self) -> str:
        if self.reading_stopped:
            return str(_("Sent – its status cannot be read, needs a person"))
        if self.needs_person:
            return str(_("Failed – needs a person"))
        return str(self.get_state_display())
