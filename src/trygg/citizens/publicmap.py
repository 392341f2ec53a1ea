"""The public map: how many incidents per grid cell, for one category (or all) and one period of whole weeks.

Only incidents whose visibility is "public", that count in the statistics and that are located to a street or
better are counted; no points are ever sent to the browser. A square is shown only with at least k incidents
(default 5) of exactly the selection asked for.

Differencing within one publication. The page can be asked for every category and every period, so one published
number could be subtracted from another ("all" minus "graffiti", "26 weeks" minus "12 weeks", the municipality's
total minus the squares shown …). The rule used here is decided once for the whole publication (every category ×
every period × every square, and the municipality's totals), independently of what a visitor asks for:

The incidents are split into atoms (square × category × period band). The published numbers partition the
atoms into regions (the Venn regions of the published sets: atoms that lie in exactly the same published
sets). Every count that can be computed from the published numbers by adding and subtracting them is a sum of
whole regions, so if every region inside the published sets holds 0 or at least k incidents, nothing below k
can be derived. Candidates are added one at a time (in a fixed order of priority: all categories for the
default period first) and refused when they would split a region into a part with fewer than k incidents.

Differencing across time. Two publications a day apart, subtracted, would isolate the one report that came, went
or changed in between ("Vid Resecentrum" 7 → 8). So the map is published as *releases*
(``trygg.citizens.public_map_release``), once a day, that the page reads — never the live data — and:

- the periods are whole calendar weeks (Monday–Sunday, local time) that have ended: the last 4, 12, 26 or 52 of
  them. A rolling window ("the last 12 weeks" up to now) moves every day and drops and adds single reports by
  itself; whole weeks move once a week;
- every number is published in steps of k: a square's count as its band ``n // k * k`` … ``+ k − 1`` ("5–9",
  "10–14"), the hidden count rounded the same way (or to 2k, below), and every order on the page (rows,
  main categories) follows the bands, not the exact counts. Any published number of one release therefore
  differs from the same number of any other release by 0 or by a multiple of k — whatever was added, removed,
  re-categorised, made internal or rejected in between, and whether a square appears or disappears (a hidden
  square counts as 0, and "fewer than k" is the band 0…k−1).

This is rounding as statistical disclosure control uses it for frequency tables (Hundepool et al., *Statistical
Disclosure Control*, Wiley 2012, on frequency tables): an observer learns a range k wide for every count, and for
every change between two releases a range that holds values of k or more.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.conf import settings
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from trygg.analysis.grid import grid_covering, to_projected
from trygg.incidents.models import Category, Incident, Precision, Visibility
from trygg.orgs import naming

PERIODS = (4, 12, 26, 52)  # whole weeks; nested: each period contains the shorter ones
DEFAULT_WEEKS = 12
FORMAT = 1  # the layout of a publication (``publication``), stored with each release


def parse_weeks(value) -> int:
    """The period asked for, or the default when it is missing or not one of ``PERIODS``."""
    try:
        weeks = int(str(value).strip())
    except (TypeError, ValueError):
        return DEFAULT_WEEKS
    return weeks if weeks in PERIODS else DEFAULT_WEEKS


def view_key(category: str, weeks: int) -> str:
    """The key of one selection in a publication's ``views``: "/12" (all categories), "klotter/26"."""
    return f"{category}/{weeks}"


def weeks_end(day: dt.date) -> dt.date:
    """The day after the whole weeks that a release made on ``day`` counts: the Monday of ``day``'s week. The week
    in progress is not counted; on a Monday, the week that ended the day before is."""
    return day - dt.timedelta(days=day.weekday())


def in_steps(count: int, k: int) -> int:
    """A count as it is published: rounded down to a multiple of k (7 → 5, 12 → 10; below k → 0, not shown).
    The page shows it as the band ``low``–``low + k − 1``."""
    return int(count) // k * k


def colour_classes(k: int) -> list[tuple[int, int | None]]:
    """Classes of counts for the colours: k…2k−1, 2k…4k−1, 4k or more (5–9, 10–19, 20+ for k = 5)."""
    return [(k, 2 * k - 1), (2 * k, 4 * k - 1), (4 * k, None)]


def class_of(count: int, classes) -> int:
    for index, (low, high) in enumerate(classes):
        if count >= low and (high is None or count <= high):
            return index
    return 0


def band_of(age_weeks, periods=PERIODS) -> np.ndarray:
    """The period band of each age in whole weeks (0 = the last week that ended): 0 = within the first period,
    1 = between the first and the second …; ``len(periods)`` for ages outside every period (and for negative
    ages: the week in progress, or reports dated in the future)."""
    age = np.asarray(age_weeks, float)
    band = np.searchsorted(np.asarray(periods, float), age, side="right")
    return np.where(age < 0, len(periods), band)


