"""Which sources of a lägesbild are complete in which periods, and what a comparison may therefore use.

Each source — the police's events, each partner organisation's reports, residents' tips, Open311, safety
walks — is judged against its own usual volume over the days the report reads
(:mod:`trygg.analysis.sources`). A source silent or far below its normal for at least ``MISSING_SHARE`` of a
period is *missing* in that period. The category comparison then compares like with like
(:func:`comparable`): a source missing now is left out of the comparison on both sides; a baseline period in
which another source is missing for at most half of its days is counted over the days every source is there (as
incidents per day, so the period weighs by the days left); a baseline period in which a source is missing for longer
is dropped, or — when that would drop more than half of the baseline, or
leave fewer than ``MIN_BASELINE`` periods — the source is left out instead, unless it carries half of the events or
more (the police in a town with few partner reports): then the periods are dropped as long as one is left, since a
comparison of what remains without the main source would say nothing. The report names every gap at its top, so a
missing source is never read as fewer incidents.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from trygg.analysis.sources import Health, check_source
from trygg.core.periods import Period
from trygg.incidents.models import Source
from trygg.orgs.models import Organisation
from trygg.situation import data as d

MIN_BASELINE = 2  # fewer baseline periods cannot show how much periods vary: rather leave a source out …
MAIN_SOURCE = 0.5  # … unless the sources left out would be this share of the events or more
MISSING_SHARE = 0.1  # a source missing for this share of a period's days makes the period incomplete for it
TRIM_UP_TO = 0.5  # a baseline period missing a source for at most this share is counted over its complete days
BEGUN_SHARE = 0.1  # a source whose year before held less than this share of its rate here had not begun

Key = tuple[str, int | None]  # (source, reporting organisation)


@dataclass(frozen=True)
class SourceStatus:
    key: Key
    label: str
    first_day: dt.date  # the span's first day: day indices of ``health`` count from it
    health: Health

    def missing_share(self, period: Period) -> float:
        return self.health.missing_share((period.start - self.first_day).days, (period.end - self.first_day).days)

    def missing_in(self, period: Period) -> bool:
        start = max(period.start, self.first_day)
        end = min(period.end, self.first_day + dt.timedelta(days=self.health.days))
        if end <= start:
            return False
        share = self.health.missing_share((start - self.first_day).days, (end - self.first_day).days)
        return share >= MISSING_SHARE

    def present(self, period: Period) -> np.ndarray:
        """For each day of ``period``, whether the source is there (not in one of its gaps)."""
        mask = np.ones(period.days, dtype=bool)
        offset = (self.first_day - period.start).days
        for gap in self.health.gaps:
            mask[max(0, gap.start + offset) : max(0, gap.end + offset)] = False
        return mask

    def gaps_json(self, periods: list[Period] | None = None) -> list[dict]:
        """The gaps (those touching ``periods`` when given), with local dates."""

        def touches(gap) -> bool:
            start = self.first_day + dt.timedelta(days=gap.start)
            end = self.first_day + dt.timedelta(days=gap.end)
            return periods is None or any(p.start < end and start < p.end for p in periods)

        return [
            {
                "from": (self.first_day + dt.timedelta(days=g.start)).isoformat(),
                "to": (self.first_day + dt.timedelta(days=g.end - 1)).isoformat(),
                "kind": g.kind,
                "at_start": g.start == 0,  # from the first day read (the source may have events before it)
                "observed": g.observed,
                "expected": round(g.expected, 1),
            }
            for g in self.health.gaps
            if touches(g)
        ]


def _label(source: str, org: int | None, names: dict[int, str]) -> str:
    if source == Source.POLICE:
        return str(_("The police's events"))
    if org is not None:
        return names.get(org, str(org))
    return str(Source(source).label) if source in Source.values else source


def _months(first: dt.date, last: dt.date) -> list[tuple[int, int]]:
    """Calendar months inside ``[first, last)`` and every run of three of them, as day-index pairs (the first
    and last month may be partial): a month shows a sharp drop, three months a lasting partial one."""
    edges, start = [first], first
    while start < last:
        start = min((start.replace(day=1) + dt.timedelta(days=32)).replace(day=1), last)
        edges.append(start)
    index = [(e - first).days for e in edges]
    months = list(itertools.pairwise(index))
    quarters = [(index[i], index[i + 3]) for i in range(len(index) - 3)]
    return months + quarters


def statuses(qs: QuerySet, first: dt.date, last: dt.date) -> list[SourceStatus]:
    """Every source with an event in ``qs`` during ``[first, last)``, with its gaps there."""
    if last <= first:
        return []
    counts = d.day_counts(qs, first, last)
    return statuses_of(counts, last, earlier=d.has_events_before(qs, first), later=d.has_events_after(qs, last))


def statuses_of(
    days: d.DayCounts,
    last: dt.date,
    earlier: Callable[[Key, int], bool] | None = None,
    later: Callable[[Key], bool] | None = None,
) -> list[SourceStatus]:
    """Every source with an event in ``days`` before ``last``, with its gaps from ``days.first`` up to ``last``.

    ``earlier(key, n)`` tells whether a source had ``n`` events in the year before ``days.first``, ``later(key)``
    whether it has any from ``last`` on (each asked only of a source whose first, or last, day read is empty): a
    source whose year before held less than ``BEGUN_SHARE`` of what its rate here would bring had not begun (a few
    stray events months before a feed starts do not make it running), and one with nothing after the days read had
    stopped — the days before it began and after it stopped are missing, not quiet
    (:func:`trygg.analysis.sources.check_source`)."""
    first = days.first
    span = (last - first).days
    if span <= 0:
        return []
    daily = {key: counts[:span] for key, counts in days.by_source().items() if counts[:span].any()}
    names = dict(Organisation.objects.filter(pk__in=[k[1] for k in daily if k[1]]).values_list("pk", "name"))
    blocks = _months(first, last)

    out = []
    for key, counts in daily.items():
        running_year = math.ceil(BEGUN_SHARE * 365 * counts.sum() / counts.size)
        began_here = earlier is not None and counts[0] == 0 and not earlier(key, max(1, running_year))
        ended_here = later is not None and counts[-1] == 0 and not later(key)
        health = check_source(counts, blocks, began_in_span=began_here, ended_in_span=ended_here)
        out.append(SourceStatus(key, _label(*key, names), first, health))
    return sorted(out, key=lambda s: (s.key[0] != Source.POLICE, s.label))


@dataclass(frozen=True)
class Comparable:
    """What the category comparison may use."""

    baseline: list[Period]
    excluded: list[SourceStatus]  # left out on both sides
    dropped: list[Period]  # baseline periods left out because a source is missing in them
    trimmed: dict[str, np.ndarray] = field(default_factory=dict)  # period key → its days every source is there

    def days(self, period: Period) -> int:
        """The days a baseline period is counted over."""
        mask = self.trimmed.get(period.key)
        return period.days if mask is None else int(mask.sum())

    def excluded_keys(self) -> frozenset[Key]:
        return frozenset(s.key for s in self.excluded)

    def exclude_q(self) -> Q | None:
        """The incidents of the excluded sources, or None when nothing is excluded."""
        if not self.excluded:
            return None
        where = Q(pk__in=[])
        for s in self.excluded:
            source, org = s.key
            where |= Q(source=source, reporter_org__isnull=True) if org is None else Q(source=source, reporter_org=org)
        return where


def comparable(current: Period, baseline: list[Period], found: list[SourceStatus], trim: bool = False) -> Comparable:
    """The like-with-like comparison (module docstring); ``trim``: baseline periods may be counted over part of their
    days (possible where the counts are read per day)."""
    excluded = [s for s in found if s.missing_in(current)]
    rest = [s for s in found if s not in excluded]

    def trimmable(s: SourceStatus, p: Period) -> bool:
        return trim and s.missing_share(p) <= TRIM_UP_TO

    total_rate = sum(s.health.rate for s in rest) or 1.0
    for s in list(rest):  # a minor source missing (beyond trimming) in most earlier periods is left out
        gaps = sum(s.missing_in(p) and not trimmable(s, p) for p in baseline)
        main = s.health.rate / total_rate >= MAIN_SOURCE and gaps < len(baseline)
        if baseline and gaps * 2 > len(baseline) and not main:
            excluded.append(s)
            rest.remove(s)
    trimmed: dict[str, np.ndarray] = {}
    for p in baseline:  # a period the sources still compared miss only in part: counted over their common days
        gappy = [s for s in rest if s.missing_in(p)]
        if gappy and all(trimmable(s, p) for s in gappy):
            mask = np.logical_and.reduce([s.present(p) for s in gappy])
            if mask.sum() >= p.days * (1 - TRIM_UP_TO):
                trimmed[p.key] = mask

    def missing(s: SourceStatus, p: Period) -> bool:
        return p.key not in trimmed and s.missing_in(p)

    kept = [p for p in baseline if not any(missing(s, p) for s in rest)]
    gappy = [s for s in rest if any(missing(s, p) for p in baseline)]
    carries = sum(s.health.rate for s in gappy) / (sum(s.health.rate for s in rest) or 1.0)
    if len(kept) < MIN_BASELINE <= len(baseline) and not (kept and carries >= MAIN_SOURCE):
        # dropping would leave too little to compare with: leave the gappy sources out instead — unless they are
        # most of the data, when one clean period compared with is better than a comparison of what is left
        excluded += gappy
        kept = list(baseline)
    dropped = [p for p in baseline if p not in kept]
    # a kept period is trimmed by the gaps of the sources still compared only (one left out needs no trimming)
    final: dict[str, np.ndarray] = {}
    for p in kept:
        gappy_here = [s for s in found if s not in excluded and s.missing_in(p)] if p.key in trimmed else []
        if gappy_here:
            final[p.key] = np.logical_and.reduce([s.present(p) for s in gappy_here])
    return Comparable(kept, excluded, dropped, final)


def incomplete_periods(found: list[SourceStatus], periods: list[Period]) -> list[bool]:
    """For each period, whether some source is missing in it."""
    return [any(s.missing_in(p) for s in found) for p in periods]


def report_json(found: list[SourceStatus], first: dt.date, last: dt.date, current: Period, use: Comparable) -> dict:
    """The report's "sources" section: every source with its gaps in the periods the report shows or compares
    with (gaps elsewhere in the days read are not the reader's concern), and what the comparison left out."""
    shown = [current, *use.baseline, *use.dropped]
    return {
        "from": first.isoformat(),
        "to": (last - dt.timedelta(days=1)).isoformat(),
        "sources": [
            {
                "label": s.label,
                "events": s.health.events,
                "per_week": round(s.health.rate * 7, 1),
                "gaps": s.gaps_json(shown),
                "missing_now": s.missing_in(current),
            }
            for s in found
        ],
        "missing_now": [s.label for s in found if s.missing_in(current)],
        "excluded": [s.label for s in use.excluded],
        "dropped": [p.label_sv for p in use.dropped],
        "trimmed": [
            # weighted by season where a complete period gives the season (trygg.situation.builder.exposures)
            {
                "label": p.label_sv,
                "days": use.days(p),
                "of": p.days,
                "weighted": any(q.key not in use.trimmed for q in use.baseline),
            }
            for p in use.baseline
            if p.key in use.trimmed
        ],
    }
