"""The start page's to-do list: each app says what waits for a user in its part of Trygg.

Apps register a provider (``user -> list[Item]``) in their ``AppConfig.ready``; this module knows none of
them. Items link to the page where the work is done; they carry counts and titles the user may already see,
never a resident's words or a screening case's parties.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    section: str  # a heading in Swedish, e.g. "Invånarnas tips"
    text: str
    url: str
    urgent: bool = False  # past a due date or a target
    badge: str = ""  # the urgent item's mark, when not "late" (e.g. "ny träff")
    order: int = 50  # sections sort by their lowest order


_PROVIDERS: list[Callable[[object], list[Item]]] = []


def register(provider: Callable[[object], list[Item]]) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def for_user(user) -> list[tuple[str, list[Item]]]:
    """The user's items grouped by section, urgent first within a section."""
    sections: dict[str, list[Item]] = {}
    for provider in _PROVIDERS:
        for item in provider(user):
            sections.setdefault(item.section, []).append(item)
    ordered = sorted(sections.items(), key=lambda kv: min(i.order for i in kv[1]))
    return [(name, sorted(items, key=lambda i: not i.urgent)) for name, items in ordered]
