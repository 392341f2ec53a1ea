"""The forwarding pages' instances for the access matrix (``tests/test_access_matrix.py`` calls
``add_targets(world, add)`` from ``build_world``): a destination and a forwarding of each municipality's tip."""

from __future__ import annotations

# for tests/test_menu_reachability.py: pages reached otherwise than by a link, and the coordinator's pages
NOT_BY_LINK = {
    "forwarding:retry": "the “try again now” buttons post to it",
    "forwarding:forward_tip": "the form on the tip's page posts to it",
}
COORDINATOR_PAGES = {
    "forwarding:index",
    "forwarding:forwardings",
    "forwarding:destination_new",
    "forwarding:destination_edit",
}


def add_targets(world: dict, add) -> None:
    from trygg.forwarding.models import Destination, Forwarding

    for code, county in (("1780", "17"), ("1880", "18")):
        facts = {"municipality": code, "county": county}
        tip = world[f"tip-{code}"]
        destination = Destination.objects.create(
            municipality_id=code, name="Gatuavdelningen", base_url="https://open311.example/v2/", key_name="MATRIX"
        )
        forwarding = Forwarding.objects.create(tip=tip, destination=destination, service_code="x", state="failed")
        add("forwarding:destination_new", kwargs={"code": code}, **facts)
        add("forwarding:destination_edit", kwargs={"pk": destination.pk}, **facts)
        add("forwarding:retry", kwargs={"pk": forwarding.pk}, **facts)
        add("forwarding:forward_tip", kwargs={"pk": tip.pk}, **facts)
    add("forwarding:index")
    add("forwarding:forwardings")
