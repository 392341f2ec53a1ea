"""Forwarding's parts of the residents' pages (registered in ``ForwardingConfig.ready`` with
:mod:`trygg.citizens.extensions`): the coordinator's tip page, the resident's status page and the triage list."""

from __future__ import annotations

from trygg.citizens.models import Tip

from . import sending
from .models import Forwarding


def tip_page_part(tip: Tip, request) -> tuple[str, dict]:
    """The tip's forwardings and where it may be sent by hand (the page itself is already the tip's rule's)."""
    return "forwarding/_tip_panel.html", {"tip": tip, "forwarding": sending.tip_panel(tip)}


def tip_status_part(tip: Tip, request) -> tuple[str, dict] | None:
    """The department's name and its status as last read, on the resident's status page."""
    forwarded = sending.public_forwarding(tip)
    return None if forwarded is None else ("forwarding/_public_status.html", {"forwarded": forwarded})


def triage_part(_obj, request) -> tuple[str, dict]:
    """Links to the forwarding pages and how many forwarded tips need a person, of the user's municipalities."""
    waiting = Forwarding.objects.restrict(request.user, "manage").filter(Forwarding.needs_person_q())
    return "forwarding/_triage_links.html", {"needs_person": waiting.count()}


__all__ = ["tip_page_part", "tip_status_part", "triage_part"]
