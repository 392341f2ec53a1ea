"""The walks pages are found by following links from the start page (the menu's "Safety walks" first): the
coordinator reaches planning, the walk, its report and the checklists; a participating reporter their walk."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from tests.test_menu_reachability import crawl
from trygg.demo import walks as demo_walks

pytestmark = pytest.mark.django_db

EXPECTED = {
    "karlstad.samordnare": {"walks:index", "walks:plan", "walks:edit", "walks:walk", "walks:report", "walks:photo",
                            "walks:checklists", "walks:checklist_edit"},
    "centrum.rapportor": {"walks:index", "walks:walk", "walks:report", "walks:photo"},
}  # fmt: skip


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_walk_pages_are_reached_by_links(demo_orgs, username):
    demo_walks.load(timezone.localdate())
    client = Client()
    client.force_login(demo_orgs["users"][username])
    reached = crawl(client, limit=300)
    assert EXPECTED[username] <= reached, sorted(EXPECTED[username] - reached)


def test_the_menu_has_no_walks_entry_for_someone_outside_them(demo_orgs):
    demo_walks.load(timezone.localdate())
    client = Client()
    client.force_login(demo_orgs["users"]["city.orebro"])
    assert "/trygghetsvandringar/" not in client.get("/").content.decode()
