"""Who may plan, see and walk a safety walk — composed from :mod:`trygg.orgs.access`.

* Planning, editing, starting and finishing a walk, and turning its stops into incidents or measures: the
  coordinators and organisation admins of an organisation working in the walk's municipality (as for its
  analyses and places: :func:`trygg.orgs.access.can_write_analysis`).
* Seeing a walk, adding stops and seeing its photos and report: the users taking part, the members of its
  organising and participating organisations, and those coordinators. A partner of another municipality who
  only reaches it through a cooperation does not see the walk.
* A cooperation's checklists are read by its members and edited (or copied) by its members who coordinate.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from trygg.orgs import access
from trygg.orgs.models import Cooperation, Organisation, User
from trygg.walks.models import ChecklistTemplate, Walk


def can_plan(user, code: str) -> bool:
    return access.can_write_analysis(user, code)


def can_manage(user, walk: Walk) -> bool:
    return access.can_write_analysis(user, walk.municipality_id)


def visible_walks_q(user) -> Q:
    if getattr(user, "is_superuser", False):
        return Q()
    r = access.reach(user)
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    orgs = r.org_ids()
    return (
        Q(municipality__in=r.coordinated_municipalities)
        | Q(participants=user)
        | Q(organiser__in=orgs)
        | Q(organisations__in=orgs)
    )


def visible_walks(user) -> QuerySet:
    return Walk.objects.filter(visible_walks_q(user)).distinct()


def can_see(user, walk: Walk) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or can_manage(user, walk):
        return True
    orgs = access.reach(user).org_ids()
    return (
        walk.organiser_id in orgs
        or walk.participants.filter(pk=user.pk).exists()
        or walk.organisations.filter(pk__in=orgs).exists()
    )


def organiser_choices(user, municipality) -> QuerySet:
    """The organisations a coordinator may organise a walk for: their own, working in the municipality, where they
    coordinate (superusers: every organisation working there)."""
    working = Organisation.objects.filter(municipalities=municipality)
    if getattr(user, "is_superuser", False):
        return working
    return working.filter(pk__in=access.reach(user).org_ids(access.COORDINATING_ROLES))


def cooperations_of(municipality) -> QuerySet:
    return Cooperation.objects.filter(organisations__municipalities=municipality).distinct()


def partner_organisations(municipality) -> QuerySet:
    """Who may take part: organisations working in the municipality and those in its cooperations."""
    return Organisation.objects.filter(
        Q(municipalities=municipality) | Q(cooperations__in=cooperations_of(municipality))
    ).distinct()


def partner_users(municipality) -> QuerySet:
    return (
        User.objects.filter(is_active=True, memberships__organisation__in=partner_organisations(municipality))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def checklist_choices(municipality) -> QuerySet:
    return ChecklistTemplate.objects.filter(cooperation__in=cooperations_of(municipality)).select_related("cooperation")


def readable_checklists(user) -> QuerySet:
    qs = ChecklistTemplate.objects.select_related("cooperation")
    if getattr(user, "is_superuser", False):
        return qs
    return qs.filter(cooperation__in=access.reach(user).cooperation_ids)


def can_edit_checklist(user, template: ChecklistTemplate) -> bool:
    """Members of the checklist's cooperation who coordinate (and superusers)."""
    if getattr(user, "is_superuser", False):
        return True
    r = access.reach(user)
    return template.cooperation_id in r.cooperation_ids and bool(r.coordinated_municipalities)
