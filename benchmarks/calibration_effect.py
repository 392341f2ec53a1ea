"""Calibration of a measure's effect verdict on seeded simulations with a known answer.

The new verdict (:mod:`trygg.analysis.effect`: the exact conditional difference-in-differences, quasi-Poisson
when the before period's weeks are overdispersed) against the old weighted displacement difference
(:func:`trygg.analysis.evaluation.weighted_displacement`), both on the same simulated measures in the same run:

* the old WDD as the product runs it by default: the buffer ring counted and the control reused as the
  buffer's control (``ΔT + ΔD − 2 ΔC``), and the old WDD on the treated area against the control only;
* the new verdict with the before period's weekly counts (as the product can pass them) and without them
  (the exact test alone).

Each simulated measure has 8–26 weeks before and as many after, 15–80 events a period in the treated area and
(independently) in the control area; the buffer has the treated area's rate. Scenarios without an effect:
Poisson weeks; each area's weekly rate multiplied by its own gamma factor of shape 1 or 2 (overdispersion;
the buffer has its own factor too); a gamma factor of shape 1 common to all areas; a common trend (every area
× 1.3 after) with a control three times as busy as the treated area. A verdict "decrease" or "increase" there
is false; at most 5 % should be. Power: the treated area's rate halved at 20 and at 80 events a period
(Poisson, the control as busy), found as "decrease".

    python benchmarks/calibration_effect.py [--reps 1000] [--seed 2026]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np

from _setup import table
from trygg.analysis.effect import treatment_effect
from trygg.analysis.evaluation import Counts, weighted_displacement

FALSE = ("decrease", "increase")


def simulate(rng, treated: float, control: float, weeks: int, shape: float | None = None, common: bool = False,
             effect: float = 1.0, trend: float = 1.0) -> dict:  # fmt: skip
    """One measure: weekly counts before and after in the treated area, the control and the buffer.

    ``treated``/``control`` are the mean events a period; ``shape`` a gamma factor per area and week (None:
    Poisson), ``common`` the same factor for all areas; ``effect`` multiplies the treated rate after and
    ``trend`` every rate after.
    """

    def factors() -> np.ndarray:
        return np.ones(weeks) if shape is None else rng.gamma(shape, 1.0 / shape, weeks)

    out = {}
    for period, scale in (("before", 1.0), ("after", trend)):
        shared = factors()
        for area, mean in (("treated", treated * (effect if period == "after" else 1.0)), ("control", control),
                           ("buffer", treated)):  # fmt: skip
            g = shared if common else factors()
            out[area, period] = rng.poisson(mean * scale / weeks * g)
    return out


def verdicts(m: dict) -> dict[str, str]:
    t0, t1, c0, c1, b0, b1 = (int(m[a, p].sum()) for a in ("treated", "control", "buffer") for p in ("before", "after"))
    return {
        "new": treatment_effect(t0, t1, c0, c1, treated_weeks=m["treated", "before"],
                                control_weeks=m["control", "before"]).verdict,
        "exact": treatment_effect(t0, t1, c0, c1).verdict,
        "old_buffer": weighted_displacement(Counts(t0, t1, c0, c1, b0, b1)).verdict,
        "old": weighted_displacement(Counts(t0, t1, c0, c1)).verdict,
    }  # fmt: skip


METHODS = ("new", "exact", "old_buffer", "old")


def scenarios() -> list[tuple[str, Callable, tuple[str, ...]]]:
    """``(label, generator, verdicts counted)``: false alarms count both directions, power only "decrease"."""

    def null(shape=None, common=False, busier=None, trend=1.0):
        def draw(rng):
            weeks = int(rng.integers(8, 27))
            treated = rng.uniform(15, 80)
            control = 3 * treated if busier else rng.uniform(15, 80)
            return simulate(rng, treated, control, weeks, shape, common, trend=trend)

        return draw

    def halving(mean):
        def draw(rng):
            return simulate(rng, mean, mean, int(rng.integers(8, 27)), effect=0.5)

        return draw

    return [
        ("no effect, Poisson (≤5 %)", null(), FALSE),
        ("no effect, gamma shape 1 per area and week (≤5 %)", null(shape=1.0), FALSE),
        ("no effect, gamma shape 2 per area and week (≤5 %)", null(shape=2.0), FALSE),
        ("no effect, gamma shape 1 common to the areas (≤5 %)", null(shape=1.0, common=True), FALSE),
        ("no effect, common trend ×1.3, control 3× busier (≤5 %)", null(busier=True, trend=1.3), FALSE),
        ("halving, 20 events a period (found)", halving(20.0), ("decrease",)),
        ("halving, 80 events a period (found)", halving(80.0), ("decrease",)),
    ]


def calibration_rows(reps: int, seed: int) -> list[list[object]]:
    """One row per scenario: the share of ``reps`` seeded measures with a false verdict (or the power)."""
    rows = []
    for i, (label, draw, counted) in enumerate(scenarios()):
        rng = np.random.default_rng([seed, i])
        hits = dict.fromkeys(METHODS, 0)
        for _ in range(reps):
            for method, verdict in verdicts(draw(rng)).items():
                hits[method] += verdict in counted
        rows.append([label, reps, *(f"{hits[m] / reps:.1%}" for m in METHODS)])
    return rows


HEADERS = ["scenario", "measures", "new (weekly history)", "new (no history: exact)",
           "old WDD, buffer + reused control", "old WDD, treated vs control"]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=1000, help="simulated measures per scenario")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    started = time.perf_counter()
    rows = calibration_rows(args.reps, args.seed)
    print(f"seed {args.seed}; {args.reps} measures per scenario; 8–26 weeks a period\n")
    print(table(HEADERS, rows))
    print(f"\n{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
