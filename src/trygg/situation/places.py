"""Saying when a spot's events happen ("mostly Friday–Saturday, in the evening"); where it is, is said by
:mod:`trygg.orgs.naming` (re-exported here for the lägesbild's modules)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import numpy as np

from trygg.orgs.naming import AT_M, NEAR_M, NamedPlace, Namer, bearing, round_distance

__all__ = ["AT_M", "NEAR_M", "NamedPlace", "Namer", "bearing", "part_of_day", "round_distance", "when_pattern"]

# -- when -----------------------------------------------------------------------------------------------
PARTS_OF_DAY = (("night", 0, 6), ("morning", 6, 10), ("day", 10, 17), ("evening", 17, 24))
MIN_FOR_PATTERN = 5


def part_of_day(hour: int) -> str:
    for name, start, end in PARTS_OF_DAY:
        if start <= hour < end:
            return name
    raise ValueError(f"hour {hour} is not 0–23")


def when_pattern(weekdays: Iterable[int], hours: Iterable[int]) -> dict:
    """The time pattern worth saying: ``{"days": [4, 5] | [d] | None, "part": "evening" | None}``.

    Days: Friday–Saturday when they hold at least half of the events (a weekend pattern), else a single
    weekday holding at least 30 %; part of day when one holds at least 40 %. Nothing is said below
    ``MIN_FOR_PATTERN`` events.
    """
    weekdays = list(weekdays)
    hours = list(hours)
    n = len(weekdays)
    if n < MIN_FOR_PATTERN:
        return {"days": None, "part": None}
    day_counts = np.bincount(np.asarray(weekdays, int), minlength=7)
    days = None
    if (day_counts[4] + day_counts[5]) / n >= 0.5:
        days = [4, 5]
    elif day_counts.max() / n >= 0.3:
        days = [int(day_counts.argmax())]
    parts = Counter(part_of_day(h) for h in hours)
    part, count = parts.most_common(1)[0]
    return {"days": days, "part": part if count / n >= 0.4 else None}
