"""Municipalities, organisations, people's roles in them, cooperations and named places."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trygg.core import geo
from trygg.orgs.restrict import NOTHING, RestrictedQuerySet, is_superuser, is_user


class User(AbstractUser):
    """A person who logs in. What they may do follows from their memberships."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class County(models.Model):
    """Län, with SCB's two-digit code."""

    code = models.CharField(max_length=2, primary_key=True)
    name = models.CharField(max_length=80, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("county")
        verbose_name_plural = _("counties")

    def __str__(self) -> str:
        return self.name


class MunicipalityQuerySet(RestrictedQuerySet):
    """Who reaches a municipality, and for what.

    * ``view`` — members of an organisation working there, or cooperating (sharing incidents) with one that does:
      its dashboard, incidents visible to partners, lägesbild, measures, agreements, plan, survey results.
    * ``coordinate`` — coordinators and organisation admins of an organisation working there: its analyses,
      named places, agreements and safety walks.
    * ``report`` — where an organisation of the user with a reporting role works.
    * ``residents`` — coordinators and organisation admins of the municipality's *own* organisation: residents'
      tips, receipt reports, surveys, forwarding to departments (what residents are told).
    * ``screen`` — screening officers of the municipality's own organisation (superusers not included).
    """

    actions = frozenset({"view", "coordinate", "report", "residents", "screen"})

    def rule(self, user, action: str) -> Q:
        if action == "screen":
            return Q(code__in=screening_codes(user))
        if action == "residents":
            if is_superuser(user):
                return Q()
            return Q(
                code__in=Municipality.objects.filter(
                    organisations__kind=Organisation.Kind.MUNICIPALITY,
                    organisations__memberships__user=user,
                    organisations__memberships__role__in=COORDINATING_ROLES,
                ).values("code")
            )
        if is_superuser(user):
            return Q()
        r = reach(user)
        codes = {
            "view": r.municipalities,
            "coordinate": r.coordinated_municipalities,
            "report": r.reporting_municipalities,
        }[action]
        return Q(code__in=codes)


class Municipality(models.Model):
    """Kommun, with SCB's four-digit code, population and boundary (WGS84 GeoJSON)."""

    code = models.CharField(max_length=4, primary_key=True)
    name = models.CharField(max_length=80)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="municipalities")
    population = models.PositiveIntegerField(null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(null=True, blank=True)
    boundary = models.JSONField(null=True, blank=True, help_text="GeoJSON Polygon or MultiPolygon, WGS84.")
    centroid_lat = models.FloatField(null=True, blank=True)
    centroid_lon = models.FloatField(null=True, blank=True)
    min_lon = models.FloatField(null=True, blank=True)
    min_lat = models.FloatField(null=True, blank=True)
    max_lon = models.FloatField(null=True, blank=True)
    max_lat = models.FloatField(null=True, blank=True)

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name

    @property
    def bbox(self) -> tuple[float, float, float, float] | None:
        if self.min_lon is None:
            return None
        return (self.min_lon, self.min_lat, self.max_lon, self.max_lat)

    def contains(self, lon: float, lat: float) -> bool:
        return self.boundary is not None and geo.shape_of(self.boundary_key, self.boundary).covers(geo.point(lon, lat))

    @property
    def boundary_key(self) -> str:
        return f"municipality:{self.code}"


class OrganisationQuerySet(RestrictedQuerySet):
    """* ``member`` — the user's own organisations. * ``report`` — those where the user reports, coordinates or
    administers. * ``administer`` — those where the user is an organisation admin: its members, invitations,
    roles and sign-in mappings (superusers: all)."""

    actions = frozenset({"member", "report", "administer"})

    def rule(self, user, action: str) -> Q:
        if is_superuser(user):
            return Q()
        roles = {"member": None, "report": REPORTING_ROLES, "administer": {Role.ORG_ADMIN}}[action]
        return Q(pk__in=reach(user).org_ids(roles))


class Organisation(models.Model):
    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        POLICE_AREA = "police_area", _("Police area (lokalpolisområde)")
        CRIME_PREVENTION_COUNCIL = "bra_council", _("Crime-prevention council")
        PROPERTY_OWNERS = "property_owners", _("Property owners")
        CITY_CENTRE = "city_centre", _("City-centre association")
        SECURITY_COMPANY = "security_company", _("Security company")
        HOUSING_COMPANY = "housing_company", _("Housing company")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    organisation_number = models.CharField(_("organisation number"), max_length=11, blank=True)
    municipalities = models.ManyToManyField(
        Municipality, related_name="organisations", verbose_name=_("municipalities where it works")
    )
    is_demo = models.BooleanField(default=False, help_text="Created by the demo loader.")

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    REPORTER = "reporter", _("Reporter")
    COORDINATOR = "coordinator", _("Coordinator / analyst")
    ORG_ADMIN = "org_admin", _("Organisation admin")
    SCREENING_OFFICER = "screening_officer", _("Screening officer")
    VIEWER = "viewer", _("Viewer")
    BUSINESS_CHECK = "business_check", _("Business check (affärskontroll)")


REPORTING_ROLES = frozenset({Role.REPORTER, Role.COORDINATOR, Role.ORG_ADMIN})
COORDINATING_ROLES = frozenset({Role.COORDINATOR, Role.ORG_ADMIN})


class MembershipQuerySet(RestrictedQuerySet):
    """``administer`` — memberships of the organisations the user administers (changing a role, removing)."""

    actions = frozenset({"administer"})

    def rule(self, user, action: str) -> Q:
        return Q(organisation__in=Organisation.objects.restrict(user, "administer").values("pk"))


class Membership(models.Model):
    """A user's role in one organisation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="one_role_per_org")]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"


class CooperationQuerySet(RestrictedQuerySet):
    """* ``view`` — cooperations one of the user's organisations is in (its meetings, checklists).
    * ``coordinate`` — those, for a user who coordinates somewhere (a meeting's minutes, checklists).
    * ``administer`` — cooperations with a *municipality* organisation in which the user is an organisation admin:
      the municipality carries the cooperation, partners join it (superusers: all)."""

    actions = frozenset({"view", "coordinate", "administer"})

    def rule(self, user, action: str) -> Q:
        if is_superuser(user):
            return Q()
        r = reach(user)
        if action == "view":
            return Q(pk__in=r.cooperation_ids)
        if action == "coordinate":
            return Q(pk__in=r.cooperation_ids) if r.coordinated_municipalities else NOTHING
        administered = r.org_ids({Role.ORG_ADMIN})
        return Q(
            pk__in=Cooperation.organisations.through.objects.filter(
                organisation__in=administered, organisation__kind=Organisation.Kind.MUNICIPALITY
            ).values("cooperation")
        )


class Cooperation(models.Model):
    """Organisations across municipalities working together, and what they share with each other."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    organisations = models.ManyToManyField(Organisation, related_name="cooperations")
    share_incidents = models.BooleanField(
        _("share incidents"),
        default=True,
        help_text=_("Members see each other's incidents that are visible to partners."),
    )
    share_measures = models.BooleanField(_("share measures"), default=True)
    share_watchlists = models.BooleanField(_("share own watch lists"), default=False)

    objects = CooperationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("cooperation")
        verbose_name_plural = _("cooperations")

    def __str__(self) -> str:
        return self.name

    def municipality_codes(self) -> set[str]:
        return set(Municipality.objects.filter(organisations__cooperations=self).values_list("code", flat=True))


class PlaceQuerySet(RestrictedQuerySet):
    """``view`` — places of the municipalities the user reaches; ``change`` — of those the user coordinates."""

    actions = frozenset({"view", "change"})

    def rule(self, user, action: str) -> Q:
        wanted = "view" if action == "view" else "coordinate"
        return Q(municipality__in=Municipality.objects.restrict(user, wanted).values("code"))


class Place(models.Model):
    """A named place or area in a municipality, e.g. "Centrum" or "Stora torget"."""

    class Kind(models.TextChoices):
        PLACE = "place", _("Place (square, park, station …)")
        AREA = "area", _("Area (e.g. the city centre)")
        RESIDENTIAL = "residential", _("Residential area")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="places")
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.PLACE)
    geometry = models.JSONField(help_text="GeoJSON Point, Polygon or MultiPolygon, WGS84.")
    lat = models.FloatField(help_text="Representative point inside the place.")
    lon = models.FloatField()
    is_demo = models.BooleanField(default=False)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        ordering = ["municipality", "name"]
        constraints = [models.UniqueConstraint(fields=["municipality", "name"], name="unique_place_name")]
        verbose_name = _("place")
        verbose_name_plural = _("places")

    def __str__(self) -> str:
        return f"{self.name} ({self.municipality})"

    def save(self, *args, **kwargs):
        shape = geo.shape_from_geojson(self.geometry)
        rep = shape.representative_point()
        self.lon, self.lat = rep.x, rep.y
        super().save(*args, **kwargs)

    def clean(self) -> None:
        try:
            shape = geo.shape_from_geojson(self.geometry)
        except (ValueError, TypeError, KeyError) as exc:
            raise ValidationError({"geometry": _("Not a valid GeoJSON geometry: %(err)s") % {"err": exc}}) from exc
        if shape.geom_type not in {"Point", "Polygon", "MultiPolygon"}:
            raise ValidationError({"geometry": _("A place is a point or an area.")})

    @property
    def is_area(self) -> bool:
        return self.geometry.get("type") in {"Polygon", "MultiPolygon"}

    @cached_property
    def shape(self):
        return geo.shape_from_geojson(self.geometry)

    def geometry_json(self) -> str:
        return json.dumps(self.geometry)


