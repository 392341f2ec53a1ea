"""Emerging hot spot analysis: the hot-spot test in every time slice, and the trend of each cell's intensity.

Each slice is tested with :func:`trygg.analysis.hotspots.hotspot_test` (exact window tests, Tarone–BH at the
default level) over the same study area; the intensity whose trend is tested is the cell's Gi* z-score,
with the Mann–Kendall test as in ESRI's Emerging Hot Spot Analysis. A cell is classified by ESRI's rules
(ArcGIS Pro, "How Emerging Hot Spot Analysis works"), for hot spots and, mirrored, for cold spots:

* ``new`` — hot in the final slice and never before;
* ``consecutive`` — an unbroken run of at least two hot slices at the end, never hot before the run, hot
  in less than 90 % of the slices;
* ``intensifying`` / ``diminishing`` — hot in at least 90 % of the slices including the final one, and the
  intensity rising / falling significantly (Mann–Kendall, 5 %);
* ``persistent`` — hot in at least 90 % of the slices including the final one, no significant trend;
* ``historical`` — hot in at least 90 % of the slices but not in the final one;
* ``oscillating`` — hot in the final slice, a cold spot in some earlier slice, hot in less than 90 %;
* ``sporadic`` — on and off hot, in less than 90 % of the slices, never cold;
* ``none`` — no pattern.

Classes that claim a change — new, consecutive, oscillating (a rise at the end), historical (an end),
intensifying and diminishing (a trend) — are kept only where a test of that change survives the
Benjamini–Hochberg correction over every cell with events (:func:`confirm_changes`): for a rise or an end, the
cell's 3×3 window count in the final slices against its own total, binomial with the final slices' share of
all events (the space–time interaction of one window, conditional on the window's and the slices' totals);
for a trend, the Mann–Kendall p-value. Per slice, the hot-spot test is calibrated for one map; over twelve
slices and thousands of cells, chance alone marks a few cells new or ended on every stationary map, and
without this step the annual report named them. An unconfirmed change is shown as what remains true: a rise
or an oscillation as sporadic, an end or a trend as persistent.

A trend test over few values cannot reach significance (Mann–Kendall on 4 values has p ≥ 0.083), so the
analysis needs at least ``MIN_SLICES`` = 10 slices, the minimum ESRI requires; with fewer it raises
``TooFewSlices`` and the report says so.

References
----------
* ESRI. How Emerging Hot Spot Analysis works. ArcGIS Pro tool reference, Space Time Pattern Mining.
* Harris, N. L. et al. (2017). Using spatial statistics to identify emerging hot spots of forest loss.
  Environmental Research Letters 12, 024012.
* Mann, H. B. (1945). Nonparametric tests against trend. Econometrica 13, 245–259.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from trygg.analysis.hotspots import hotspot_test, window_sum
from trygg.analysis.temporal import mann_kendall

MIN_SLICES = 10
CHANGE_ALPHA = 0.05  # false discovery rate of the changes the classes claim
RISING = {"new", "consecutive", "oscillating"}
ENDED = {"historical"}
TRENDING = {"intensifying", "diminishing"}
UNCONFIRMED = {"new": "sporadic", "consecutive": "sporadic", "oscillating": "sporadic", "historical": "persistent",
               "intensifying": "persistent", "diminishing": "persistent"}  # fmt: skip
PATTERNS = ("new", "consecutive", "intensifying", "persistent", "diminishing", "sporadic", "oscillating", "historical")
CATEGORIES = (*(f"{p}_hot" for p in PATTERNS), *(f"{p}_cold" for p in PATTERNS), "none")


class TooFewSlices(ValueError):
    pass


@dataclass
class EmergingResult:
    categories: np.ndarray  # (nrows, ncols) of category names, e.g. 'new_hot', 'persistent_cold', 'none'
    hot: np.ndarray  # (slices, nrows, ncols) booleans
    cold: np.ndarray
    z: np.ndarray  # (slices, nrows, ncols)
    trend_tau: np.ndarray  # (nrows, ncols)
    trend_p: np.ndarray
    change_q: np.ndarray | None = None  # BH-adjusted p of the change each cell's class claims (1 where none)


def emerging_hotspots(
    cube: np.ndarray, mask: np.ndarray | None = None, progress=None, test_cold: bool = True
) -> EmergingResult:
    """``cube`` is (slices, nrows, ncols) counts with at least ``MIN_SLICES`` slices; ``mask`` the study area;
    ``test_cold=False`` tests hot spots only (see :func:`trygg.analysis.hotspots.hotspot_test`).

    ``progress`` (optional) is called with a fraction 0…1 after each slice.
    """
    cube = np.asarray(cube, float)
    if cube.ndim != 3:
        raise ValueError("need a (slices, rows, cols) cube")
    slices = cube.shape[0]
    if slices < MIN_SLICES:
        raise TooFewSlices(f"{slices} time slices; the trend needs at least {MIN_SLICES}")
    z = np.empty_like(cube)
    hot = np.zeros(cube.shape, dtype=bool)
    cold = np.zeros(cube.shape, dtype=bool)
    for t in range(slices):
        result = hotspot_test(cube[t], mask, cold=test_cold)
        z[t] = result.z
        hot[t] = result.hot(95)
        cold[t] = result.cold(95)
        if progress:
            progress((t + 1) / (slices + 1))
    nrows, ncols = cube.shape[1:]
    tau = np.zeros((nrows, ncols))
    p = np.ones((nrows, ncols))
    categories = np.full((nrows, ncols), "none", dtype=object)
    for r, c in zip(*np.nonzero(hot.any(axis=0) | cold.any(axis=0)), strict=True):
        mk = mann_kendall(z[:, r, c])
        tau[r, c], p[r, c] = mk.tau, mk.p_value
        categories[r, c] = classify(hot[:, r, c], cold[:, r, c], mk.trend)
    categories, change_q = confirm_changes(cube, mask, categories, hot, cold, p)
    if progress:
        progress(1.0)
    return EmergingResult(categories=categories, hot=hot, cold=cold, z=z, trend_tau=tau, trend_p=p, change_q=change_q)


def _tail_of_run(on: np.ndarray) -> int:
    """How many slices at the end are in ``on`` (at least one: the final slice)."""
    off = np.flatnonzero(~on)
    return max(1, on.size - int(off[-1]) - 1) if off.size else on.size


def confirm_changes(cube: np.ndarray, mask: np.ndarray | None, categories: np.ndarray, hot: np.ndarray,
                    cold: np.ndarray, trend_p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Keep a class's claim of change only where its test survives BH over every cell with events (module
    docstring); returns the categories, relabelled where a change is not confirmed, and the q-values."""
    inside = np.ones(cube.shape[1:], bool) if mask is None else np.asarray(mask, bool)
    windows = np.stack([window_sum(np.where(inside, s, 0.0)) for s in cube])  # (slices, rows, cols)
    per_slice = np.array([float(np.where(inside, s, 0.0).sum()) for s in cube])
    grand = per_slice.sum()
    totals = windows.sum(axis=0)
    cells = np.argwhere(inside & (totals > 0))
    p_change = {}
    for r, c in cells:
        label = str(categories[r, c])
        pattern, _, kind = label.rpartition("_")
        if pattern not in UNCONFIRMED:
            p_change[(r, c)] = 1.0
            continue
        if pattern in TRENDING:
            p_change[(r, c)] = float(trend_p[r, c])
            continue
        on = hot[:, r, c] if kind == "hot" else cold[:, r, c]
        recent = _tail_of_run(on) if pattern in RISING else 1
        x = round(float(windows[-recent:, r, c].sum()))
        n = round(float(totals[r, c]))
        share = min(max(per_slice[-recent:].sum() / grand, 1e-12), 1 - 1e-12) if grand else 0.5
        rise = (pattern in RISING) == (kind == "hot")  # a cold spot's "new" is a fall, its "historical" a rise
        p_change[(r, c)] = float(stats.binom.sf(x - 1, n, share) if rise else stats.binom.cdf(x, n, share))
    q = np.ones(cube.shape[1:])
    if p_change:
        keys = list(p_change)
        adjusted = stats.false_discovery_control([p_change[k] for k in keys], method="bh")
        for (r, c), value in zip(keys, adjusted, strict=True):
            q[r, c] = value
    out = categories.copy()
    for r, c in zip(*np.nonzero(categories != "none"), strict=True):
        pattern, _, kind = str(categories[r, c]).rpartition("_")
        if pattern in UNCONFIRMED and q[r, c] > CHANGE_ALPHA:
            out[r, c] = f"{UNCONFIRMED[pattern]}_{kind}"
    return out, q


