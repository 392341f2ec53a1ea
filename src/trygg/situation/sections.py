"""Sections of the lägesbild that come from apps above ``situation`` — the open measures of ``trygg.measures`` — so
that ``situation`` knows none of them (imports flow down: ``tests/test_layers.py``). The app registers a provider
in its ``AppConfig.ready``; a lägesbild computed without one says the section is not available.
"""

from __future__ import annotations

from collections.abc import Callable

OPEN_MEASURES = "measures"

Provider = Callable[..., dict]  # provider(municipality, place, period) -> the section's data
_PROVIDERS: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    _PROVIDERS[name] = provider


def section(name: str, municipality, place, period=None) -> dict:
    provider = _PROVIDERS.get(name)
    if provider is None:
        return {"available": False, "items": []}
    return provider(municipality, place, period)
