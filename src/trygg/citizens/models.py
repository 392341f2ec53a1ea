"""Residents' tips (also through Open311), safety surveys and "no receipt" reports.

Nothing here identifies a resident: no IP address or user agent is stored; an e-mail address is kept only
when the sender asks for a reply, and erased once the tip is closed and the reply sent. Survey answers are
not linked to the one-time code or cookie that allowed them.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from trygg.incidents.models import Incident
from trygg.orgs.models import Municipality, Organisation, Place
from trygg.orgs.restrict import RestrictedQuerySet


def _of_municipalities(user, action: str, lookup: str = "municipality") -> Q:
    return Q(**{f"{lookup}__in": Municipality.objects.restrict(user, action).values("code")})


class ResidentDataQuerySet(RestrictedQuerySet):
    """``handle`` — what residents sent a municipality (tips, their photos and updates, receipt reports): for the
    coordinators and organisation admins of the municipality's *own* organisation — what residents are told."""

    actions = frozenset({"handle"})
    municipality_lookup = "municipality"

    def rule(self, user, action: str) -> Q:
        return _of_municipalities(user, "residents", self.municipality_lookup)


class TipUpdateQuerySet(ResidentDataQuerySet):
    municipality_lookup = "tip__municipality"


class SurveyQuerySet(RestrictedQuerySet):
    """``view`` — the results (indices of groups of at least the minimum size), for members who reach the
    municipality; ``manage`` — creating waves and handing out codes, for the municipality's own coordinators."""

    actions = frozenset({"view", "manage"})

    def rule(self, user, action: str) -> Q:
        return _of_municipalities(user, "view" if action == "view" else "residents")


def new_public_id() -> str:
    return secrets.token_urlsafe(16)


REFERENCE_PREFIX = "T-"
REFERENCE_DIGITS = (4, 4, 4, 5, 5, 5, 6, 6, 6, 8)  # random draws, longer when the short ones are taken


def new_reference(taken=None) -> str:
    """A short, readable reference ("T-4821") not in use: a random number (not the tip's order), four digits
    while they last, then five, six and eight. ``taken(ref) -> bool`` says whether one is in use."""
    taken = taken or (lambda ref: Tip.objects.filter(reference=ref).exists())
    for digits in REFERENCE_DIGITS:
        ref = f"{REFERENCE_PREFIX}{secrets.randbelow(9 * 10 ** (digits - 1)) + 10 ** (digits - 1)}"
        if not taken(ref):
            return ref
    raise RuntimeError("no free tip reference found")


