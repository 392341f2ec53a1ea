"""Report periods: ISO week ``2026-W10``, month ``2026-03``, tertial ``2026-T1`` and year ``2026``.

A tertial (tertial 1–3) is four months: January–April, May–August, September–December, the follow-up
rhythm many Swedish municipalities use. Periods are half-open ``[start, end)`` in local dates.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS_SV = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)  # fmt: skip

_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_TERTIAL = re.compile(r"^(\d{4})-T([123])$")
_YEAR = re.compile(r"^(\d{4})$")


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    kind: str  # "week", "month", "tertial", "year"
    year: int
    number: int  # week, month or tertial number; 0 for a year
    start: dt.date
    end: dt.date  # exclusive

    @property
    def key(self) -> str:
        if self.kind == "week":
            return f"{self.year}-W{self.number:02d}"
        if self.kind == "month":
            return f"{self.year}-{self.number:02d}"
        if self.kind == "tertial":
            return f"{self.year}-T{self.number}"
        if self.kind == "day":
            return self.start.isoformat()
        return f"{self.year}"

    @property
    def label_sv(self) -> str:
        if self.kind == "week":
            return f"vecka {self.number} {self.year}"
        if self.kind == "month":
            return f"{MONTHS_SV[self.number - 1]} {self.year}"
        if self.kind == "tertial":
            return f"tertial {self.number} {self.year}"
        if self.kind == "day":
            return self.start.isoformat()
        return f"år {self.year}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def shifted(self, steps: int) -> Period:
        """The period ``steps`` periods later (negative: earlier), of the same kind."""
        if self.kind == "week":
            monday = self.start + dt.timedelta(weeks=steps)
            iso = monday.isocalendar()
            return week(iso.year, iso.week)
        if self.kind == "month":
            index = self.year * 12 + (self.number - 1) + steps
            return month(index // 12, index % 12 + 1)
        if self.kind == "tertial":
            index = self.year * 3 + (self.number - 1) + steps
            return tertial(index // 3, index % 3 + 1)
        return year(self.year + steps)

    def previous(self, n: int) -> list[Period]:
        """The ``n`` periods before this one, oldest first."""
        return [self.shifted(-i) for i in range(n, 0, -1)]

    def slices(self) -> list[Period]:
        """Time slices for emerging-hotspot analysis: days of a week, ISO weeks of a month or tertial,
        months of a year."""
        if self.kind == "year":
            return [month(self.year, m) for m in range(1, 13)]
        if self.kind in ("month", "tertial"):
            first = self.start - dt.timedelta(days=self.start.weekday())
            weeks = []
            monday = first
            while monday < self.end:  # weeks cut at the period's edges
                iso = monday.isocalendar()
                whole = week(iso.year, iso.week)
                weeks.append(Period("week", iso.year, iso.week, max(whole.start, self.start), min(whole.end, self.end)))
                monday += dt.timedelta(weeks=1)
            return weeks
        return [Period("day", d.year, d.timetuple().tm_yday, d, d + dt.timedelta(days=1))
                for d in (self.start + dt.timedelta(days=i) for i in range(7))]  # fmt: skip


def week_label(period: Period) -> str:
    """'vecka 49, 30 nov – 6 dec 2026': a week named by its dates, as a reader says it."""
    last = period.end - dt.timedelta(days=1)
    first = f"{period.start.day} {MONTHS_SV[period.start.month - 1][:3]}"
    if period.start.year != last.year:
        first += f" {period.start.year}"
    return f"vecka {period.number}, {first} – {last.day} {MONTHS_SV[last.month - 1][:3]} {last.year}"


def reader_label(period: Period) -> str:
    """A period as a reader says it: a week by its dates, the others by name ('mars 2026', 'år 2025')."""
    return week_label(period) if period.kind == "week" else period.label_sv


def key_label(key: str) -> str:
    """A period key ('2026-W50') as a reader says it ('vecka 50, 7 dec – 13 dec 2026'); other text as it is."""
    try:
        return reader_label(parse_period(key))
    except PeriodError:
        return key


def week(year_: int, number: int) -> Period:
    try:
        start = dt.date.fromisocalendar(year_, number, 1)
    except ValueError as exc:
        raise PeriodError(f"{year_} has no ISO week {number}") from exc
    return Period("week", year_, number, start, start + dt.timedelta(weeks=1))


def month(year_: int, number: int) -> Period:
    if not 1 <= number <= 12:
        raise PeriodError(f"there is no month {number}")
    start = dt.date(year_, number, 1)
    end = dt.date(year_ + (number == 12), number % 12 + 1, 1)
    return Period("month", year_, number, start, end)


def tertial(year_: int, number: int) -> Period:
    if not 1 <= number <= 3:
        raise PeriodError(f"there is no tertial {number} (1–3)")
    first = 4 * (number - 1) + 1
    start = dt.date(year_, first, 1)
    end = dt.date(year_ + (number == 3), (first + 3) % 12 + 1, 1)
    return Period("tertial", year_, number, start, end)


def year(year_: int) -> Period:
    return Period("year", year_, 0, dt.date(year_, 1, 1), dt.date(year_ + 1, 1, 1))


def parse_period(text: str) -> Period:
    """Parse ``2026-W10``, ``2026-03``, ``2026-T1`` or ``2026``; raises PeriodError saying what is expected."""
    value = (text or "").strip().upper()
    for pattern, make in ((_WEEK, week), (_TERTIAL, tertial), (_MONTH, month)):
        match = pattern.match(value)
        if match:
            return make(int(match[1]), int(match[2]))
    if _YEAR.match(value):
        return year(int(value))
    raise PeriodError(
        f"{text!r} is not a period: write an ISO week (2026-W10), a month (2026-03), a tertial (2026-T1) "
        "or a year (2026)"
    )


def current(kind: str, today: dt.date) -> Period:
    """The period of ``kind`` that contains ``today``."""
    if kind == "week":
        iso = today.isocalendar()
        return week(iso.year, iso.week)
    if kind == "month":
        return month(today.year, today.month)
    if kind == "tertial":
        return tertial(today.year, (today.month - 1) // 4 + 1)
    if kind == "year":
        return year(today.year)
    raise PeriodError(f"unknown kind of period {kind!r}")
