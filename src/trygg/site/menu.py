"""The main menu, built from what the user may do: every page a role uses is one click from its menu or from a
page the menu leads to (``tests/test_menu_reachability.py`` walks the links and checks it)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from trygg.orgs import access
from trygg.orgs.models import Role
from trygg.partnercheck.models import can_check
from trygg.walks.models import Walk


@dataclass(frozen=True)
class Entry:
    label: str
    url: str
    name: str  # the URL name, for marking the current page


def _entry(label, name: str, *args, anchor: str = "") -> Entry:
    return Entry(str(label), reverse(name, args=args) + anchor, name)


def public_entries() -> list[Entry]:
    """Residents' menu (no database read: the open surveys and the maps are listed on the public start page)."""
    return [
        _entry(_("Tips"), "citizens:tip_new"),
        _entry(_("Receipt"), "citizens:receipt_campaign"),
        _entry(_("Survey"), "site:home", anchor="#undersokningar"),
        _entry(_("Map"), "site:home", anchor="#kartor"),
        _entry(_("What we do"), "measures:public"),
    ]


def staff_entries(user) -> list[Entry]:
    reach = access.reach(user)
    roles = set(reach.org_roles.values())
    coordinating = user.is_superuser or bool(roles & access.COORDINATING_ROLES)
    entries = [_entry(_("Start"), "site:home")]
    if access.can_report(user):
        entries += [_entry(_("Report"), "incidents:report"), _entry(_("My reports"), "incidents:mine")]
    only_reporting = not coordinating and roles <= {Role.REPORTER, Role.SCREENING_OFFICER}
    if reach.municipalities and not only_reporting:
        home = sorted(reach.own_municipalities or reach.municipalities)[0]
        entries += [
            _entry(_("Incidents"), "incidents:list", home),
            _entry(_("Situation reports"), "situation:index"),
            _entry(_("Measures"), "measures:index"),
            _entry(_("Meetings"), "measures:meetings"),
            _entry(_("Agreements"), "measures:index", anchor="#agreements"),
        ]
    if coordinating or _takes_part_in_walks(user):
        entries.append(_entry(_("Safety walks"), "walks:index"))
    if access.resident_data_municipalities(user):
        entries += [
            _entry(_("Residents' tips"), "citizens:triage"),
            _entry(_("Receipts"), "citizens:receipt_summary"),
            _entry(_("Surveys"), "citizens:survey_list"),
        ]
    if can_check(user):
        entries.append(_entry(_("Company check"), "partnercheck:index"))
    if access.screening_municipalities(user):
        entries.append(_entry(_("Screening"), "screening:index"))
        entries.append(_entry(_("Partners' concerns"), "partnercheck:concerns"))
    if access.can_see_jobs(user):
        entries.append(_entry(_("Jobs"), "site:jobs"))
    if administers(user):
        entries.append(_entry(_("Administration"), "orgs:admin"))
    return entries


def _takes_part_in_walks(user) -> bool:
    return Walk.objects.restrict(user).exists()


def administers(user) -> bool:
    """Whether the user administers something: an organisation's members, a cooperation, or named places."""
    return (
        user.is_superuser
        or Role.ORG_ADMIN in access.reach(user).org_roles.values()
        or bool(access.reach(user).coordinated_municipalities)
    )


def entries_for(user) -> list[Entry]:
    if getattr(user, "is_authenticated", False):
        return staff_entries(user)
    return public_entries()
