"""The public map: how many incidents per grid cell, for one category (or all) and one period.

Only incidents whose visibility is "public", that count in the statistics and that are located to a street or
better are counted; no points are ever sent to the browser. A square is shown only with at least k incidents
(default 5) of exactly the selection asked for.

Differencing. The page can be asked for every category and every period, so one published number could be
subtracted from another ("all" minus "graffiti", "26 weeks" minus "12 weeks", the municipality's total minus the
squares shown …). The rule used here is decided once for the whole publication (every category × every
period × every square, and the municipality's totals), independently of what a visitor asks for:

The incidents are split into atoms (square × category × period band). The published numbers partition the
atoms into regions (the Venn regions of the published sets: atoms that lie in exactly the same published
sets). Every count that can be computed from the published numbers by adding and subtracting them is a sum of
whole regions, so if every region inside the published sets holds 0 or at least k incidents, nothing below k
can be derived. Candidates are added one at a time (in a fixed order of priority: all categories for the
default period first) and refused when they would split a region into a part with fewer than k incidents.
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

PERIODS = (4, 12, 26, 52)  # weeks; nested: each period contains the shorter ones
DEFAULT_WEEKS = 12


def parse_weeks(value) -> int:
    """The period asked for, or the default when it is missing or not one of ``PERIODS``."""
    try:
        weeks = int(str(value).strip())
    except (TypeError, ValueError):
        return DEFAULT_WEEKS
    return weeks if weeks in PERIODS else DEFAULT_WEEKS


def colour_classes(k: int) -> list[tuple[int, int | None]]:
    """Classes of counts for the colours: k…2k−1, 2k…4k−1, 4k or more (5–9, 10–19, 20+ for k = 5)."""
    return [(k, 2 * k - 1), (2 * k, 4 * k - 1), (4 * k, None)]


def class_of(count: int, classes) -> int:
    for index, (low, high) in enumerate(classes):
        if count >= low and (high is None or count <= high):
            return index
    return 0


def band_of(age_weeks, periods=PERIODS) -> np.ndarray:
    """The period band of each age: 0 = within the first period, 1 = between the first and the second …;
    ``len(periods)`` for ages outside every period (and for negative ages: reports dated in the future)."""
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


def rounded_hidden(hidden: int, k: int) -> tuple[str, int, int]:
    """The hidden count when it may not be given exactly: ("fewer", 2k, 2k) for 1…2k−1, else ("about", n, 2k)
    with n rounded to a multiple of 2k. Either way the visitor learns a range at least k wide, not a count."""
    step = 2 * k
    if hidden < step:
        return "fewer", step, step
    return "about", round(hidden / step) * step, step


def describe_square(namer: naming.Namer, x: float, y: float, cell: float) -> str:
    """The square centred on projected (x, y) in words, as every other page names a spot ("Vid Stora torget",
    "300 m söder om Resecentrum", "I Kronoparken"; ``trygg.orgs.naming``)."""
    return capfirst(naming.phrase(namer.describe_square(x, y, cell / 2))) or _("No named place nearby")


def statistics_categories():
    return list(Category.objects.current().filter(in_statistics=True).order_by("position", "code"))


def public_cells(
    municipality, weeks: int = DEFAULT_WEEKS, k: int | None = None, cell: float | None = None, category: str = ""
) -> dict:
    """The squares to show for ``category`` ("" = all) in the last ``weeks`` weeks, with their counts, colour
    classes and named places; only counts allowed by ``publish``."""
    k = k or getattr(settings, "TRYGG_PUBLIC_MAP_K", 5)
    cell = cell or getattr(settings, "TRYGG_PUBLIC_MAP_CELL", 250)
    weeks = weeks if weeks in PERIODS else DEFAULT_WEEKS
    categories = statistics_categories()
    codes = [c.code for c in categories]
    category = category if category in codes else ""
    now = timezone.now()
    rows = list(
        Incident.objects.in_statistics()
        .filter(
            municipality=municipality,
            visibility=Visibility.PUBLIC,
            occurred_start__gte=now - dt.timedelta(weeks=max(PERIODS)),
            occurred_start__lte=now,
            precision__in=[Precision.EXACT, Precision.STREET],
            category__code__in=codes,
        )
        .values_list("lon", "lat", "category__code", "occurred_start", "is_generated")
    )
    classes = colour_classes(k)
    result = {
        "cells": [],
        "k": k,
        "cell_m": cell,
        "weeks": weeks,
        "category": category,
        "hidden": 0,
        "hidden_known": True,  # nothing to hide
        "hidden_rounded": None,
        "generated": False,
        "classes": classes,
    }
    if not rows:
        return result
    lon = np.array([r[0] for r in rows], float)
    lat = np.array([r[1] for r in rows], float)
    category_index = np.array([codes.index(r[2]) for r in rows], np.int64)
    age = np.array([(now - r[3]).total_seconds() / (7 * 86400) for r in rows], float)
    generated = np.array([bool(r[4]) for r in rows])
    x, y = to_projected(lon, lat)
    grid = grid_covering(x, y, cell)
    row, col, _inside = grid.cell_of(x, y)
    square = row * grid.ncols + col
    band = band_of(age)
    keep = band < len(PERIODS)
    atoms = np.zeros((grid.n, len(codes), len(PERIODS)), np.int64)
    np.add.at(atoms, (square[keep], category_index[keep], band[keep]), 1)
    generated_atoms = np.zeros_like(atoms)
    np.add.at(generated_atoms, (square[keep & generated], category_index[keep & generated], band[keep & generated]), 1)
    used = np.nonzero(atoms.sum(axis=(1, 2)))[0]  # only squares with incidents (the grid may be large)
    squares, totals = publish(atoms[used], k)
    p = PERIODS.index(weeks)
    selection = 0 if not category else 1 + codes.index(category)

    def count(s_atoms: np.ndarray, sel: int) -> int:
        part = s_atoms[..., : p + 1]
        return int(part.sum() if sel == 0 else part[..., sel - 1, :].sum())

    namer = naming.namer_for(municipality.code, grid.crs)
    by_code = {c.code: c for c in categories}
    shown_total = 0
    for j, s in enumerate(used):
        if not squares[j, selection, p]:
            continue
        n = count(atoms[s], selection)
        shown_total += n
        result["generated"] |= count(generated_atoms[s], selection) > 0
        r, c = divmod(int(s), grid.ncols)
        main = []
        if selection == 0:
            main = [
                by_code[codes[i]].label
                for i in np.argsort(-atoms[s, :, : p + 1].sum(axis=1), kind="stable")
                if squares[j, 1 + i, p]
            ]
        polygon = grid.cell_polygon_lonlat(r, c)
        x0, y0 = grid.x0 + (c + 0.5) * grid.cell, grid.y0 + (r + 0.5) * grid.cell
        result["cells"].append(
            {
                "count": n,
                "class": class_of(n, classes),
                "polygon": polygon,
                "place": describe_square(namer, x0, y0, cell),
                "main": main,
            }
        )
    result["cells"].sort(key=lambda c: (-c["count"], c["place"]))
    in_selection = count(atoms, selection)
    # "hidden" is what the squares not shown hold; the page only states it when the municipality's total of
    # the selection is itself published (otherwise it could be combined with the squares shown)
    result["hidden"] = in_selection - shown_total
    result["hidden_known"] = bool(totals[selection, p])
    result["hidden_rounded"] = None if result["hidden_known"] else rounded_hidden(result["hidden"], k)
    return result
