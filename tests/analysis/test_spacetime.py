"""New hot spots: the space–time permutation scan equals a brute-force scan, keeps its false alarm rate on
stationary maps (overdispersed, seasonal weekly volume; a source that goes silent; a doubled week), finds a new
venue within two weeks and never claims anything from too little history or a single event."""

from __future__ import annotations

import time

import numpy as np
import pytest

from tests.analysis.spacetime_maps import intensity, municipality_mask, stationary_cube, venue_cell
from trygg.analysis.spacetime import DEFAULT_ALPHA, MIN_WEEKS, ScanResult, alarm, space_time_scan

SIMS = 199


# -- simulated towns ---------------------------------------------------------------------------------------
def found(result: ScanResult, cell: tuple[int, int], alpha: float = 0.05) -> bool:
    return any(cell in cluster for cluster in result.clusters if cluster.p_value <= alpha)


MASK = municipality_mask()


# -- the scan itself -------------------------------------------------------------------------------------
def brute_force_max(cube, mask, radius, max_weeks, min_events) -> float:
    """The largest LLR over every cylinder centred on a cell with events, written out loop by loop."""
    y = np.where(mask, cube, 0)
    n = y.sum()
    totals = y.sum(axis=0)
    cells = [tuple(rc) for rc in np.argwhere(totals > 0)]
    best = 0.0
    for r, c in cells:
        for k in range(radius + 1):
            circle = [e for e in cells if (e[0] - r) ** 2 + (e[1] - c) ** 2 <= k * k]
            in_circle = sum(totals[e] for e in circle)
            for d in range(1, min(max_weeks, y.shape[0] // 2) + 1):
                obs = sum(y[-d:, e[0], e[1]].sum() for e in circle)
                mu = in_circle * y[-d:].sum() / n
                if obs > mu and obs >= min_events:
                    llr = obs * np.log(obs / mu) + (n - obs and (n - obs) * np.log((n - obs) / (n - mu)))
                    best = max(best, llr)
    return best


def test_most_likely_cluster_equals_a_brute_force_scan():
    rng = np.random.default_rng(3)
    for _ in range(60):
        rows, cols = rng.integers(1, 10, 2)
        weeks = int(rng.integers(3, 9))
        cube = rng.poisson(rng.uniform(0.05, 1.5), (weeks, rows, cols)) * (rng.random((rows, cols)) < 0.6)
        mask = rng.random((rows, cols)) < 0.9
        radius, max_weeks, min_events = int(rng.integers(0, 4)), int(rng.integers(1, 4)), int(rng.integers(1, 4))
        result = space_time_scan(cube, mask, max_radius_cells=radius, max_weeks=max_weeks, simulations=9,
                                 seed=1, min_events=min_events)  # fmt: skip
        top = result.clusters[0].llr if result.clusters else 0.0
        assert top == pytest.approx(brute_force_max(cube, mask, radius, max_weeks, min_events), abs=1e-9)


def test_p_value_equals_a_brute_force_permutation_of_the_week_labels():
    """The scan's fast permutation (sampling the recent events only) against literally shuffling the weeks."""
    rng = np.random.default_rng(11)
    weeks, shape = 8, (6, 6)
    cube = rng.poisson(rng.gamma(0.8, 0.6, shape), (weeks, *shape))
    cube[-1, 2, 3] += 3
    mask = np.ones(shape, dtype=bool)
    sims = 999
    result = space_time_scan(cube, mask, simulations=sims, seed=5)
    observed = result.clusters[0].llr
    cell, week = np.nonzero(cube.reshape(weeks, -1).T)
    reps = cube.reshape(weeks, -1).T[cell, week]
    cell, week = np.repeat(cell, reps), np.repeat(week, reps)
    at_least = 0
    for _ in range(sims):
        shuffled = np.zeros(cube.shape, dtype=int).reshape(weeks, -1)
        np.add.at(shuffled, (rng.permutation(week), cell), 1)
        at_least += brute_force_max(shuffled.reshape(cube.shape), mask, 3, 2, 3) >= observed - 1e-9
    brute = (1 + at_least) / (1 + sims)
    assert 0.02 < brute < 0.5, brute  # a p-value worth comparing
    assert result.clusters[0].p_value == pytest.approx(brute, abs=4 * np.sqrt(2 * brute * (1 - brute) / sims))


def test_stopping_early_keeps_the_verdict_of_all_simulations():
    """Besag–Clifford: on quiet maps and maps with a venue, the sequential scan alarms exactly when the full
    999 do, and on quiet maps it mostly stops after a few hundred simulations."""
    rng = np.random.default_rng(77)
    stopped = 0
    for i in range(24):
        cube = stationary_cube(rng, intensity(MASK, rng), 30)
        if i % 3 == 0:
            cube[-1, 60 + i, 120] += 6  # some with a venue, of a strength that is sometimes found
        full = space_time_scan(cube, MASK, simulations=999, seed=i, sequential=False)
        fast = space_time_scan(cube, MASK, simulations=999, seed=i)
        assert full.simulations == 999
        assert alarm(fast) == alarm(full), i
        if alarm(full):
            assert fast.simulations == 999 and fast.clusters == full.clusters
        else:
            assert fast.clusters[0].p_value > DEFAULT_ALPHA
        stopped += fast.simulations < 999
    assert stopped >= 10


# -- calibration: no alarm when nothing new happens ------------------------------------------------------
def test_stationary_maps_raise_an_alarm_at_most_at_the_nominal_rate():
    """150 maps, each with its own town and 26–52 weeks of history: any alarm in ≤ 5 % plus Monte Carlo error
    (the expected 7.5 ± 2.7 alarms; 13.5 would be 0.09)."""
    rng = np.random.default_rng(2026)
    maps = 150
    alarms = 0
    for i in range(maps):
        cube = stationary_cube(rng, intensity(MASK, rng), int(rng.integers(26, 53)))
        alarms += alarm(space_time_scan(cube, MASK, simulations=SIMS, seed=i))
    assert alarms / maps <= 0.09


@pytest.mark.parametrize("last", [0.1, 2.0], ids=["source-goes-silent", "volume-doubles"])
def test_a_change_everywhere_is_not_a_new_hot_spot(last):
    """A source that goes silent (all counts × 0.1) or a week of twice the volume, alike in every cell."""
    rng = np.random.default_rng(7 if last < 1 else 8)
    maps = 100
    alarms = 0
    for i in range(maps):
        cube = stationary_cube(rng, intensity(MASK, rng), int(rng.integers(26, 53)), last=last)
        alarms += alarm(space_time_scan(cube, MASK, simulations=SIMS, seed=i))
    assert alarms / maps <= 0.09


# -- power: a new venue is found -------------------------------------------------------------------------
@pytest.mark.parametrize(("area", "within_two", "in_first"), [("cell", 0.9, 0.8), ("3x3", 0.8, 0.5)])
def test_a_new_venue_is_found_within_two_weeks(area, within_two, in_first):
    """+8 events a week (Poisson) from the current week on, in one 100 m cell or spread over a 3×3 block, in
    the busy part of town: an alarm whose cluster holds the venue in the first week or the next.

    On 200 maps: one cell 91 % in the first week, 99 % within two; the 3×3 block (which no circle of whole
    radius fits: 5 or 13 cells) 70 % and 92 %."""
    rng = np.random.default_rng(99)
    maps = 50
    hits = first = 0
    for i in range(maps):
        lam = intensity(MASK, rng)
        cube = stationary_cube(rng, lam, int(rng.integers(27, 54)))
        r, c = venue_cell(rng, lam)
        for week in (-2, -1):
            if area == "cell":
                cube[week, r, c] += rng.poisson(8)
            else:
                block = np.zeros((3, 3), dtype=int)
                np.add.at(block.ravel(), rng.integers(0, 9, rng.poisson(8)), 1)
                cube[week, r - 1 : r + 2, c - 1 : c + 2] += block * MASK[r - 1 : r + 2, c - 1 : c + 2]
        week_one = found(space_time_scan(cube[:-1], MASK, simulations=SIMS, seed=i), (r, c))
        first += week_one
        hits += week_one or found(space_time_scan(cube, MASK, simulations=SIMS, seed=i), (r, c))
    assert hits / maps >= within_two
    assert first / maps >= in_first


def test_the_cluster_describes_the_venue():
    rng = np.random.default_rng(5)
    lam = intensity(MASK, rng)
    cube = stationary_cube(rng, lam, 40)
    cube[-1, 50, 100] += 10
    cube[-1, 150, 200] += 10  # a second venue, far away
    result = space_time_scan(cube, MASK, simulations=999, seed=1)
    assert alarm(result)
    assert result.enough_history and result.weeks == 40 and result.events == cube[:, MASK].sum()
    assert result.simulations == 999 and result.windows > 0
    first, second = result.clusters[:2]
    assert {(50, 100), (150, 200)} == {cell for cell in [(50, 100), (150, 200)] if cell in first or cell in second}
    assert not set(first.cells) & set(second.cells)  # secondary clusters do not overlap
    assert first.llr >= second.llr and first.p_value <= second.p_value <= 0.05
    for cluster in (first, second):
        assert cluster.weeks == 1 and cluster.first_week == 39
        assert cluster.observed >= 10 and cluster.expected < cluster.observed
        assert cluster.relative_risk == pytest.approx(cluster.observed / cluster.expected)
        assert cluster.centre in cluster and len(cluster.cells) >= 1
        assert all(MASK[cell] for cell in cluster.cells)
        assert p_is_rank(cluster.p_value, 999)
    assert space_time_scan(cube, MASK, simulations=999, seed=1) == result  # seeded: the same answer


def p_is_rank(p: float, sims: int) -> bool:
    return round(p * (sims + 1)) == pytest.approx(p * (sims + 1)) and 1 / (sims + 1) <= p <= 1


def test_municipality_scan_with_999_simulations_is_fast():
    """52 weeks, ~3 000 events, ~45 000 study-area cells, 999 simulations: well under a second (~0.05 s)."""
    rng = np.random.default_rng(1)
    cube = stationary_cube(rng, intensity(MASK, rng), 52)
    assert 2000 < cube.sum() < 4500
    space_time_scan(cube, MASK, simulations=999, seed=0)  # warm
    started = time.perf_counter()
    space_time_scan(cube, MASK, simulations=999, seed=1)
    assert time.perf_counter() - started < 1.0


# -- edge cases ------------------------------------------------------------------------------------------
def test_no_events():
    result = space_time_scan(np.zeros((10, 5, 5), dtype=int))
    assert result == ScanResult((), 0, 10, 0, enough_history=True)
    assert not alarm(result)


@pytest.mark.parametrize("week", [-1, 0, 4])
def test_all_events_in_one_week(week):
    """All in the current week: each place has exactly its expected count. All earlier: nothing recent."""
    cube = np.zeros((8, 6, 6), dtype=int)
    cube[week] = np.random.default_rng(0).poisson(2.0, (6, 6))
    result = space_time_scan(cube, simulations=SIMS, seed=0)
    assert result.clusters == () and not alarm(result)


@pytest.mark.parametrize("weeks", [0, 1, MIN_WEEKS - 1])
def test_too_little_history_makes_no_claim(weeks):
    cube = np.zeros((weeks, 5, 5), dtype=int)
    if weeks:
        cube[-1, 2, 2] = 50
    result = space_time_scan(cube, simulations=SIMS, seed=0)
    assert not result.enough_history and result.clusters == () and not alarm(result)
    assert result.weeks == weeks and result.events == (50 if weeks else 0)


def test_three_weeks_are_enough_to_scan():
    cube = np.ones((MIN_WEEKS, 9, 9), dtype=int)
    cube[-1, 4, 4] = 20
    result = space_time_scan(cube, simulations=SIMS, seed=0)
    assert result.enough_history and alarm(result) and (4, 4) in result.clusters[0]
    assert result.clusters[0].weeks == 1  # at most half of the weeks: one of three


@pytest.mark.parametrize("shape", [(1, 1), (7, 7)])
def test_a_study_area_of_one_cell_has_no_cluster(shape):
    """One place: its history and the week totals are the same thing, nothing can stand out."""
    cube = np.random.default_rng(1).poisson(3.0, (12, *shape))
    cube[-1] += 30
    mask = np.zeros(shape, dtype=bool)
    mask[0, 0] = True
    result = space_time_scan(cube, mask, simulations=SIMS, seed=0)
    assert result.clusters == () and not alarm(result) and result.events == cube[:, 0, 0].sum()


def test_a_single_event_is_never_a_cluster():
    cube = np.zeros((20, 30, 30), dtype=int)
    cube[:, 5, 5] = 3  # a steady place
    cube[-1, 20, 20] = 1  # a first event somewhere new
    assert space_time_scan(cube, simulations=SIMS, seed=0).clusters == ()
    cube[-1, 20, 20] = 3
    result = space_time_scan(cube, simulations=SIMS, seed=0, max_radius_cells=0)
    assert result.clusters[0].centre == (20, 20) and result.clusters[0].cells == ((20, 20),)


def test_events_outside_the_study_area_are_ignored():
    cube = np.ones((10, 8, 8), dtype=int)
    cube[-1, 0, 0] = 40
    mask = np.ones((8, 8), dtype=bool)
    mask[:2, :2] = False
    assert alarm(space_time_scan(cube, simulations=SIMS, seed=0))
    result = space_time_scan(cube, mask, simulations=SIMS, seed=0)
    assert not alarm(result) and result.events == 10 * 60


@pytest.mark.parametrize(
    ("cube", "mask", "kwargs", "message"),
    [
        (np.zeros((5, 4, 4)), np.ones((4, 5), dtype=bool), {}, r"mask has shape \(4, 5\), the cube's grid \(4, 4\)"),
        (-np.ones((5, 4, 4)), None, {}, "must not be negative"),
        (np.full((5, 4, 4), 0.5), None, {}, "whole numbers"),
        (np.full((5, 4, 4), np.nan), None, {}, "finite"),
        (np.zeros((4, 4)), None, {}, r"\(weeks, rows, cols\)"),
        (np.zeros((5, 4, 4), dtype=bool), None, {}, "event counts"),
        (np.zeros((5, 4, 4)), None, {"simulations": 0}, "simulations"),
        (np.zeros((5, 4, 4)), None, {"max_weeks": 0}, "max_weeks"),
        (np.zeros((5, 4, 4)), None, {"max_radius_cells": -1}, "max_radius_cells"),
        (np.zeros((5, 4, 4)), None, {"alpha": 1.5}, "alpha"),
    ],
)
def test_invalid_input_is_refused_with_a_clear_message(cube, mask, kwargs, message):
    with pytest.raises(ValueError, match=message):
        space_time_scan(cube, mask, **kwargs)
