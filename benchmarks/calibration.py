"""Calibration of the lägesbild's statistics on seeded simulations with a known answer.

For each method: how often it raises a false alarm when nothing is there (should be at most its nominal
5 %), and how often it finds an effect that was planted (power). The old procedures — those the lägesbild
used before issue 10 — and PySAL esda's ``G_Local`` with its permutation ``p_sim`` run on the same data in
the same run.

* Hot spots: pure-noise maps of a municipality-sized study area (an irregular polygon of ~45 000 cells of
  100 m), sparse (150 events, a week) and dense (2 500, a year); a cluster of 60 events within 120 m over
  2 500 background events on 8 000 cells; +72 events in a 3 × 3 block over 40 000 cells.
  A map "shows a hot spot" when any cell is hot (or cold) at the default level (FDR 5 %).
* Change flags: three-year daily logs of 20 categories with a ±30 % season and a gamma factor per week
  (overdispersion), no real change; each month of the third year is one table. Power: +6 a day in one
  category for one month.
* WDD: measures without effect (Poisson counts with equal means) with the control reused as the buffer's
  control, and with a 205-day before period against a 38-day after period; power: a 30 % reduction of 200
  events a period.
* Knox: null maps (no space–time interaction) with and without the correction across the table.
* Sources (issue 24): three years of a police feed (about one event a day) and a partner's reports; the feed
  silent for the last seven months or complete. Old: the month's total against its baseline ("färre än
  vanligt"); new: the source check names the gap and the comparison leaves the feed out on both sides.
* Short histories (issue 24): 15-row tables against 2, 3 and 5 earlier years, gamma week effects of shape 1
  and 4 common to all rows or per row, ±30 % season; and a gamma factor per period. Old: the dispersion
  plugged in as known (beta-binomial); new: pooled two-way dispersion with Student's t.
* New hot spots (issue 24): ``calibration_spacetime.py`` — the space–time permutation scan against the old
  "hot now, not hot four weeks ago" comparison.
* Measure effects (issue 24): ``calibration_effect.py`` — exact/quasi-Poisson difference-in-differences
  against the WDD, under no effect with overdispersion and a common trend, and the power to see a halving.

    python benchmarks/calibration.py [--reps 100] [--seed 2026] [--quick]

esda runs only where it is installed (``make bench`` puts it in the benchmark environment); building its
weights for 45 000 cells makes it the slow part, so it runs on a tenth of the maps. The Knox rows use 299
simulations, where the smallest p-value (1/300) barely passes a correction over 12 cells: the product runs
999.
"""

from __future__ import annotations

import argparse
import importlib.util
import time
import warnings

import numpy as np
from scipy import stats

from _setup import table
from trygg.analysis.change import Row, compare_table, compare_table_beta_binomial
from trygg.analysis.evaluation import Counts, weighted_displacement
from trygg.analysis.hotspots import fdr, gi_star_fdr, hotspot_test, window_neighbours
from trygg.analysis.nearrepeat import knox_test
from trygg.analysis.season import exposure, month_weights
from trygg.analysis.sources import check_source

warnings.filterwarnings("ignore")


# -- hot spots -------------------------------------------------------------------------------------------
def municipality_mask(shape=(200, 300)) -> np.ndarray:
    r, c = np.mgrid[: shape[0], : shape[1]]
    ellipse = ((r - shape[0] / 2) / (shape[0] / 2)) ** 2 + ((c - shape[1] / 2) / (shape[1] / 2)) ** 2 <= 1
    lake = ((r - shape[0] * 0.3) ** 2 + (c - shape[1] * 0.6) ** 2) <= (shape[0] / 8) ** 2
    return ellipse & ~lake


def noise(mask: np.ndarray, n: int, rng) -> np.ndarray:
    idx = rng.choice(np.flatnonzero(mask.ravel()), n)
    return np.bincount(idx, minlength=mask.size).reshape(mask.shape).astype(float)


