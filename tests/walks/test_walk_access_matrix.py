"""The safety walks' pages against their rules in ``trygg/orgs/access_table.py``: every walks URL, with objects of
Karlstad and Örebro, requested as anonymous, every demo user, an outsider and a superuser. The expectation is
worked out from memberships and the walk's facts, following the table's words (as ``tests/test_access_matrix.py``
does for the other pages, whose reading of the shared rules is reused here)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.test_access_matrix import Person, Target, expected, person, url_names
from tests.walks.conftest import jpeg
from tests.walks.helpers import add_stop
from trygg.core.photos import clean_photo
from trygg.incidents.models import Incident
from trygg.orgs.access_table import ACCESS, Rule, Who
from trygg.orgs.models import Cooperation, Membership, Municipality, Organisation, User
from trygg.walks.checklists import ensure_default
from trygg.walks.models import Stop, StopPhoto, Walk

pytestmark = pytest.mark.django_db

PARTICIPANTS: dict[str, frozenset[int]] = {}  # target url -> the walk's participating users


def walk_reader(p: Person, t: Target) -> bool:
    """Who.WALK_PARTICIPANTS in the table's words."""
    if p.superuser:
        return True
    return t.municipality in p.coordinated or p.user.pk in PARTICIPANTS[t.url] or any(o in p.roles for o in t.owners)


def want(rule: Rule, p: Person, t: Target) -> int:
    if rule.who != Who.WALK_PARTICIPANTS or p.anonymous:
        return expected(rule, p, t)
    return rule.get if walk_reader(p, t) else rule.denied


def build(demo_orgs) -> list[Target]:
    orgs, users = demo_orgs["orgs"], dict(demo_orgs["users"])
    coop = Cooperation.objects.get(slug="trygga-centrum")
    template = ensure_default(coop)
    local = Cooperation.objects.create(name="Örebro lokalt", slug="orebro-lokalt", share_incidents=False)
    local.organisations.set([orgs["orebro-kommun"], orgs["city-orebro"]])
    local_template = ensure_default(local)
    targets: list[Target] = []

    def add(name: str, participants=frozenset(), **facts) -> None:
        target = Target(name, facts.pop("kwargs", {}), **facts)
        targets.append(target)
        PARTICIPANTS[target.url] = frozenset(participants)

    walks = {}
    for code, county, organiser, partner, participant in (
        ("1780", "17", "karlstads-kommun", "lpo-karlstad", "centrum.rapportor"),
        ("1880", "18", "orebro-kommun", "city-orebro", "fastighet.rapportor"),
    ):
        walk = Walk.objects.create(
            title="Vandring", municipality_id=code, starts_at=timezone.now() + dt.timedelta(days=1),
            organiser=orgs[organiser], template=template, checklist_name=template.name,
            checklist_source=template.source, questions=template.snapshot(),
        )  # fmt: skip
        walk.organisations.set([orgs[partner]])
        walk.participants.set([users[participant]])
        walks[code] = walk
        stop = add_stop(walk, 1, {"belysning": ("problem", "")}, note="Mörkt")
        photo = StopPhoto.objects.create(
            stop=stop, name=clean_photo(SimpleUploadedFile("p.jpg", jpeg(), content_type="image/jpeg"), "walks")
        )
        facts = {
            "municipality": code,
            "county": county,
            "owners": (orgs[organiser].pk, orgs[partner].pk),
            "participants": {users[participant].pk},
        }
        add("walks:plan", kwargs={"code": code}, municipality=code, county=county)
        add("walks:edit", kwargs={"code": code, "pk": walk.pk}, municipality=code, county=county)
        for name in ("walks:walk", "walks:stop_new", "walks:status", "walks:report", "walks:report_pdf"):
            add(name, kwargs={"pk": walk.pk}, **facts)
        add("walks:photo", kwargs={"pk": photo.pk}, **facts)
        add("walks:convert", kwargs={"pk": stop.pk}, **facts)
    other = {"1780": "1880", "1880": "1780"}
    for code, county in (("1780", "17"), ("1880", "18")):  # another municipality's walk under this code
        add("walks:edit", kwargs={"code": code, "pk": walks[other[code]].pk}, municipality=code, county=county,
            inside=False)  # fmt: skip
    for item in (template, local_template):
        for name in ("walks:checklist_edit", "walks:checklist_copy"):
            add(name, kwargs={"pk": item.pk}, cooperation=item.cooperation_id)
    add("walks:index")
    add("walks:checklists")
    hammaro = Organisation.objects.create(name="Hammarö kommun", slug="hammaro-kommun", kind="municipality")
    hammaro.municipalities.set([Municipality.objects.get(code="1715")])
    users["hammaro.samordnare"] = User.objects.create(username="hammaro.samordnare")
    Membership.objects.create(user=users["hammaro.samordnare"], organisation=hammaro, role="coordinator")
    users["root"] = User.objects.create_superuser("root", password="x" * 12)
    demo_orgs["all_users"] = users
    return targets


