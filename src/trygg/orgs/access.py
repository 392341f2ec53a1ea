"""Who may see and do what: the one place where Trygg's permission rules live.

Rules (tested from the outside in ``tests/orgs/test_access.py`` and the view tests):

* A user acts through memberships: (organisation, role). Superusers may do everything.
* An organisation *works in* one or more municipalities. Its members reach those municipalities, and
  through each cooperation the organisation belongs to that shares incidents, the municipalities
  of the other members.
* Incidents: members of the reporting organisation see them whatever their visibility; anyone who
  reaches the incident's municipality (or, for county-level police events, its county) sees those
  visible to partners or public. Unauthenticated users see no incident records at all (public pages
  only show aggregates).
* Editing an incident: reporters, coordinators and organisation admins of the reporting organisation;
  coordinators of an organisation working in the incident's own municipality (triage of partner reports
  and police events). Viewers and screening officers only read.
* Measures, problem places and agreements: members of the owning or a participating organisation, and
  coordinators of organisations working in the measure's municipality; partner municipalities only read.
* Residents' tips, receipt reports and survey management: coordinators and admins of the municipality's own
  organisation (what residents are told).
* Screening cases and person data: only screening officers of the municipality organisation that owns the
  case, logged in with a second factor (checked in ``trygg.screening.views``); every read is audited.
* Administration in the product (``trygg.orgs.views``): an organisation's members, invitations and roles are
  administered by its organisation admins (and superusers). A cooperation — its member organisations and what
  it shares — is administered by the organisation admins of a *municipality* organisation in it (and
  superusers): the municipality carries the cooperation, partners join it. Named places and areas of a
  municipality are managed by the coordinators and organisation admins of an organisation working there (the
  same rule as writing its analyses and agreements).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from trygg.orgs.models import Cooperation, Membership, Municipality, Role

REPORTING_ROLES = frozenset({Role.REPORTER, Role.COORDINATOR, Role.ORG_ADMIN})
COORDINATING_ROLES = frozenset({Role.COORDINATOR, Role.ORG_ADMIN})


@dataclass(frozen=True)
class Reach:
    """What a user's memberships add up to (computed once per request)."""

    org_roles: dict[int, str]  # organisation id -> role
    own_municipalities: frozenset[str]  # where the user's organisations work
    municipalities: frozenset[str]  # own plus those shared through cooperations
    counties: frozenset[str]
    coordinated_municipalities: frozenset[str]  # own municipalities where the user coordinates
    cooperation_ids: frozenset[int]

    def org_ids(self, roles: Iterable[str] | None = None) -> set[int]:
        wanted = set(roles) if roles is not None else None
        return {org for org, role in self.org_roles.items() if wanted is None or role in wanted}


EMPTY_REACH = Reach({}, frozenset(), frozenset(), frozenset(), frozenset(), frozenset())


def reach(user) -> Reach:
    if not getattr(user, "is_authenticated", False):
        return EMPTY_REACH
    cached = getattr(user, "_trygg_reach", None)
    if cached is not None:
        return cached
    memberships = list(Membership.objects.filter(user=user).values_list("organisation_id", "role"))
    org_roles = dict(memberships)
    own_pairs = list(Municipality.objects.filter(organisations__in=org_roles).values_list("code", "organisations__id"))
    own = frozenset(code for code, _ in own_pairs)
    coordinated = frozenset(code for code, org in own_pairs if org_roles.get(org) in COORDINATING_ROLES)
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
    result = Reach(org_roles, own, frozenset(municipalities), counties, coordinated, coops)
    user._trygg_reach = result
    return result


def forget(user) -> None:
    """Drop the cached reach after memberships change."""
    for attribute in ("_trygg_reach", "_trygg_screening"):
        if hasattr(user, attribute):
            delattr(user, attribute)


def visible_incidents_q(user) -> Q:
    if getattr(user, "is_superuser", False):
        return Q()
    r = reach(user)
    if not r.org_roles:
        return Q(pk__in=[])
    shared = Q(visibility__in=["partners", "public"]) & (
        Q(municipality__in=r.municipalities) | Q(municipality__isnull=True, county__in=r.counties)
    )
    return Q(reporter_org__in=r.org_ids()) | shared


def visible_incidents(user, queryset: QuerySet | None = None) -> QuerySet:
    from trygg.incidents.models import Incident

    qs = queryset if queryset is not None else Incident.objects.all()
    return qs.filter(visible_incidents_q(user))


def can_view_incident(user, incident) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    r = reach(user)
    if incident.reporter_org_id in r.org_roles:
        return True
    if incident.visibility == "internal" or not r.org_roles:
        return False
    if incident.municipality_id:
        return incident.municipality_id in r.municipalities
    return incident.county_id in r.counties


def can_edit_incident(user, incident) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    r = reach(user)
    if r.org_roles.get(incident.reporter_org_id) in REPORTING_ROLES:
        return True
    return (
        incident.visibility != "internal"
        and incident.municipality_id is not None
        and incident.municipality_id in r.coordinated_municipalities
    )


