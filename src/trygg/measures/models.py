"""Problem places (SARA), measures (åtgärder) with effect evaluation, cooperation agreements with goals, and
the weekly EST meeting whose decisions become measures."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trygg.core.periods import key_label
from trygg.orgs.models import REPORTING_ROLES, Cooperation, Municipality, Organisation, Place, reach
from trygg.orgs.restrict import RestrictedQuerySet, is_superuser


def _reached(user, action: str = "view") -> Q:
    return Q(municipality__in=Municipality.objects.restrict(user, action).values("code"))


def _edited_by(user, organisations: str) -> Q:
    """Rows of the municipalities ``user`` reaches that one of ``organisations`` (a lookup, e.g. the owner) where
    the user reports, or that lie in a municipality the user coordinates."""
    if is_superuser(user):
        return Q()
    by_party = Q(**{f"{organisations}__in": reach(user).org_ids(REPORTING_ROLES)})
    return _reached(user) & (by_party | _reached(user, "coordinate"))


class ProblemPlaceQuerySet(RestrictedQuerySet):
    """``view`` — problem places of the municipalities the user reaches. ``change`` — by reporters, coordinators and
    admins of the owning organisation and by coordinators of an organisation working in the municipality; a partner
    municipality in the same cooperation reads but does not edit."""

    actions = frozenset({"view", "change"})

    def rule(self, user, action: str) -> Q:
        return _reached(user) if action == "view" else _edited_by(user, "organisation")


class MeasureQuerySet(RestrictedQuerySet):
    """``view`` — measures of the municipalities the user reaches. ``change`` — as for problem places, by the owning
    or a participating organisation (one row per measure: the participants are matched in a subquery). ``learn`` —
    the shared experience: measures of the user's own municipalities and of those whose organisations share measures
    with the user's in a cooperation."""

    actions = frozenset({"view", "change", "learn"})

    def rule(self, user, action: str) -> Q:
        if action == "view":
            return _reached(user)
        if action == "learn":
            if is_superuser(user):
                return Q()
            r = reach(user)
            shared = Municipality.objects.filter(
                organisations__cooperations__in=r.cooperation_ids, organisations__cooperations__share_measures=True
            ).values("code")
            return Q(municipality__in=shared) | Q(municipality__in=r.own_municipalities)
        if is_superuser(user):
            return Q()
        parties = Measure.objects.filter(
            Q(owner__in=reach(user).org_ids(REPORTING_ROLES)) | Q(participants__in=reach(user).org_ids(REPORTING_ROLES))
        ).values("pk")
        return _reached(user) & (Q(pk__in=parties) | _reached(user, "coordinate"))


class AgreementQuerySet(RestrictedQuerySet):
    """``view`` — agreements of the municipalities the user reaches; ``change`` — by its coordinators."""

    actions = frozenset({"view", "change"})

    def rule(self, user, action: str) -> Q:
        return _reached(user, "view" if action == "view" else "coordinate")


class MeetingQuerySet(RestrictedQuerySet):
    """``view`` — meetings of the user's cooperations (superusers too only as members: the minutes are the
    cooperation's). ``change`` — the minutes and decisions, by those members who coordinate somewhere."""

    actions = frozenset({"view", "change"})

    def rule(self, user, action: str) -> Q:
        r = reach(user)
        if action == "change" and not r.coordinated_municipalities:
            return Q(pk__in=[])
        return Q(cooperation__in=r.cooperation_ids)