def test_every_walks_page_follows_its_rule(demo_orgs, settings, tmp_path):
    targets = build(demo_orgs)
    walk_names = {n for n in url_names() if n.startswith("walks:")}
    assert walk_names and walk_names == {t.name for t in targets} == {n for n in ACCESS if n.startswith("walks:")}
    persons = [person("anonymous", None)] + [person(u, user) for u, user in demo_orgs["all_users"].items()]
    mismatches, seen = [], set()
    for target in targets:
        rule = ACCESS[target.name]
        for p in persons:
            wanted, got = want(rule, p, target), p.client.get(target.url).status_code
            seen.add(wanted)
            if got != wanted:
                mismatches.append(f"{p.label:22} GET {target.url:55} {got} (table: {wanted}; {rule.words})")
    assert {200, 302, 403, 404, 405} <= seen  # the matrix has each kind of answer
    assert not mismatches, f"{len(mismatches)} mismatches:\n" + "\n".join(mismatches)


def test_the_targets_offered_to_the_shared_matrix_follow_the_rules(demo_orgs, settings, tmp_path):
    """``tests.walks.matrix`` as ``tests/test_access_matrix.py`` would use it, read with the owners-only rule."""
    from tests.walks.matrix import add_walk_targets

    targets: list[Target] = []

    def add(name: str, query: str = "", **facts) -> None:
        target = Target(name, facts.pop("kwargs", {}), query, **facts)
        targets.append(target)
        PARTICIPANTS[target.url] = frozenset()

    add_walk_targets(demo_orgs["orgs"], add)
    assert {t.name for t in targets} == {n for n in ACCESS if n.startswith("walks:")}
    persons = [person("anonymous", None)] + [person(u, user) for u, user in demo_orgs["users"].items()]
    mismatches = [
        f"{p.label} GET {t.url} {got} (table: {wanted})"
        for t in targets
        for p in persons
        if (got := p.client.get(t.url).status_code) != (wanted := want(ACCESS[t.name], p, t))
    ]
    assert not mismatches, "\n".join(mismatches)


def test_refused_posts_change_nothing(demo_orgs):
    targets = [t for t in build(demo_orgs) if t.name in {"walks:stop_new", "walks:convert", "walks:status"}]
    persons = [person(u, user) for u, user in demo_orgs["all_users"].items()]
    before = (Stop.objects.count(), Incident.objects.count(), list(Walk.objects.values_list("status", flat=True)))
    refused = 0
    for target in targets:
        rule = ACCESS[target.name]
        real = Rule(rule.who)  # what the POST itself follows
        for p in persons:
            if want(real, p, target) != 403:
                continue
            data = {"lat": "59.3794", "lon": "13.5035", "note": "Fel person", "status": "walking",
                    f"stop{target.kwargs['pk']}-into": "incident", f"stop{target.kwargs['pk']}-category": "klotter",
                    "idempotency_key": f"key-{refused:020d}"}  # fmt: skip
            assert p.client.post(target.url, data).status_code == 403, (p.label, target.url)
            refused += 1
    after = (Stop.objects.count(), Incident.objects.count(), list(Walk.objects.values_list("status", flat=True)))
    assert refused > 10 and before == after