class OfficialStatistic(models.Model):
    """A published figure for a municipality, e.g. reported crimes per 100 000 residents (Kolada N07540)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="statistics")
    indicator = models.CharField(max_length=60)
    year = models.PositiveSmallIntegerField()
    value = models.FloatField()
    source = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["municipality", "indicator", "year"], name="unique_statistic")]

    def __str__(self) -> str:
        return f"{self.municipality} {self.indicator} {self.year}: {self.value}"


class InvitationQuerySet(RestrictedQuerySet):
    """``administer`` — invitations of the organisations the user administers."""

    actions = frozenset({"administer"})

    def rule(self, user, action: str) -> Q:
        return Q(organisation__in=Organisation.objects.restrict(user, "administer").values("pk"))


class Invitation(models.Model):
    """An organisation admin's invitation of a person by e-mail, to become a member with a role. The link in the
    e-mail is signed and expires (``TRYGG_INVITE_DAYS``); it works once: accepting or withdrawing ends it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation} ({self.get_role_display()})"


# -- what a user's memberships add up to -------------------------------------------------------------------------


@dataclass(frozen=True)
class Reach:
    """What a user's memberships add up to (computed once per request and kept on the user object)."""

    org_roles: dict[int, str]  # organisation id -> role
    own_municipalities: frozenset[str]  # where the user's organisations work
    municipalities: frozenset[str]  # own plus those shared through cooperations
    counties: frozenset[str]
    coordinated_municipalities: frozenset[str]  # own municipalities where the user coordinates
    cooperation_ids: frozenset[int]
    reporting_municipalities: frozenset[str] = frozenset()  # own municipalities where the user reports

    def org_ids(self, roles: Iterable[str] | None = None) -> set[int]:
        wanted = set(roles) if roles is not None else None
        return {org for org, role in self.org_roles.items() if wanted is None or role in wanted}