class ProblemPlace(models.Model):
    """A place with a problem, described along SARA: scanning, analysis, response, assessment."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        MONITORING = "monitoring", _("Monitoring")
        RESOLVED = "resolved", _("Resolved")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="problem_places")
    name = models.CharField(_("name"), max_length=200)
    geometry = models.JSONField(help_text="GeoJSON Polygon, WGS84.")
    categories = models.JSONField(_("categories"), default=list, help_text="Incident category codes.")
    scanning = models.TextField(_("scanning: what shows the problem"), blank=True)
    analysis = models.TextField(_("analysis: causes"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    is_generated = models.BooleanField(default=False)

    objects = ProblemPlaceQuerySet.as_manager()

    class Meta:
        ordering = ["municipality", "name"]

    def __str__(self) -> str:
        return self.name


class Measure(models.Model):
    class Kind(models.TextChoices):
        LIGHTING = "lighting", _("Lighting")
        CAMERAS = "cameras", _("Camera surveillance (with permit)")
        GUARDS = "guards", _("Guards")
        CLEANING = "cleaning", _("Cleaning and graffiti removal")
        DESIGN = "design", _("Change of design")
        OUTREACH = "outreach", _("Outreach work")
        LICENSING = "licensing", _("Licensing action")
        POLICE = "police", _("Police presence")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ONGOING = "ongoing", _("Ongoing")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="measures")
    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="owned_measures", verbose_name=_("owner organisation")
    )
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    participants = models.ManyToManyField(
        Organisation, blank=True, related_name="measures", verbose_name=_("participating organisations")
    )
    problem_place = models.ForeignKey(
        ProblemPlace,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="measures",
        verbose_name=_("problem place"),
    )
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    due = models.DateField(_("due"), null=True, blank=True)
    cost = models.DecimalField(_("cost (SEK)"), max_digits=12, decimal_places=0, null=True, blank=True)
    treated_area = models.JSONField(null=True, blank=True, help_text="GeoJSON Polygon; default: the problem place.")
    control_area = models.JSONField(null=True, blank=True, help_text="GeoJSON Polygon.")
    buffer_m = models.PositiveIntegerField(_("displacement buffer (m)"), default=200)
    categories = models.JSONField(_("target categories"), default=list)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    public = models.BooleanField(_("show on the public page"), default=False)
    public_summary = models.TextField(_("public summary"), blank=True)
    internal_notes = models.TextField(_("internal notes"), blank=True)
    lessons = models.TextField(_("lessons learned"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_generated = models.BooleanField(default=False)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "title"]

    def __str__(self) -> str:
        return self.title


class Evaluation(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="evaluations")
    before_start = models.DateField()
    before_end = models.DateField()
    after_start = models.DateField()
    after_end = models.DateField()
    result = models.JSONField(default=dict)
    chart = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"evaluation of {self.measure}"


class Agreement(models.Model):
    """A samverkansöverenskommelse between municipality and police, or a medborgarlöfte."""

    class Kind(models.TextChoices):
        AGREEMENT = "agreement", _("Cooperation agreement (samverkansöverenskommelse)")
        PROMISE = "promise", _("Citizen promise (medborgarlöfte)")

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="agreements")
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    signatories = models.ManyToManyField(Organisation, related_name="agreements", verbose_name=_("signatories"))
    problems = models.TextField(_("prioritised problems"), blank=True)
    causes = models.TextField(_("causes"), blank=True)
    activities = models.ManyToManyField(Measure, blank=True, related_name="agreements", verbose_name=_("activities"))
    is_generated = models.BooleanField(default=False)

    objects = AgreementQuerySet.as_manager()

    def __str__(self) -> str:
        return self.title


class Goal(models.Model):
    class Indicator(models.TextChoices):
        INCIDENT_RATE = "incident_rate", _("Incidents of chosen categories in an area")
        SURVEY_INDEX = "survey_index", _("Safety survey index")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="goals")
    description = models.CharField(_("goal"), max_length=300)
    indicator = models.CharField(max_length=16, choices=Indicator.choices)
    categories = models.JSONField(default=list, blank=True)
    area = models.ForeignKey(Place, null=True, blank=True, on_delete=models.SET_NULL)
    survey_index = models.CharField(max_length=20, blank=True, help_text="otrygghet or problem")
    baseline_start = models.DateField()
    baseline_end = models.DateField()
    target_change = models.FloatField(help_text="Target relative change, e.g. −0.2 for a 20 % decrease.")

    def __str__(self) -> str:
        return self.description


class Meeting(models.Model):
    """The weekly EST meeting of a cooperation."""

    cooperation = models.ForeignKey(Cooperation, on_delete=models.PROTECT, related_name="meetings")
    week = models.CharField(max_length=8, help_text="ISO week, e.g. 2026-W10")
    held_on = models.DateField(null=True, blank=True)
    attendees = models.TextField(_("attendees"), blank=True)
    agenda = models.JSONField(default=dict)
    minutes = models.TextField(_("minutes"), blank=True)
    is_generated = models.BooleanField(default=False)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-week"]
        constraints = [models.UniqueConstraint(fields=["cooperation", "week"], name="one_meeting_per_week")]

    def __str__(self) -> str:
        return f"{self.cooperation} {self.week_name}"

    @property
    def week_name(self) -> str:
        """The meeting's week as a reader says it: 'vecka 50, 7 dec – 13 dec 2026'."""
        return key_label(self.week)


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.CharField(_("decision"), max_length=500)
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner"))
    due = models.DateField(_("due"))
    measure = models.OneToOneField(Measure, null=True, blank=True, on_delete=models.SET_NULL, related_name="decision")

    def __str__(self) -> str:
        return self.text