def can_report(user) -> bool:
    return getattr(user, "is_superuser", False) or bool(reach(user).org_ids(REPORTING_ROLES))


def reporting_organisations(user):
    from trygg.orgs.models import Organisation

    if getattr(user, "is_superuser", False):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=reach(user).org_ids(REPORTING_ROLES))


def can_view_municipality(user, code: str) -> bool:
    return code in reach(user).municipalities


def visible_municipalities(user) -> QuerySet:
    return Municipality.objects.filter(code__in=reach(user).municipalities).order_by("name")


def can_write_analysis(user, code: str) -> bool:
    """Coordinators and organisation admins of an organisation working in the municipality write its analyses."""
    return code in reach(user).coordinated_municipalities


def screening_municipalities(user) -> frozenset[str]:
    """Where the user is a screening officer: municipalities of a *municipality* organisation in which the
    user has the screening-officer role. Nobody else — superusers included — sees cases or person data."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_trygg_screening", None)
    if cached is None:
        cached = frozenset(
            Municipality.objects.filter(
                organisations__memberships__user=user,
                organisations__memberships__role=Role.SCREENING_OFFICER,
                organisations__kind="municipality",
            ).values_list("code", flat=True)
        )
        user._trygg_screening = cached
    return cached


def can_screen(user, code: str) -> bool:
    return code in screening_municipalities(user)


def can_edit_measure(user, owner_id: int, municipality_code: str, participant_ids: Iterable[int] = ()) -> bool:
    """Measures, problem places and agreements: members of the owning organisation or of a participating one
    (not viewers), and the coordinators of organisations that work in the measure's own municipality. A
    coordinator of a partner municipality in the same cooperation reads but does not edit."""
    if getattr(user, "is_superuser", False):
        return True
    r = reach(user)
    if any(r.org_roles.get(org) in REPORTING_ROLES for org in (owner_id, *participant_ids)):
        return True
    return municipality_code in r.coordinated_municipalities


def resident_data_municipalities(user) -> frozenset[str]:
    """Where the user reads residents' tips and receipt reports: coordinators and organisation admins of the
    *municipality's own* organisation — what residents are told ("kommunens trygghetssamordnare"). The police
    and other partners coordinate incidents, not residents' messages."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    if getattr(user, "is_superuser", False):
        return frozenset(Municipality.objects.values_list("code", flat=True))
    return frozenset(
        Municipality.objects.filter(
            organisations__kind="municipality",
            organisations__memberships__user=user,
            organisations__memberships__role__in=COORDINATING_ROLES,
        ).values_list("code", flat=True)
    )


def can_see_jobs(user) -> bool:
    """The scheduled jobs' page: organisation admins of any organisation and superusers."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or Role.ORG_ADMIN in reach(user).org_roles.values()


def can_administer_organisation(user, organisation) -> bool:
    """Members, invitations and roles of ``organisation``: its organisation admins, and superusers."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or reach(user).org_roles.get(organisation.pk) == Role.ORG_ADMIN


def administered_organisations(user) -> QuerySet:
    """The organisations whose members ``user`` administers (see :func:`can_administer_organisation`)."""
    from trygg.orgs.models import Organisation

    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=reach(user).org_ids([Role.ORG_ADMIN]))


def administered_cooperations(user) -> QuerySet:
    """Cooperations ``user`` administers: those with a *municipality* organisation in which the user is an
    organisation admin (superusers: all)."""
    if not getattr(user, "is_authenticated", False):
        return Cooperation.objects.none()
    if user.is_superuser:
        return Cooperation.objects.all()
    return Cooperation.objects.filter(
        organisations__kind="municipality",
        organisations__memberships__user=user,
        organisations__memberships__role=Role.ORG_ADMIN,
    ).distinct()


def can_administer_cooperation(user, cooperation) -> bool:
    """A cooperation's member organisations and what it shares: organisation admins of a municipality
    organisation in the cooperation, and superusers."""
    return administered_cooperations(user).filter(pk=cooperation.pk).exists()


def can_manage_places(user, municipality) -> bool:
    """Named places and areas of a municipality: coordinators and organisation admins of an organisation working
    in it (as for its analyses and agreements), and superusers. ``municipality`` is one or its code."""
    code = getattr(municipality, "code", municipality)
    return code in reach(user).coordinated_municipalities


def place_municipalities(user) -> QuerySet:
    """Where ``user`` manages named places (superusers: wherever an organisation works)."""
    if getattr(user, "is_superuser", False):
        return Municipality.objects.filter(organisations__isnull=False).distinct().defer("boundary")
    return Municipality.objects.filter(code__in=reach(user).coordinated_municipalities).defer("boundary")


def require(allowed: bool) -> None:
    """Raise 403 unless ``allowed``; views call this with one of the predicates above."""
    if not allowed:
        raise PermissionDenied
