"""Short references ("T-4821") and the resident's public status page of a tip."""

from __future__ import annotations

import itertools
import re

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from trygg.citizens import tips, updates
from trygg.citizens.models import Tip, new_reference

pytestmark = pytest.mark.django_db
REFERENCE = re.compile(r"^T-\d{4,8}$")
EXACT = (59.379417, 13.503571)  # planted at the decimetre: the public page may show at most 3 decimals


def make_tip(**fields) -> Tip:
    defaults = {"municipality_id": "1780", "service_code": "klotter", "lat": EXACT[0], "lon": EXACT[1]}
    return Tip.objects.create(**{**defaults, **fields})


def test_references_are_short_readable_and_unique_across_many_tips(demo_orgs):
    created = [make_tip() for _ in range(400)]
    references = [t.reference for t in created]
    assert all(REFERENCE.match(r) for r in references), references[:5]
    assert len(set(references)) == len(references)
    assert sum(len(r) == 6 for r in references) >= 390  # four digits while they last
    stored = set(Tip.objects.values_list("reference", flat=True))
    assert stored == set(references)
    # the numbers are drawn, not counted: consecutive tips are not consecutive numbers
    numbers = [int(r[2:]) for r in references]
    assert sum(b - a == 1 for a, b in itertools.pairwise(numbers)) < 10


def test_longer_references_when_the_short_ones_are_taken_and_the_database_refuses_a_double(demo_orgs):
    assert len(new_reference(taken=lambda ref: len(ref) == 6)) == 7  # five digits
    assert len(new_reference(taken=lambda ref: len(ref) < 10)) == 10  # eight digits
    with pytest.raises(RuntimeError):
        new_reference(taken=lambda ref: True)
    first = make_tip()
    second = make_tip()
    with pytest.raises(IntegrityError), transaction.atomic():
        Tip.objects.filter(pk=second.pk).update(reference=first.reference)


def test_the_migration_gives_existing_tips_a_reference(transactional_db, demo_orgs):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    without = [make_tip() for _ in range(5)]
    executor = MigrationExecutor(connection)
    executor.migrate([("citizens", "0004_status_labels")])  # before references: the tips lose theirs
    try:
        executor.loader.build_graph()
        executor.migrate([("citizens", "0006_tip_reference_required")])  # 0005 fills, 0006 requires it
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    references = list(Tip.objects.filter(pk__in=[t.pk for t in without]).values_list("reference", flat=True))
    assert len(references) == 5 and all(REFERENCE.match(r) for r in references)
    assert len(set(references)) == 5


def test_the_thanks_page_gives_the_reference_and_the_link_to_the_status_page(client, demo_orgs):
    response = client.post(
        "/tips/",
        {"municipality": "1780", "service": "klotter", "lat": "59.3794", "lon": "13.5035", "description": "Klotter"},
    )
    tip = Tip.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert tip.reference in page and f"/tips/status/{tip.public_id}/" in page


def test_the_status_page_shows_status_replies_and_history_and_nothing_personal(client, login, demo_orgs, settings):
    tip = make_tip(
        description="Min granne Sven Svensson klottrar, han bor på Storgatan 3",
        address="Storgatan 3, lgh 1102",
        email="sven.boende@example.se",
        photo="abc123def.jpg",
    )
    coordinator_user = demo_orgs["users"]["karlstad.samordnare"]
    coordinator_user.first_name, coordinator_user.last_name = "Kerstin", "Samordnarsson"
    coordinator_user.save()
    coordinator = login(coordinator_user)
    coordinator.post(f"/invanare/tips/{tip.pk}/svar/", {"text": 'Vi tittar på det. <script>alert("x")</script>'})
    coordinator.post(f"/invanare/tips/{tip.pk}/atgard/", {"action": "reject", "reason": "Fastighetsägaren sanerar"})
    coordinator.logout()

    response = client.get(f"/tips/status/{tip.public_id}/")
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer"
    page = response.content.decode()
    with translation.override(translation.get_language_from_request(response.wsgi_request)):
        now = updates.public_status("rejected")
    assert now in page and tip.reference in page
    assert "Vi tittar på det." in page and "Fastighetsägaren sanerar" in page  # the reply and the reason
    assert page.index("Vi tittar på det.") < page.index("Fastighetsägaren sanerar")  # history in order
    assert "Karlstads kommun" in page  # signed by the municipality
    assert '<script>alert("x")' not in page and "&lt;script&gt;" in page
    for secret in (
        "Sven",
        "Storgatan",
        "lgh",
        "sven.boende",
        "example.se",
        "abc123def",
        "Kerstin",
        "Samordnarsson",
        coordinator_user.username,
        "/foto/",
    ):
        assert secret not in page, secret
    # the flat number as a number of its own (a timestamp's microseconds may hold the same digits)
    assert not re.search(r"(?<![\d.])1102(?!\d)", page)
    # no coordinate closer than the public grid: at most three decimals, and the planted one not at all
    decimals = re.findall(r"(?<![\d.:])(?:59|13)\.(\d+)", page)  # not the seconds of a time (":13.578752")
    assert decimals and all(len(d) <= 3 for d in decimals), decimals
    assert "59.3794" not in page and "13.5035" not in page and "13.5036" not in page


def test_the_status_page_is_not_reached_by_the_short_reference(client, demo_orgs):
    tip = make_tip()
    assert client.get(f"/tips/status/{tip.reference}/").status_code == 404
    assert client.get(f"/tips/status/{tip.reference[2:]}/").status_code == 404
    assert client.get(f"/tips/status/{tip.public_id}/").status_code == 200


def test_coordinators_find_a_tip_by_its_reference_in_their_municipalities_only(login, demo_orgs):
    closed = make_tip()
    tips.reject(closed, "Redan sanerat", demo_orgs["users"]["karlstad.samordnare"])
    other = make_tip()
    orebro = Tip.objects.create(municipality_id="1880", service_code="klotter", address="Drottninggatan 1")
    coordinator = login(demo_orgs["users"]["karlstad.samordnare"])
    digits = closed.reference[2:]
    for query in (closed.reference, f"t {digits}", digits, closed.reference.lower()):
        page = coordinator.get("/invanare/tips/", {"q": query}).content.decode()
        assert f"/invanare/tips/{closed.pk}/" in page, query  # found whatever its status
        assert f"/invanare/tips/{other.pk}/" not in page
    page = coordinator.get("/invanare/tips/", {"q": orebro.reference}).content.decode()
    assert f"/invanare/tips/{orebro.pk}/" not in page  # another municipality's tip is not found
    page = coordinator.get("/invanare/tips/", {"q": "Storgatan"}).content.decode()
    assert "/invanare/tips/" + str(other.pk) not in page  # not a reference: nothing
    detail = coordinator.get(f"/invanare/tips/{closed.pk}/").content.decode()
    assert closed.reference in detail and f"/tips/status/{closed.public_id}/" in detail
