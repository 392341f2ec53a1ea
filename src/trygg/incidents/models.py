"""Incidents (händelser) and their category taxonomy."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from trygg.orgs.models import REPORTING_ROLES, County, Municipality, Organisation, Place, reach
from trygg.orgs.restrict import NOTHING, RestrictedQuerySet, is_superuser


class TaxonomyVersion(models.Model):
    number = models.PositiveSmallIntegerField(unique=True)
    published_on = models.DateField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"v{self.number}"


class CategoryQuerySet(models.QuerySet):
    def current(self) -> CategoryQuerySet:
        latest = TaxonomyVersion.objects.order_by("-number").values("pk")[:1]
        return self.filter(taxonomy=latest)

    def est(self) -> CategoryQuerySet:
        return self.current().filter(est=True)


class Category(models.Model):
    taxonomy = models.ForeignKey(TaxonomyVersion, on_delete=models.PROTECT, related_name="categories")
    code = models.SlugField(max_length=40)
    label_sv = models.CharField(max_length=100)
    label_en = models.CharField(max_length=100)
    est = models.BooleanField(default=False, help_text="Offered in the EST reporting form.")
    in_statistics = models.BooleanField(default=True, help_text="False for summaries that are not incidents.")
    position = models.PositiveSmallIntegerField(default=0)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["taxonomy", "position"]
        constraints = [models.UniqueConstraint(fields=["taxonomy", "code"], name="unique_category_code")]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "sv").startswith("en") else self.label_sv


class PoliceTypeMapping(models.Model):
    """Which category a polisen.se event type belongs to, in one taxonomy version."""

    taxonomy = models.ForeignKey(TaxonomyVersion, on_delete=models.CASCADE, related_name="police_types")
    police_type = models.CharField(max_length=100)
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="police_types")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["taxonomy", "police_type"], name="unique_police_type")]

    def __str__(self) -> str:
        return f"{self.police_type} → {self.category.code}"


class Precision(models.TextChoices):
    EXACT = "exact", _("Exact point")
    STREET = "street", _("Street or block")
    DISTRICT = "district", _("District")
    MUNICIPALITY = "municipality", _("Municipality centroid")
    COUNTY = "county", _("County centroid")


# Approximate uncertainty radius of each precision, metres; spatial statistics on a grid only use points
# whose radius is smaller than the cell.
PRECISION_RADIUS_M = {
    Precision.EXACT: 10,
    Precision.STREET: 100,
    Precision.DISTRICT: 1000,
    Precision.MUNICIPALITY: 50_000,
    Precision.COUNTY: 200_000,
}


class Visibility(models.TextChoices):
    INTERNAL = "internal", _("Internal to the reporting organisation")
    PARTNERS = "partners", _("Partners")
    PUBLIC = "public", _("Partners, and public as aggregate counts")


class Status(models.TextChoices):
    NEW = "new", _("New")
    CONFIRMED = "confirmed", _("Confirmed")
    HANDLED = "handled", _("Handled")
    REJECTED = "rejected", _("Rejected")


class Source(models.TextChoices):
    EST = "est", _("EST report")
    POLICE = "police", _("Police event (polisen.se)")
    CSV = "csv", _("CSV import")
    TIP = "tip", _("Resident tip")
    OPEN311 = "open311", _("Open311")
    WALK = "walk", _("Safety walk")


class Assessment(models.TextChoices):
    LOW = "low", _("Little effect on safety")
    MEDIUM = "medium", _("Some effect on safety")
    HIGH = "high", _("Large effect on safety")


# Who besides the reporting organisation sees an incident: partners and the public (the one place this is said).
SHARED_VISIBILITIES = (Visibility.PARTNERS, Visibility.PUBLIC)


def shared_with_partners() -> Q:
    """Incidents the reporting organisation shares beyond itself (anything else — internal or unknown — it keeps)."""
    return Q(visibility__in=SHARED_VISIBILITIES)


class IncidentQuerySet(RestrictedQuerySet):
    """Who sees and edits an incident.

    * ``view`` — members of the reporting organisation, whatever the visibility; incidents shared with partners
      (:func:`shared_with_partners`) also for members who reach the incident's municipality — or, for a
      county-level police event, its county.
    * ``change`` — reporters, coordinators and organisation admins of the reporting organisation; coordinators of
      an organisation working in the incident's own municipality for shared incidents (triage of partner reports
      and police events).
    """

    actions = frozenset({"view", "change"})

    def rule(self, user, action: str) -> Q:
        if is_superuser(user):
            return Q()
        r = reach(user)
        if not r.org_roles:
            return NOTHING
        if action == "view":
            where = Q(municipality__in=r.municipalities) | Q(municipality__isnull=True, county__in=r.counties)
            return Q(reporter_org__in=r.org_ids()) | (shared_with_partners() & where)
        return Q(reporter_org__in=r.org_ids(REPORTING_ROLES)) | (
            shared_with_partners() & Q(municipality__in=r.coordinated_municipalities)
        )

    def shared(self) -> IncidentQuerySet:
        """The partners' view: incidents shared beyond the reporting organisation (for what everyone who reaches
        the municipality reads alike — stored evaluations, goal follow-ups, the public)."""
        return self.filter(shared_with_partners())

    def in_statistics(self) -> IncidentQuerySet:
        return self.filter(category__in_statistics=True).exclude(status=Status.REJECTED)

    def located_precisely(self) -> IncidentQuerySet:
        return self.filter(precision__in=[Precision.EXACT, Precision.STREET, Precision.DISTRICT])


class Incident(models.Model):
    """One händelse: what, where (with precision), when, who reported it and who may see it."""

    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("category")
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.EST)
    external_id = models.CharField(max_length=64, blank=True, help_text="Id in the source system.")
    source_type = models.CharField(max_length=100, blank=True, help_text="Event type as the source names it.")
    title = models.CharField(_("title"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(max_length=400, blank=True)

    # the three foreign keys led by an index of their own with the time (Meta.indexes) need no index of their own:
    # one less to keep up with each insert of an import
    municipality = models.ForeignKey(
        Municipality, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents", db_index=False
    )
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="incidents", db_index=False)
    place = models.ForeignKey(
        Place,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incidents",
        verbose_name=_("place"),
        db_index=False,  # a partial index (Meta.indexes): most incidents, the police's among them, have none
    )
    lat = models.FloatField()
    lon = models.FloatField()
    precision = models.CharField(_("precision"), max_length=16, choices=Precision.choices)

    occurred_start = models.DateTimeField(_("occurred (from)"))
    occurred_end = models.DateTimeField(_("occurred (to)"), null=True, blank=True)
    reported_at = models.DateTimeField(_("reported at"))

    reporter_org = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
        verbose_name=_("reporting organisation"),
        db_index=False,
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incidents",
        db_index=False,  # a partial index (Meta.indexes), as the place's
    )
    assessment = models.CharField(_("assessment"), max_length=8, choices=Assessment.choices, blank=True)
    persons_count = models.PositiveIntegerField(_("number of persons"), null=True, blank=True)
    police_report_made = models.BooleanField(_("police report made"), null=True, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.PARTNERS
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NEW)
    is_generated = models.BooleanField(default=False, help_text="Generated demo data, labelled wherever shown.")

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_start", "-id"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], condition=~Q(external_id=""), name="unique_external_id"
            ),
            models.CheckConstraint(
                condition=Q(occurred_end__isnull=True) | Q(occurred_end__gte=models.F("occurred_start")),
                name="occurred_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(lat__gte=-90, lat__lte=90, lon__gte=-180, lon__lte=180), name="valid_coordinates"
            ),
        ]
        indexes = [
            # covering: the lägesbild's data fingerprint (count, last change) is an index-only scan on PostgreSQL
            models.Index(
                fields=["municipality", "occurred_start"],
                include=["updated_at", "id"],
                name="incident_municipality_time",
            ),
            models.Index(fields=["county", "occurred_start"]),
            models.Index(fields=["reporter_org", "occurred_start"]),
            models.Index(fields=["place"], condition=Q(place__isnull=False), name="incident_place"),
            models.Index(fields=["reported_by"], condition=Q(reported_by__isnull=False), name="incident_reported_by"),
        ]

    def __str__(self) -> str:
        return f"{self.category} {timezone.localtime(self.occurred_start):%Y-%m-%d %H:%M}"

    @property
    def is_centroid(self) -> bool:
        return self.precision in (Precision.MUNICIPALITY, Precision.COUNTY)

    @property
    def area_label(self) -> str:
        return str(self.municipality or self.county)


# Fields whose changes are written to the audit log when an incident is edited.
AUDITED_FIELDS = (
    "category",
    "title",
    "description",
    "municipality",
    "place",
    "lat",
    "lon",
    "precision",
    "occurred_start",
    "occurred_end",
    "assessment",
    "persons_count",
    "police_report_made",
    "visibility",
    "status",
)


class IncidentPhotoQuerySet(RestrictedQuerySet):
    """``view`` — the photos of the incidents the user sees."""

    def rule(self, user, action: str) -> Q:
        return Q(incident__in=Incident.objects.restrict(user, "view").values("pk"))


class IncidentPhoto(models.Model):
    """A photo a partner took with the report: re-encoded without metadata (``trygg.core.photos``), stored under
    ``MEDIA_ROOT/incidents`` and shown to those who may see the incident."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="photos")
    name = models.CharField(max_length=40, help_text="File name under MEDIA_ROOT/incidents (re-encoded).")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = IncidentPhotoQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"photo {self.pk} of incident {self.incident_id}"
