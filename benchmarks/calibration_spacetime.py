"""Calibration of the new-hot-spot scan (``trygg.analysis.spacetime``) against the old naive comparison.

Simulated towns on a municipality-sized study area (an irregular polygon of ~45 000 cells of 100 m): ~60
events a week, 85 % of them in ~300 busy cells around a few town centres, 15 % spread over the whole area;
each week's volume is multiplied by a gamma factor of shape 2 (overdispersion) and a ±30 % season; 26–52 weeks
of history. On the same maps:

* the new scan: the prospective space–time permutation scan, 999 simulations, an alarm when the most likely
  cluster has p ≤ 0.05; a venue is found when a significant cluster holds its cell;
* the old procedure: ``hotspot_test(counts, mask).hot(95)`` on the last 4 weeks' summed counts against the same
  on the 4 weeks before; it claims a new hot spot when any cell is hot now and not before, and finds a venue
  when such a cell lies within one cell of it (its 3×3 window holds the venue).

Scenarios: stationary maps; a source that goes silent in the last week (all counts × 0.1); a week of twice the
volume everywhere; a new venue of +4 or +8 events a week (Poisson) in one cell drawn from the background
intensity, from the current week on — looked at in its first week and again one week later.

    python benchmarks/calibration_spacetime.py [--reps 100] [--seed 2026]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from _setup import table  # puts src/ and the repository on the path

# isort: split
from tests.analysis.spacetime_maps import intensity, municipality_mask, stationary_cube

from trygg.analysis.hotspots import hotspot_test
from trygg.analysis.spacetime import alarm, space_time_scan

SIMULATIONS = 999
SCENARIOS = (  # (name, factor of the last week everywhere, venue's events a week)
    ("stationary (≤5 %)", 1.0, 0),
    ("source silent in the last week, × 0.1 (≤5 %)", 0.1, 0),
    ("volume doubled in the last week (≤5 %)", 2.0, 0),
    ("new venue +4 a week in one cell (found)", 1.0, 4),
    ("new venue +8 a week in one cell (found)", 1.0, 8),
)


# -- the two procedures -----------------------------------------------------------------------------------
def old_new_cells(cube: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The old comparison: cells hot (95 %) on the last 4 weeks' counts and not hot on the 4 weeks before."""
    now = hotspot_test(cube[-4:].sum(axis=0), mask).hot(95)
    before = hotspot_test(cube[-8:-4].sum(axis=0), mask).hot(95)
    return now & ~before


def new_found(cube: np.ndarray, mask: np.ndarray, seed: int, cell: tuple[int, int] | None) -> bool:
    result = space_time_scan(cube, mask, simulations=SIMULATIONS, seed=seed)
    if cell is None:
        return alarm(result)
    return any(cell in cluster for cluster in result.clusters if cluster.p_value <= 0.05)


def old_found(cube: np.ndarray, mask: np.ndarray, cell: tuple[int, int] | None) -> tuple[bool, int]:
    new = old_new_cells(cube, mask)
    if cell is None:
        return bool(new.any()), int(new.sum())
    r, c = cell
    return bool(new[max(0, r - 1) : r + 2, max(0, c - 1) : c + 2].any()), int(new.sum())


def calibration_rows(reps: int, seed: int) -> list[list]:
    """One row per scenario: [scenario, maps, new: week 1, new: within 2 weeks, old: week 1, old: within 2
    weeks, old: mean new cells claimed in week 1]. Null scenarios have one look (the '2 weeks' cells are '–')."""
    mask = municipality_mask()
    rows = []
    for k, (name, last, venue) in enumerate(SCENARIOS):
        rng = np.random.default_rng([seed, k])
        new1 = new2 = old1 = old2 = cells = 0
        for i in range(reps):
            lam = intensity(mask, rng)
            weeks = int(rng.integers(26, 53))
            if not venue:
                cube = stationary_cube(rng, lam, weeks, last=last)
                new1 += new_found(cube, mask, i, None)
                hit, n = old_found(cube, mask, None)
                old1 += hit
                cells += n
                continue
            cube = stationary_cube(rng, lam, weeks + 1)
            cell = divmod(int(rng.choice(lam.size, p=lam.ravel() / lam.sum())), lam.shape[1])
            cube[-2:, cell[0], cell[1]] += rng.poisson(venue, 2)
            first = new_found(cube[:-1], mask, i, cell)
            new1 += first
            new2 += first or new_found(cube, mask, i, cell)
            hit, n = old_found(cube[:-1], mask, cell)
            old1 += hit
            cells += n
            old2 += hit or old_found(cube, mask, cell)[0]
        share = lambda x: f"{x / reps:.0%}"  # noqa: E731
        rows.append([name, reps, share(new1), share(new2) if venue else "–", share(old1),
                     share(old2) if venue else "–", f"{cells / reps:.1f}"])  # fmt: skip
    return rows


def timing(seed: int, runs: int = 5) -> tuple[int, int, float]:
    """Events, study-area cells and the median seconds of one scan of a 52-week cube with 999 simulations."""
    mask = municipality_mask()
    rng = np.random.default_rng(seed)
    cube = stationary_cube(rng, intensity(mask, rng), 52)
    space_time_scan(cube, mask, simulations=SIMULATIONS, seed=0)
    seconds = []
    for i in range(runs):
        started = time.perf_counter()
        space_time_scan(cube, mask, simulations=SIMULATIONS, seed=i)
        seconds.append(time.perf_counter() - started)
    return int(cube.sum()), int(mask.sum()), float(np.median(seconds))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=100, help="maps per scenario")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    events, cells, seconds = timing(args.seed)
    print(f"seed {args.seed}; {args.reps} maps per scenario; {SIMULATIONS} simulations")
    print(f"one scan: 52 weeks, {events} events, {cells} study-area cells: {seconds:.3f} s\n")
    started = time.perf_counter()
    rows = calibration_rows(args.reps, args.seed)
    print("New hot spots: share of maps with an alarm (null scenarios) or with the venue found")
    print(
        table(
            ["scenario", "maps", "new scan: week 1", "new scan: ≤ 2 weeks", "old: week 1", "old: ≤ 2 weeks",
             "old: new cells claimed"],
            rows,
        )
    )  # fmt: skip
    print(f"\n{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
