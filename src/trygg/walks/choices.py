"""What a walk's planning form offers: the organisations a coordinator may organise for, who may take part and
the checklists of the municipality's cooperations. Who may see or manage a walk is its queryset's rule
(``Walk.objects.restrict(user, action)`` in :mod:`trygg.walks.models`)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from trygg.orgs.models import COORDINATING_ROLES, Cooperation, Organisation, User, reach
from trygg.orgs.restrict import is_superuser
from trygg.walks.models import ChecklistTemplate


def organiser_choices(user, municipality) -> QuerySet:
    """The organisations a coordinator may organise a walk for: their own, working in the municipality, where they
    coordinate (superusers: every organisation working there)."""
    working = Organisation.objects.filter(municipalities=municipality)
    if is_superuser(user):
        return working
    return working.filter(pk__in=reach(user).org_ids(COORDINATING_ROLES))


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