EMPTY_REACH = Reach({}, frozenset(), frozenset(), frozenset(), frozenset(), frozenset())


def reach(user) -> Reach:
    """The organisations, roles, municipalities, counties and cooperations ``user`` acts through."""
    if not is_user(user):
        return EMPTY_REACH
    cached = getattr(user, "_trygg_reach", None)
    if cached is not None:
        return cached
    org_roles = dict(Membership.objects.filter(user=user).values_list("organisation_id", "role"))
    own_pairs = list(Municipality.objects.filter(organisations__in=org_roles).values_list("code", "organisations__id"))
    own = frozenset(code for code, _org in own_pairs)
    coordinated = frozenset(code for code, org in own_pairs if org_roles.get(org) in COORDINATING_ROLES)
    reporting = frozenset(code for code, org in own_pairs if org_roles.get(org) in REPORTING_ROLES)
    coops = frozenset(Cooperation.objects.filter(organisations__in=org_roles).values_list("id", flat=True))
    shared = set(
        Municipality.objects.filter(
            organisations__cooperations__in=coops, organisations__cooperations__share_incidents=True
        ).values_list("code", flat=True)
    )
    municipalities = own | shared
    if user.is_superuser:
        municipalities = frozenset(Municipality.objects.values_list("code", flat=True))
        coordinated = municipalities
    counties = frozenset(Municipality.objects.filter(code__in=municipalities).values_list("county", flat=True))
    result = Reach(org_roles, own, frozenset(municipalities), counties, coordinated, coops, reporting)
    user._trygg_reach = result
    return result


def screening_codes(user) -> frozenset[str]:
    """Where the user is a screening officer: municipalities of a *municipality* organisation in which the user has
    the screening-officer role. Nobody else — superusers included — sees cases or person data."""
    if not is_user(user):
        return frozenset()
    cached = getattr(user, "_trygg_screening", None)
    if cached is None:
        cached = frozenset(
            Municipality.objects.filter(
                organisations__memberships__user=user,
                organisations__memberships__role=Role.SCREENING_OFFICER,
                organisations__kind=Organisation.Kind.MUNICIPALITY,
            ).values_list("code", flat=True)
        )
        user._trygg_screening = cached
    return cached


def forget(user) -> None:
    """Drop the cached reach after memberships change."""
    for attribute in ("_trygg_reach", "_trygg_screening"):
        if hasattr(user, attribute):
            delattr(user, attribute)


# requests to take an organisation of another municipality into a cooperation (their own module, one model each)
from trygg.orgs.partner_requests import PartnerConsent, PartnerRequest  # noqa: E402, F401
