"""The demo's forwarding: Karlstad's street and lighting department as the destination of broken lights —
configured, but turned off ("send tips" off), so that the demo never calls out. Its address is under
``.example`` (reserved, RFC 2606); to try forwarding for real, point it at a department's Open311 endpoint,
set ``TRYGG_OPEN311_KEY_1780_KARLSTAD_GATA`` and turn it on at ``/vidarebefordran/``. Idempotent."""

from __future__ import annotations

from trygg.forwarding.models import Destination, Route

NAME = "Gatu- och belysningsavdelningen"


def load() -> dict:
    destination, created = Destination.objects.get_or_create(
        municipality_id="1780",
        name=NAME,
        defaults={"base_url": "https://open311.karlstad.example/v2/", "key_name": "KARLSTAD_GATA", "active": False},
    )
    Route.objects.get_or_create(
        municipality_id="1780",
        category="belysning",
        defaults={"destination": destination, "remote_service_code": "streetlight"},
    )
    return {"forwarding destinations": int(created)}
