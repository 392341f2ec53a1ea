"""What refers to a named place and would lose it if the place were deleted (a survey's areas, its answers, an
agreement's goals). The apps above that refer to places register a counter here from their ``ready()``, so that
``orgs`` knows none of them (imports flow down the floors: ``tests/test_layers.py``)."""

from __future__ import annotations

from collections.abc import Callable

Counter = Callable[[object], int]
_COUNTERS: dict[str, Counter] = {}


def register(key: str, counter: Counter) -> None:
    """``counter(place)`` is how many ``key`` (e.g. ``"surveys"``) refer to the place."""
    _COUNTERS[key] = counter


def count(place) -> dict[str, int]:
    """The references to ``place`` by kind, only the kinds with any."""
    counts = {key: counter(place) for key, counter in _COUNTERS.items()}
    return {key: n for key, n in counts.items() if n}
