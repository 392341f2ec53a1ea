"""Which earlier periods a lägesbild compares with, and for how many days the current one counts.

Season: where the data reach back far enough, a period is compared with the same period of up to three
earlier years and its neighbours (weeks ±2, months ±1, the same tertial), as the Farrington algorithm does;
otherwise with the periods just before it (8 weeks, 6 months, 3 tertials), and the report says that the
season is not taken into account. Years are compared with up to three earlier years.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from trygg.core.periods import Period, month, tertial, week, year

YEARS_BACK = 3
SEASONAL_WINDOW = {"week": 2, "month": 1, "tertial": 0}
RECENT = {"week": 8, "month": 6, "tertial": 3, "year": 3}
SEASON, RECENT_PERIODS, YEARS, NONE = "season", "recent", "years", "none"


def years_earlier(period: Period, years: int) -> Period:
    """The same week, month, tertial or year ``years`` years earlier (a week: 52 weeks per year earlier)."""
    if period.kind == "week":
        iso = (period.start - dt.timedelta(weeks=52 * years)).isocalendar()
        return week(iso.year, iso.week)
    if period.kind == "month":
        return month(period.year - years, period.number)
    if period.kind == "tertial":
        return tertial(period.year - years, period.number)
    return year(period.year - years)


def comparison_periods(period: Period, covered: Callable[[Period], bool]) -> tuple[list[Period], str]:
    """The baseline periods (oldest first) and how they were chosen: 'season', 'recent', 'years' or 'none'."""
    if period.kind != "year":
        width = SEASONAL_WINDOW[period.kind]
        seasonal: list[Period] = []
        for k in range(YEARS_BACK, 0, -1):
            centre = years_earlier(period, k)
            window = [centre.shifted(step) for step in range(-width, width + 1)]
            if all(covered(p) for p in window):
                seasonal += window
        if seasonal:
            return seasonal, SEASON
    recent = [p for p in period.previous(RECENT[period.kind]) if covered(p)]
    if not recent:
        return [], NONE
    return recent, (YEARS if period.kind == "year" else RECENT_PERIODS)


def exposure_days(period: Period, today: dt.date) -> int:
    """Days of the period that have begun by the end of ``today`` (a period in progress counts so far)."""
    end = min(period.end, today + dt.timedelta(days=1))
    return max(0, (end - period.start).days)
