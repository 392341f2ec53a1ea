"""Who may see and do what, in words, and the page-level predicates built on the models' rules.

Each model's rule lives once, in its queryset's ``rule`` (``Model.objects.restrict(user, action)``, see
:mod:`trygg.orgs.restrict`); views, exports, counts, digests and the API fetch through it. This module keeps what
a *page* asks that names no object ("may this user report at all?") and says the rules in words.

Rules (tested from the outside in ``tests/orgs/test_access.py``, ``tests/test_access_matrix.py`` and the view
tests):

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

from django.db.models import QuerySet

from trygg.orgs.models import (
    COORDINATING_ROLES,
    EMPTY_REACH,
    REPORTING_ROLES,
    Cooperation,
    Municipality,
    Organisation,
    Reach,
    Role,
    forget,
    reach,
    screening_codes,
)
from trygg.orgs.restrict import allowed, fetch, is_superuser, is_user, require

__all__ = [
    "COORDINATING_ROLES",
    "EMPTY_REACH",
    "REPORTING_ROLES",
    "Reach",
    "allowed",
    "fetch",
    "forget",
    "reach",
    "require",
]


def codes(user, action: str = "view") -> frozenset[str]:
    """The codes of the municipalities ``user`` may use for ``action`` (see ``MunicipalityQuerySet``)."""
    return frozenset(Municipality.objects.restrict(user, action).values_list("code", flat=True))


def can_report(user) -> bool:
    """Reporters, coordinators and organisation admins of any organisation (and superusers)."""
    return is_superuser(user) or bool(reach(user).org_ids(REPORTING_ROLES))


def reporting_organisations(user) -> QuerySet:
    return Organisation.objects.restrict(user, "report")


def visible_municipalities(user) -> QuerySet:
    return Municipality.objects.restrict(user, "view").order_by("name")


def screening_municipalities(user) -> frozenset[str]:
    """Where the user is a screening officer (superusers not included): see ``MunicipalityQuerySet``."""
    return screening_codes(user)


def resident_data_municipalities(user) -> frozenset[str]:
    """Where the user reads residents' tips and receipt reports: coordinators and organisation admins of the
    *municipality's own* organisation — what residents are told ("kommunens trygghetssamordnare")."""
    return codes(user, "residents") if is_user(user) else frozenset()


def can_see_jobs(user) -> bool:
    """The scheduled jobs' page: organisation admins of any organisation and superusers."""
    return is_superuser(user) or Role.ORG_ADMIN in reach(user).org_roles.values()


def administered_organisations(user) -> QuerySet:
    """The organisations whose members ``user`` administers."""
    return Organisation.objects.restrict(user, "administer")


def administered_cooperations(user) -> QuerySet:
    """Cooperations ``user`` administers (see ``CooperationQuerySet``)."""
    return Cooperation.objects.restrict(user, "administer")


def place_municipalities(user) -> QuerySet:
    """Where ``user`` manages named places (superusers: wherever an organisation works)."""
    qs = Municipality.objects.restrict(user, "coordinate").defer("boundary")
    return qs.filter(organisations__isnull=False).distinct() if is_superuser(user) else qs
