"""Places on the residents' pages where an app above ``citizens`` adds its part — e.g. ``trygg.forwarding`` shows a
tip's forwarding on the coordinator's tip page, the department's status on the resident's status page and its
links on the triage page. The app registers a provider in its ``AppConfig.ready``; ``citizens`` knows none of them
(imports flow down: ``tests/test_layers.py``).

A provider takes the page's object (a tip, or the request for the triage page) and returns the template and
context of its part, or ``None`` to add nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

TIP_PAGE = "tip_page"  # the coordinator's tip page, below the actions: provider(tip, request)
TIP_STATUS = "tip_status"  # the resident's status page, inside its facts (<dt>/<dd>): provider(tip, request)
TRIAGE = "triage"  # the coordinator's list of tips, below it: provider(None, request)
PLACES = frozenset({TIP_PAGE, TIP_STATUS, TRIAGE})

Provider = Callable[[Any, Any], tuple[str, dict] | None]
_PROVIDERS: dict[str, list[Provider]] = {place: [] for place in PLACES}


def register(place: str, provider: Provider) -> None:
    if place not in PLACES:
        raise ValueError(f"no place {place!r} on the residents' pages (known: {sorted(PLACES)})")
    if provider not in _PROVIDERS[place]:
        _PROVIDERS[place].append(provider)


def render(place: str, obj, request) -> list[SafeString]:
    """The parts registered for ``place``, rendered for ``obj`` (each already escaped by its template)."""
    parts = []
    for provider in _PROVIDERS[place]:
        found = provider(obj, request)
        if found is not None:
            template, context = found
            parts.append(render_to_string(template, context, request))
    return parts