def classify(hot: np.ndarray, cold: np.ndarray, trend: str) -> str:
    """ESRI's category of one cell from its hot and cold slices and the trend of its intensity.

    A cell that was both hot and cold is classified by its final state (hot or cold) when it has one, else by
    whichever it was more often; ``trend`` is 'increasing', 'decreasing' or 'none'.
    """
    hot = np.asarray(hot, bool)
    cold = np.asarray(cold, bool)
    if hot[-1] or (not cold[-1] and hot.sum() >= cold.sum() and hot.any()):
        pattern = _pattern(hot, cold, trend == "increasing", trend == "decreasing")
        return f"{pattern}_hot" if pattern else "none"
    if cold.any():
        pattern = _pattern(cold, hot, trend == "decreasing", trend == "increasing")
        return f"{pattern}_cold" if pattern else "none"
    return "none"


def _pattern(on: np.ndarray, opposite: np.ndarray, intensifying: bool, diminishing: bool) -> str | None:
    """The pattern of ``on`` (hot, or cold mirrored); ``opposite`` is the other kind of spot."""
    n = on.size
    final = bool(on[-1])
    share = on.sum() / n
    if share >= 0.9:
        if not final:
            return "historical"
        if intensifying:
            return "intensifying"
        if diminishing:
            return "diminishing"
        return "persistent"
    if final and opposite[:-1].any():
        return "oscillating"
    if final and on.sum() == 1:
        return "new"
    if final:
        off = np.flatnonzero(~on)
        run = n - int(off[-1]) - 1
        if run >= 2 and not on[: n - run].any():
            return "consecutive"
    if on.any() and not opposite.any():
        return "sporadic"
    return None