def publish(atoms: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Which counts may be published, given ``atoms[square, category, band]`` (incidents per atom).

    Returns ``(squares, totals)``: ``squares[s, c, p]`` for square s, selection c (0 = all categories,
    1 + i = category i) and period p (bands 0…p), and ``totals[c, p]`` for the whole municipality. A count is
    only published when it is at least k and when, together with everything published before it, every
    region of the published sets still holds 0 or at least k incidents (see the module's docstring)."""
    n_squares, n_categories, n_bands = atoms.shape
    squares = np.zeros((n_squares, n_categories + 1, n_bands), bool)
    totals = np.zeros((n_categories + 1, n_bands), bool)
    where = np.nonzero(atoms)
    a_square, a_category, a_band = (np.asarray(w, np.int64) for w in where)
    weight = atoms[where].astype(np.int64)
    if weight.size == 0:
        return squares, totals
    region = np.zeros(weight.size, np.int64)
    region_total = [int(weight.sum())]
    outside = [True]  # region 0 holds the atoms in no published set: its count cannot be derived

    def try_add(mask: np.ndarray) -> bool:
        if int(weight[mask].sum()) < k:
            return False
        inside = np.bincount(region[mask], weights=weight[mask], minlength=len(region_total)).astype(np.int64)
        touched = np.nonzero(inside)[0]
        for r in touched:
            part, rest = int(inside[r]), region_total[r] - int(inside[r])
            if part < k or (not outside[r] and 0 < rest < k):
                return False
        for r in touched:
            part = int(inside[r])
            rest = region_total[r] - part
            if rest == 0:
                outside[r] = False
                continue
            region[mask & (region == r)] = len(region_total)
            region_total[r] = rest
            region_total.append(part)
            outside.append(False)
        return True

    def selection_mask(square: int | None, category: int | None, period: int) -> np.ndarray:
        mask = a_band <= period
        if square is not None:
            mask = mask & (a_square == square)
        if category is not None:
            mask = mask & (a_category == category)
        return mask

    default = PERIODS.index(DEFAULT_WEEKS) if DEFAULT_WEEKS in PERIODS and n_bands == len(PERIODS) else 0
    period_order = [default] + [p for p in range(n_bands) if p != default]
    per_square = atoms.sum(axis=(1, 2))
    square_order = [int(s) for s in np.argsort(-per_square, kind="stable") if per_square[s] > 0]
    category_order = [int(c) for c in np.argsort(-atoms.sum(axis=(0, 2)), kind="stable")]
    # 1. all categories, square by square, period by period (the default period first); 2. the municipality's
    # totals of all categories (which give the exact hidden count); 3. each category, square by square;
    # 4. the municipality's totals of each category. Squares come first: the map matters more than the
    # exact hidden count, which the page otherwise gives rounded (see ``rounded_hidden``).
    for p in period_order:
        for s in square_order:
            squares[s, 0, p] = try_add(selection_mask(s, None, p))
    for p in period_order:
        totals[0, p] = try_add(selection_mask(None, None, p))
    for p in period_order:
        for c in category_order:
            for s in square_order:
                if atoms[s, c, : p + 1].sum() >= k:
                    squares[s, 1 + c, p] = try_add(selection_mask(s, c, p))
    for p in period_order:
        for c in category_order:
            totals[1 + c, p] = try_add(selection_mask(None, c, p))
    return squares, totals


def hidden_as_published(hidden: int, k: int, total_published: bool) -> dict:
    """The count in the squares not shown, as the page may state it. When the municipality's total of the
    selection could be published itself (``publish``), in steps of k: ``{"kind": "fewer", "n": k}`` below k, else
    ``{"kind": "band", "low": …, "high": …}``. Otherwise the exact count together with the squares shown could
    reveal a square with too few, so it is coarser, in steps of 2k: ``{"kind": "fewer", "n": 2k}`` below 2k, else
    ``{"kind": "about", "n": …, "step": 2k}`` with n the nearest multiple of 2k (halves up). Either way every
    number given is a multiple of k (or one less: the top of a band), so two releases differ by 0 or ≥ k."""
    if total_published:
        low = in_steps(hidden, k)
        return {"kind": "fewer", "n": k} if low == 0 else {"kind": "band", "low": low, "high": low + k - 1}
    step = 2 * k
    if hidden < step:
        return {"kind": "fewer", "n": step}
    return {"kind": "about", "n": (hidden + k) // step * step, "step": step}


def place_name(where: dict) -> str:
    """A square's description (``Namer.describe_square``, as stored in a release) in words of the active language,
    as every other page names a spot ("Vid Stora torget", "300 m söder om Resecentrum", "I Kronoparken")."""
    return capfirst(naming.phrase(where)) or _("No named place nearby")


def statistics_categories():
    return list(Category.objects.current().filter(in_statistics=True).order_by("position", "code"))


def counted_incidents(municipality, end: dt.date, codes: list[str]) -> list[tuple]:
    """(lon, lat, category code, local date, generated) of every incident the map counts in the whole weeks before
    ``end``: public, in the statistics, placed to a street or better, in one of ``codes``."""
    zone = timezone.get_current_timezone()
    rows = (
        Incident.objects.in_statistics()
        .filter(
            municipality=municipality,
            visibility=Visibility.PUBLIC,
            occurred_start__gte=dt.datetime.combine(end - dt.timedelta(weeks=max(PERIODS)), dt.time.min, zone),
            occurred_start__lt=dt.datetime.combine(end, dt.time.min, zone),
            precision__in=[Precision.EXACT, Precision.STREET],
            category__code__in=codes,
        )
        .values_list("lon", "lat", "category__code", "occurred_start", "is_generated")
    )
    return [(lon, lat, code, timezone.localtime(at, zone).date(), generated) for lon, lat, code, at, generated in rows]


def publication(municipality, day: dt.date, k: int | None = None, cell: float | None = None) -> dict:
    """Everything the public map of ``municipality`` shows, for every category and every period, as a release
    made on ``day`` publishes it (JSON, stored in ``PublicMapRelease.data``)::

        {"format": 1, "day": "2026-12-08", "weeks_end": "2026-12-07", "k": 5, "cell_m": 250,
         "categories": ["klotter", …],
         "squares": {"5432:26501": {"polygon": [[lon, lat], …], "where": {"kind": "at", "place": "Stora torget"}}},
         "views": {"/12": {"cells": [{"square": "5432:26501", "low": 5, "main": ["klotter"]}],
                           "hidden": {"kind": "fewer", "n": 10}, "generated": false}, …}}

    Only numbers in steps of k are stored (``low``: the band's lower end); cells are ordered by band, then by the
    square's id, never by an exact count. A square's id is its column and row in the projected grid."""
    k = k or getattr(settings, "TRYGG_PUBLIC_MAP_K", 5)
    cell = cell or getattr(settings, "TRYGG_PUBLIC_MAP_CELL", 250)
    end = weeks_end(day)
    codes = [c.code for c in statistics_categories()]
    result = {
        "format": FORMAT,
        "day": day.isoformat(),
        "weeks_end": end.isoformat(),
        "k": k,
        "cell_m": cell,
        "categories": codes,
        "squares": {},
        "views": {},
    }
    rows = counted_incidents(municipality, end, codes)
    selections = ["", *codes]
    if not rows:
        for weeks in PERIODS:
            for category in selections:
                result["views"][view_key(category, weeks)] = {
                    "cells": [], "hidden": hidden_as_published(0, k, True), "generated": False,
                }  # fmt: skip
        return result
    lon = np.array([r[0] for r in rows], float)
    lat = np.array([r[1] for r in rows], float)
    category_index = np.array([codes.index(r[2]) for r in rows], np.int64)
    age = np.array([((end - r[3]).days - 1) // 7 for r in rows], np.int64)  # 0 = the last week that ended
    generated = np.array([bool(r[4]) for r in rows])
    x, y = to_projected(lon, lat)
    grid = grid_covering(x, y, cell)
    row, col, _inside = grid.cell_of(x, y)
    used, square = np.unique(row * grid.ncols + col, return_inverse=True)
    band = band_of(age)
    keep = band < len(PERIODS)
    atoms = np.zeros((used.size, len(codes), len(PERIODS)), np.int64)
    np.add.at(atoms, (square[keep], category_index[keep], band[keep]), 1)
    generated_atoms = np.zeros_like(atoms)
    mine = keep & generated
    np.add.at(generated_atoms, (square[mine], category_index[mine], band[mine]), 1)
    shown, totals = publish(atoms, k)
    first_col, first_row = round(grid.x0 / cell), round(grid.y0 / cell)
    namer = naming.namer_for(municipality.code, grid.crs)

    def square_id(j: int) -> str:
        r, c = divmod(int(used[j]), grid.ncols)
        key = f"{first_col + c}:{first_row + r}"
        if key not in result["squares"]:
            x0, y0 = grid.x0 + (c + 0.5) * cell, grid.y0 + (r + 0.5) * cell
            result["squares"][key] = {
                "polygon": grid.cell_polygon_lonlat(r, c), "where": namer.describe_square(x0, y0, cell / 2),
            }  # fmt: skip
        return key

    for p, weeks in enumerate(PERIODS):
        per_category = atoms[:, :, : p + 1].sum(axis=2)  # squares × categories, in this period
        generated_per_category = generated_atoms[:, :, : p + 1].sum(axis=2)
        for selection, category in enumerate(selections):
            counts = per_category.sum(axis=1) if selection == 0 else per_category[:, selection - 1]
            made_up = generated_per_category.sum(axis=1) if selection == 0 else generated_per_category[:, selection - 1]
            cells, shown_total, any_generated = [], 0, False
            for j in np.nonzero(shown[:, selection, p])[0]:
                shown_total += int(counts[j])
                any_generated |= bool(made_up[j])
                main = []
                if selection == 0:  # the categories shown in this square, by band, then in the taxonomy's order
                    named = [i for i in range(len(codes)) if shown[j, 1 + i, p]]
                    main = [codes[i] for i in sorted(named, key=lambda i: (-in_steps(per_category[j, i], k), i))]
                cells.append({"square": square_id(j), "low": in_steps(counts[j], k), "main": main})
            cells.sort(key=lambda c: (-c["low"], c["square"]))
            result["views"][view_key(category, weeks)] = {
                "cells": cells,
                "hidden": hidden_as_published(int(counts.sum()) - shown_total, k, bool(totals[selection, p])),
                "generated": any_generated,
            }
    return result