def cluster_map(rng) -> tuple[np.ndarray, tuple[int, int]]:
    counts = noise(np.ones((80, 100), dtype=bool), 2500, rng)
    cx, cy = rng.uniform(1000, 7000), rng.uniform(1000, 9000)
    radius = 120 * np.sqrt(rng.uniform(0, 1, 60))
    angle = rng.uniform(0, 2 * np.pi, 60)
    np.add.at(counts, (((cx + radius * np.cos(angle)) // 100).astype(int),
                       ((cy + radius * np.sin(angle)) // 100).astype(int)), 1)  # fmt: skip
    return counts, (int(cx // 100), int(cy // 100))


def block_map(rng) -> tuple[np.ndarray, tuple[int, int]]:
    counts = rng.poisson(0.5, (200, 200)).astype(float)
    counts[100:103, 50:53] += 8
    return counts, (101, 51)


def esda_hot(counts: np.ndarray, mask: np.ndarray | None, permutations: int, seed: int,
             alternative: str = "directed") -> np.ndarray:  # fmt: skip
    """esda's G_Local (binary queen weights incl. the cell, as Gi*) with p_sim, BH over the tested cells.

    esda's default ``directed`` p_sim takes the smaller of "at least as large" and "strictly smaller" counts,
    so a window tied with most permutations (the rule on sparse counts) gets the smallest p-value; with
    ``greater`` ties count as at least as large (computed from esda's simulated statistics, ``rGs``), the
    proper one-sided test for hot spots.
    """
    from esda.getisord import G_Local
    from libpysal.weights import W

    mask = np.ones(counts.shape, dtype=bool) if mask is None else mask
    values = counts[mask].astype(float)
    g = G_Local(values, W(window_neighbours(mask), silence_warnings=True), transform="B", star=True,
                permutations=permutations, seed=seed, keep_simulations=True)  # fmt: skip
    if alternative == "directed":
        p = np.minimum(1.0, 2 * np.asarray(g.p_sim, float))  # two-sided, as the classic procedure
    else:  # from esda's own simulated statistics, ties counted as at least as large
        at_least = (np.asarray(g.rGs) >= np.asarray(g.Gs)[:, None] - 1e-12).sum(axis=1)
        p = (at_least + 1) / (permutations + 1)
    out = np.zeros(counts.shape, dtype=bool)
    out[mask] = (fdr(p) <= 0.05) & (np.asarray(g.Zs) > 0)
    return out


def hotspot_methods(esda: bool, permutations: int):
    def exact(y, m, s):
        result = hotspot_test(y, m)
        return result.hot(95) | result.cold(95)

    methods = {
        "Trygg: exact window test + Tarone–BH (new)": exact,
        "old: Gi* normal p + BH over the rectangle": lambda y, m, s: gi_star_fdr(y).hot(95),
        f"old: Gi* {permutations} permutations + BH": lambda y, m, s: gi_star_fdr(y, permutations, s).hot(95),
    }  # fmt: skip
    if esda:
        methods[f"esda G_Local p_sim ({permutations}, default) + BH"] = lambda y, m, s: esda_hot(y, m, permutations, s)
        methods[f"esda G_Local p_sim ({permutations}, greater) + BH"] = lambda y, m, s: esda_hot(
            y, m, permutations, s, "greater"
        )
    return methods


def hotspot_table(reps: int, slow_reps: int, seed: int, permutations: int, esda: bool) -> str:
    mask = municipality_mask()
    rows = []
    for name, method in hotspot_methods(esda, permutations).items():
        n = reps if "(new)" in name or "normal" in name else slow_reps if "esda" not in name else max(4, slow_reps // 2)
        rng = np.random.default_rng(seed)
        started = time.perf_counter()
        sparse = sum(bool(method(noise(mask, 150, rng), mask, i).any()) for i in range(n)) / n
        dense = sum(bool(method(noise(mask, 2500, rng), mask, i).any()) for i in range(n)) / n
        found = 0
        for i in range(n):
            counts, (r, c) = cluster_map(rng)
            found += bool(method(counts, None, i)[r - 1 : r + 2, c - 1 : c + 2].any())
        block = 0
        for i in range(max(1, n // 4)):
            counts, (r, c) = block_map(rng)
            block += bool(method(counts, None, i)[r - 1 : r + 2, c - 1 : c + 2].any())
        rows.append([name, n, f"{sparse:.0%}", f"{dense:.0%}", f"{found / n:.0%}", f"{block / max(1, n // 4):.0%}",
                     f"{time.perf_counter() - started:.0f}"])  # fmt: skip
    return table(
        ["method", "maps", "noise 150 ev. (≤5 %)", "noise 2 500 ev. (≤5 %)", "60 in 120 m found (≥95 %)",
         "+72 in 3×3 on 40 000 found", "s"],
        rows,
    )  # fmt: skip


# -- change flags ----------------------------------------------------------------------------------------
DAYS = np.arange(3 * 365 + 1)
DATES = np.datetime64("2023-01-01") + DAYS
YEAR = DATES.astype("datetime64[Y]").astype(int) + 1970
MONTH = DATES.astype("datetime64[M]").astype(int) % 12 + 1


def three_year_log(rng, categories=20) -> np.ndarray:
    base = rng.uniform(0.2, 3.0, categories)
    season = 1 + 0.3 * np.sin(2 * np.pi * DAYS / 365.25)
    week = DAYS // 7
    return np.array([rng.poisson(b * season * rng.gamma(4.0, 0.25, week.max() + 1)[week]) for b in base])


def month_mask(year: int, month: int) -> np.ndarray:
    index = year * 12 + month - 1
    return (index // 12 == YEAR) & (index % 12 + 1 == MONTH)


def new_flags(log, month) -> list[bool]:
    now = month_mask(2025, month)
    baseline = [m for y in (2023, 2024) for step in (-1, 0, 1) if (m := month_mask(y, month + step)).any()]
    rows = {c: Row(int(log[c, now].sum()), [int(log[c, m].sum()) for m in baseline]) for c in range(log.shape[0])}
    table_ = compare_table(rows, int(now.sum()), [int(m.sum()) for m in baseline])
    return [table_[c].direction in ("up", "down") for c in range(log.shape[0])]


def old_flags(log, month) -> list[bool]:
    """The old test: the month's count against the plain mean of the 12 months before, binomial, p < 0.05."""
    now = month_mask(2025, month)
    earlier = [month_mask(2025, month - k) for k in range(1, 13)]
    out = []
    for c in range(log.shape[0]):
        k, previous = int(log[c, now].sum()), sum(int(log[c, m].sum()) for m in earlier)
        out.append(bool(k + previous) and stats.binomtest(k, k + previous, 1 / 13).pvalue < 0.05)
    return out


def change_table(reps: int, seed: int) -> str:
    rows = []
    for name, flags in (("Trygg: rates, season, dispersion, BH (new)", new_flags),
                        ("old: mean of 12 months before, p < 0.05", old_flags)):  # fmt: skip
        rng = np.random.default_rng(seed)
        flagged = tables = any_flag = 0
        for _ in range(reps):
            log = three_year_log(rng)
            for month in range(1, 13):
                f = flags(log, month)
                flagged += sum(f)
                tables += 1
                any_flag += any(f)
        found = 0
        rng = np.random.default_rng(seed + 1)
        for _ in range(reps * 4):
            log = three_year_log(rng)
            now = month_mask(2025, 6)
            log[0, now] += rng.poisson(6.0, now.sum())
            found += flags(log, 6)[0]
        rows.append([name, tables * 20, f"{flagged / (tables * 20):.1%}", f"{any_flag / tables:.0%}",
                     f"{found / (reps * 4):.0%}"])  # fmt: skip
    return table(["method", "category-months", "flagged, no change (≤5 %)", "tables with any flag",
                  "+6 a day found"], rows)  # fmt: skip


# -- WDD -------------------------------------------------------------------------------------------------
def wdd_table(reps: int, seed: int) -> str:
    rng = np.random.default_rng(seed)
    false_new = false_old = 0
    for _ in range(reps):
        t, c, d = rng.poisson(60, 2), rng.poisson(60, 2), rng.poisson(60, 2)
        new = weighted_displacement(Counts(*map(int, (t[0], t[1], c[0], c[1], d[0], d[1]))))
        false_new += new.verdict in ("decrease", "increase")
        old_wdd = (t[1] - t[0]) - 2 * (c[1] - c[0]) + (d[1] - d[0])
        old_se = np.sqrt(t.sum() + d.sum() + 2 * c.sum())  # the control counted twice, as before
        false_old += abs(old_wdd) > 1.96 * old_se
    unequal_new = unequal_old = 0
    for _ in range(reps):
        t0, t1, c0, c1 = rng.poisson(205 * 0.6), rng.poisson(38 * 0.6), rng.poisson(205 * 1.5), rng.poisson(38 * 1.5)
        new = weighted_displacement(Counts(int(t0), int(t1), int(c0), int(c1), before_days=205, after_days=38))
        unequal_new += new.verdict in ("decrease", "increase")
        unequal_old += abs((t1 - t0) - (c1 - c0)) > 1.96 * np.sqrt(t0 + t1 + c0 + c1)  # raw counts
    found = 0
    for _ in range(reps):
        t0, t1 = rng.poisson(200), rng.poisson(200 * 0.7)
        c0, c1 = rng.poisson(240), rng.poisson(240)
        found += weighted_displacement(Counts(int(t0), int(t1), int(c0), int(c1))).verdict == "decrease"
    return table(
        ["configuration", "measures", "new: false verdicts", "old: false verdicts"],
        [
            ["no effect, control reused for the buffer (≤5 %)", reps, f"{false_new / reps:.1%}",
             f"{false_old / reps:.1%}"],
            ["no effect, 205 days before vs 38 after (≤5 %)", reps, f"{unequal_new / reps:.1%}",
             f"{unequal_old / reps:.1%}"],
            ["30 % reduction of 200 events (found)", reps, f"{found / reps:.0%}", "–"],
        ],
    )  # fmt: skip


# -- Knox ------------------------------------------------------------------------------------------------
def knox_table(reps: int, seed: int, simulations: int) -> str:
    rng = np.random.default_rng(seed)
    corrected = raw = 0
    for _ in range(reps):
        x, y, t = rng.uniform(0, 2000, 150), rng.uniform(0, 2000, 150), rng.integers(0, 365, 150)
        result = knox_test(x, y, t, [0, 100, 200, 400], [0, 7, 14, 28], simulations=simulations,
                           seed=int(rng.integers(1 << 30)))  # fmt: skip
        corrected += bool(result.significant().any())
        raw += bool(((result.p_value <= 0.05) & (result.ratio > 1)).any())
    return table(["Knox, no interaction", "maps", "any cell significant"],
                 [["raw p ≤ 0.05 (old)", reps, f"{raw / reps:.0%}"],
                  ["Benjamini–Hochberg across the 12 cells (new)", reps, f"{corrected / reps:.0%}"]])  # fmt: skip


# -- sources ---------------------------------------------------------------------------------------------
def sources_table(reps: int, seed: int) -> str:
    """Police about 1,1 a day (weekly gamma shape 2), a partner about 1 a day, three years and a month; the month
    compared with the same month and its neighbours of the two years before."""
    rng = np.random.default_rng(seed)
    days = 3 * 365 + 31
    month = (days - 31, days)
    baseline = [(a, a + 30) for y in (1, 2) for a in (days - 31 - 365 * y - 30, days - 31 - 365 * y,
                                                       days - 31 - 365 * y + 31)]  # fmt: skip
    rows = []
    for silent in (True, False):
        old_down = new_missing = new_flag = 0
        for _ in range(reps):
            week = np.repeat(rng.gamma(2.0, 0.5, days // 7 + 1), 7)[:days]
            police = rng.poisson(1.1 * week)
            partner = rng.poisson(1.0 * np.repeat(rng.gamma(2.0, 0.5, days // 7 + 1), 7)[:days])
            if silent:
                police[days - 214 :] = 0
            months = [(a, min(a + 30, days)) for a in range(0, days, 30)]
            gap = check_source(police, months).gaps
            missing = any(g.start < month[1] and g.end > month[0] for g in gap)
            total = police + partner
            use = partner if missing else total

            def month_row(y):
                return {"t": Row(int(y[month[0] : month[1]].sum()), [int(y[a:b].sum()) for a, b in baseline])}

            old = compare_table(month_row(total), 31, [30] * 6)["t"]
            new = compare_table(month_row(use), 31, [30] * 6)["t"]
            old_down += old.direction == "down"
            new_missing += missing
            new_flag += new.direction in ("up", "down")
        label = "police silent for 7 months" if silent else "every source complete"
        rows.append([label, reps, f"{old_down / reps:.0%}", f"{new_missing / reps:.0%}", f"{new_flag / reps:.0%}"])
    return table(["scenario", "logs", "old: total 'färre än vanligt'", "new: feed named missing",
                  "new: total flagged"], rows)  # fmt: skip


# -- short histories -------------------------------------------------------------------------------------
def short_history(rng, earlier: int, shape: float, how: str) -> dict[str, Row]:
    rows = 15
    if how == "per period":
        mu = np.exp(rng.uniform(np.log(3), np.log(300), rows))
        years = rng.poisson(mu[:, None] * rng.gamma(shape, 1 / shape, (rows, earlier + 1)))
    else:
        rate = np.geomspace(0.03, 4.0, rows)
        n = (earlier + 1) * 365
        season = 1 + 0.3 * np.sin(2 * np.pi * np.arange(n) / 365)
        week = rng.gamma(shape, 1 / shape, (1 if how == "weeks, common" else rows, n // 7 + 1))
        daily = rng.poisson(rate[:, None] * season[None, :] * np.repeat(week, 7, axis=1)[:, :n])
        years = daily.reshape(rows, earlier + 1, 365).sum(axis=2)
    out = {str(i): Row(int(y[-1]), [int(v) for v in y[:-1]]) for i, y in enumerate(years)}
    out["_total"] = Row(int(years[:, -1].sum()), [int(v) for v in years[:, :-1].sum(axis=0)])
    return out


def short_table(reps: int, seed: int) -> str:
    rng = np.random.default_rng(seed)
    rows = []
    for earlier in (2, 3, 5):
        for how, shape in (("weeks, common", 1.0), ("weeks, common", 4.0), ("weeks, per row", 1.0),
                           ("weeks, per row", 4.0), ("per period", 1.0), ("per period", 4.0)):  # fmt: skip
            cells = {"old": 0, "new": 0}
            tables = {"old": 0, "new": 0}
            n = 0
            for _ in range(reps):
                t = short_history(rng, earlier, shape, how)
                total = t.pop("_total")
                old = compare_table_beta_binomial(t, 365, [365] * earlier)
                old.update(compare_table_beta_binomial({"_total": total}, 365, [365] * earlier))
                new = compare_table({**t, "_total": total}, 365, [365] * earlier, not_pooled=["_total"])
                for name, result in (("old", old), ("new", new)):
                    flags = [c.direction in ("up", "down") for c in result.values()]
                    cells[name] += sum(flags)
                    tables[name] += any(flags)
                n += len(old)
            rows.append([earlier, how, shape, reps, f"{cells['old'] / n:.1%}", f"{cells['new'] / n:.1%}",
                         f"{tables['old'] / reps:.0%}", f"{tables['new'] / reps:.0%}"])  # fmt: skip
    return table(["earlier periods", "variation", "gamma shape", "tables", "old: rows flagged (≤5 %)",
                  "new: rows flagged", "old: tables flagged (≤10 %)", "new: tables flagged"], rows)  # fmt: skip


# -- a baseline year trimmed to the days every source is there ------------------------------------------------
def trimmed_history(
    rng, earlier: int, gap: int, effect: float = 1.0
) -> tuple[dict[str, Row], list[float], list[float]]:
    """15 rows of daily counts (±30 % season, quietest in mid-January, weekly gamma factors of shape 2 common to all
    rows) over ``earlier`` years and the current one; in the earliest year every source is missing for ``gap`` days
    from 1 January (the police in a town where they are most of the data), so that year counts only its other days.
    Returns the rows, the baseline years' exposure in plain days and in days weighted by the season of the complete
    years, and the total's true mean this year without the effect (what the baseline should expect)."""
    rows, n = 15, (earlier + 1) * 365
    rate = np.geomspace(0.03, 4.0, rows)
    season = 1 + 0.3 * np.sin(2 * np.pi * (np.arange(n) - 105) / 365)
    week = np.repeat(rng.gamma(2.0, 0.5, n // 7 + 1), 7)[:n]
    level = np.where(np.arange(n) >= earlier * 365, effect, 1.0)
    daily = rng.poisson(rate[:, None] * (season * week * level)[None, :])
    keep = np.ones(n, dtype=bool)
    keep[:gap] = False  # the winter (and spring, for the longer gaps) of the earliest year
    years = np.stack([daily[:, y * 365 : (y + 1) * 365][:, keep[y * 365 : (y + 1) * 365]].sum(axis=1)
                      for y in range(earlier + 1)], axis=1)  # fmt: skip
    out = {str(i): Row(int(y[-1]), [int(v) for v in y[:-1]]) for i, y in enumerate(years)}
    out["_total"] = Row(int(years[:, -1].sum()), [int(v) for v in years[:, :-1].sum(axis=0)])
    months = (np.datetime64("2023-01-01") + np.arange(365)).astype("datetime64[M]").astype(int) % 12 + 1
    complete = daily[:, 365 : earlier * 365].sum(axis=0)  # the complete baseline years, every row
    weights = month_weights(np.tile(months, earlier - 1), complete)
    weighted = exposure(months, keep[:365], weights)
    truth = float(rate.sum() * season[earlier * 365 :].sum())
    return out, [365.0 - gap] + [365.0] * (earlier - 1), [weighted] + [365.0] * (earlier - 1), truth


def trim_table(reps: int, seed: int) -> str:
    rng = np.random.default_rng(seed)
    out = []
    methods = ("old", "plain", "season")  # the year dropped; trimmed, plain days; trimmed, days weighted by season
    for earlier in (2, 3):
        for gap in (60, 120, 180):
            counts = {name: [0, 0, 0] for name in methods}  # rows flagged, tables flagged, total up with +30 %
            bias = {name: [] for name in methods}  # the total's expected count over its true mean
            n = 0
            for effect in (1.0, 1.3):
                for _ in range(reps):
                    t, days, weighted, truth = trimmed_history(rng, earlier, gap, effect)
                    dropped = {k: Row(r.count, r.baseline[1:]) for k, r in t.items()}  # the gappy year dropped
                    results = {"old": compare_table(dropped, 365, days[1:], not_pooled=["_total"]),
                               "plain": compare_table(t, 365, days, not_pooled=["_total"]),
                               "season": compare_table(t, 365, weighted, not_pooled=["_total"])}  # fmt: skip
                    for name, result in results.items():
                        if effect == 1.0:
                            bias[name].append(result["_total"].expected / truth)
                            flags = [c.direction in ("up", "down") for c in result.values()]
                            counts[name][0] += sum(flags)
                            counts[name][1] += any(flags)
                        else:
                            counts[name][2] += result["_total"].direction == "up"
                    n += len(t) if effect == 1.0 else 0
            out.append([earlier, gap, reps, *(f"{counts[m][0] / n:.1%}" for m in methods),
                        *(f"{counts[m][1] / reps:.0%}" for m in methods),
                        *(f"{counts[m][2] / reps:.0%}" for m in methods),
                        *(f"{np.mean(bias[m]) - 1:+.1%}" for m in methods)])  # fmt: skip
    return table(["earlier years", "days missing in one", "tables",
                  "rows flagged (≤5 %): old (year dropped)", "trimmed, plain days", "trimmed, by season",
                  "tables flagged (≤10 %): old", "plain", "season",
                  "total +30 % found: old", "plain", "season",
                  "total expected vs truth: old", "plain", "season"], out)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=100, help="maps, logs and measures per scenario")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--permutations", type=int, default=999)
    parser.add_argument("--quick", action="store_true", help="a tenth of the repetitions (a smoke run)")
    parser.add_argument("--only", default="hotspots,change,wdd,knox,sources,short,trim,scan,effect",
                        help="which tables (comma separated)")  # fmt: skip
    args = parser.parse_args()
    reps = max(4, args.reps // 10) if args.quick else args.reps
    esda = importlib.util.find_spec("esda") is not None
    print(f"seed {args.seed}; {reps} repetitions per scenario; esda {'installed' if esda else 'not installed'}\n")
    only = set(args.only.split(","))
    if "hotspots" in only:
        print("Hot spots (share of maps with any hot or cold spot; share of planted clusters found)")
        print(hotspot_table(reps, max(4, reps // 5), args.seed, args.permutations, esda), "\n")
    if "change" in only:
        print("Change flags (three-year logs, ±30 % season, weekly overdispersion, 20 categories)")
        print(change_table(max(2, reps // 10), args.seed), "\n")
    if "wdd" in only:
        print("Weighted displacement difference")
        print(wdd_table(reps * 20, args.seed), "\n")
    if "knox" in only:
        print("Near repeats")
        print(knox_table(max(10, reps // 2), args.seed, 299), "\n")
    if "sources" in only:
        print("A source that goes silent (a month against the same months of two earlier years)")
        print(sources_table(reps, args.seed), "\n")
    if "short" in only:
        print("Flags on short histories (15 unchanged rows and their total, yearly counts)")
        print(short_table(max(10, reps // 2), args.seed), "\n")
    if "trim" in only:
        print("A baseline year missing every source for some days, counted over its other days (annual report)")
        print(trim_table(max(10, reps // 2), args.seed), "\n")
    if "scan" in only:
        import calibration_spacetime

        print("New hot spots: share of maps with an alarm (null scenarios) or with the venue found")
        headers = ["scenario", "maps", "new scan: week 1", "new scan: ≤ 2 weeks", "old: week 1", "old: ≤ 2 weeks",
                   "old: new cells claimed"]  # fmt: skip
        print(table(headers, calibration_spacetime.calibration_rows(reps, args.seed)), "\n")
    if "effect" in only:
        import calibration_effect

        print("Measure effects: false verdicts without an effect, and the power to see a halving")
        print(table(calibration_effect.HEADERS, calibration_effect.calibration_rows(reps * 4, args.seed)))


if __name__ == "__main__":
    main()