class ApiClient(models.Model):
    """A partner system that posts to Open311 with an api_key (residents' apps need none)."""

    name = models.CharField(max_length=200)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE)
    key_hash = models.CharField(max_length=64, unique=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Tip(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("status of a tip", "New")
        ACCEPTED = "accepted", _("Accepted as an incident")
        MERGED = "merged", _("Merged with an earlier tip")
        REJECTED = "rejected", _("Rejected")
        # sent to the department that fixes it (trygg.forwarding): open in Open311 until the department closes it
        FORWARDED = "forwarded", _("Forwarded to the department")
        RESOLVED = "resolved", _("Closed by the department")

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    reference = models.CharField(
        _("reference"),
        max_length=12,
        unique=True,
        editable=False,
        help_text="Short and readable for the phone (T-4821); not enough to open the public status page.",
    )
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="tips")
    service_code = models.CharField(max_length=40)
    description = models.TextField(blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    address = models.CharField(max_length=300, blank=True)
    photo = models.CharField(max_length=200, blank=True, help_text="File name under MEDIA_ROOT/tips (re-encoded).")
    email = models.EmailField(
        blank=True,
        help_text="Only when the sender wants a reply; erased after the last message (the follow-up, if any).",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    followup_sent_at = models.DateTimeField(null=True, blank=True)
    followup_answer = models.CharField(max_length=3, blank=True, help_text="yes or no: fixed, as the sender says")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    status_note = models.CharField(_("reason or note"), max_length=500, blank=True)
    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="tips")
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    source = models.CharField(max_length=10, default="web")
    me_too = models.PositiveIntegerField(
        default=0, help_text='Residents who said "jag också" instead of sending the same tip again (only a count).'
    )
    api_client = models.ForeignKey(ApiClient, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResidentDataQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        # Open311 reads a municipality's newest tips a page at a time, straight from this index
        indexes = [models.Index(fields=["municipality", "created_at", "id"], name="tip_municipality_time")]

    def __str__(self) -> str:
        return f"{self.service_code} {self.created_at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if self.reference:
            return super().save(*args, **kwargs)
        for _attempt in range(5):  # two tips drawing the same free reference at once: the later one draws again
            self.reference = new_reference()
            try:
                with transaction.atomic():
                    return super().save(*args, **kwargs)
            except IntegrityError:
                if not Tip.objects.filter(reference=self.reference).exists():
                    raise
                self.reference = ""
        raise IntegrityError("no free tip reference")

    @property
    def is_open(self) -> bool:
        """Waiting for the municipality's coordinator (a forwarded tip waits for the department instead)."""
        return self.status == self.Status.OPEN


# "open" in Open311 and for "is it this one?": nobody has closed the matter yet, in Trygg or at the department
OPEN_STATUSES = (Tip.Status.OPEN, Tip.Status.FORWARDED)


class TipUpdate(models.Model):
    """What happened to a tip, for the resident's status page, their e-mail and Open311's notes: a change of
    status or a reply written by a coordinator. Who wrote it is kept for the audit, never shown publicly (the
    public sees the municipality)."""

    class Kind(models.TextChoices):
        STATUS = "status_change", _("Status change")
        REPLY = "reply", _("Reply")

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="updates")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    old_status = models.CharField(max_length=10, choices=Tip.Status.choices, blank=True)
    new_status = models.CharField(max_length=10, choices=Tip.Status.choices, blank=True)
    text = models.TextField(_("reply"), blank=True, help_text="Public: shown to the resident and on Open311.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TipUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.tip_id} {self.created_at:%Y-%m-%d}"


class Survey(models.Model):
    """A safety survey wave (trygghetsundersökning) in a municipality."""

    class Mode(models.TextChoices):
        CODE = "code", _("One-time codes handed out to a sample")
        COOKIE = "cookie", _("Open on the web, one answer per browser")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="surveys")
    title = models.CharField(_("title"), max_length=200)
    wave = models.PositiveSmallIntegerField(_("wave"))
    areas = models.ManyToManyField(Place, blank=True, verbose_name=_("areas"))
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.COOKIE)
    opens_on = models.DateField(_("opens"))
    closes_on = models.DateField(_("closes"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    is_generated = models.BooleanField(default=False)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        ordering = ["municipality", "-wave"]
        constraints = [models.UniqueConstraint(fields=["municipality", "wave"], name="one_survey_per_wave")]

    def __str__(self) -> str:
        return f"{self.title} (våg {self.wave})"


class SurveyCode(models.Model):
    """A one-time code; its use is recorded, never which answer it gave."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64, unique=True)
    used = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"code for {self.survey_id}"


class SurveyResponse(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    area = models.ForeignKey(Place, null=True, blank=True, on_delete=models.SET_NULL)
    answers = models.JSONField(default=dict)
    unsafe_places = models.JSONField(default=list, blank=True, help_text="[[lat, lon], …] marked on the map")
    submitted_on = models.DateField(auto_now_add=True)
    is_generated = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"response to {self.survey_id}"


class Venue(models.Model):
    """A venue in the municipality's register (restaurants, bars, shops) that residents can report."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="venues")
    name = models.CharField(max_length=200)
    org_number = models.CharField(max_length=11, blank=True, db_index=True)
    address = models.CharField(max_length=300, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    is_generated = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ReceiptReport(models.Model):
    class Purchase(models.TextChoices):
        ENTRANCE = "entrance", _("Entrance")
        CLOAKROOM = "cloakroom", _("Cloakroom")
        FOOD_DRINK = "food_drink", _("Food and drink")
        GOODS = "goods", _("Goods")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="receipt_reports")
    venue = models.ForeignKey(Venue, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")
    venue_text = models.CharField(max_length=200, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    visited_on = models.DateField()
    purchases = models.JSONField(default=list)
    created_on = models.DateField(auto_now_add=True)
    is_generated = models.BooleanField(default=False)

    objects = ResidentDataQuerySet.as_manager()

    class Meta:
        ordering = ["-visited_on"]

    def __str__(self) -> str:
        return f"receipt report {self.visited_on}"


def token() -> str:
    return uuid.uuid4().hex


class PublicMapRelease(models.Model):
    """One publication of a municipality's public map (``trygg.citizens.publicmap.publication``): what residents
    see until the next one. Made once a day after the day has closed (``trygg.citizens.public_map_release``); holds
    the numbers only as published, in steps of k, and squares, never exact counts or points."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="public_map_releases")
    day = models.DateField(help_text="The day the release is for: it counts the whole weeks before this day's week.")
    created_at = models.DateTimeField(default=timezone.now)
    data = models.JSONField()

    class Meta:
        ordering = ["-day", "-id"]
        indexes = [models.Index(fields=["municipality", "day", "id"], name="public_map_release_day")]

    def __str__(self) -> str:
        return f"public map {self.municipality_id} {self.day}"
