"""New hot spots: a prospective space–time permutation scan of the last week(s) of a grid (Kulldorff et al. 2005).

What a *ny het punkt* (new hot spot) means here. The study area is a set of grid cells (``mask``) and the data
are the weekly event counts of every cell, oldest week first, the last week being the current one. A new hot
spot is a place — a circle of cells — where the last week or weeks hold more events than two things together
predict: that place's own share of all events over the whole period (its history) and the whole map's volume
in those recent weeks. Under the null hypothesis place and time are independent: every event's week is as
likely to belong to any of its events' places as the week totals allow. An excess in one place only, now, is
the space–time interaction the scan looks for; a place that is always busy is not new, and a week that is busy
everywhere is not a hot spot anywhere.

The scan (Kulldorff, Heffernan, Hartman, Assunção & Mostashari 2005). The windows are cylinders: a circle of the
cells whose centres lie within ``k`` cells of a centre cell (``k = 0 … max_radius_cells``) over the last ``d``
weeks (``d = 1 … max_weeks``, the cylinders all end in the current week: prospective surveillance). With ``N``
events in all, ``n_z`` in the circle over all weeks and ``n_d`` in the last ``d`` weeks over all cells, the
expected count of the cylinder is ``μ = n_z · n_d / N`` and its observed count ``c``. The statistic of a window
is the Poisson generalised likelihood ratio of an excess::

    LLR = c · ln(c / μ) + (N − c) · ln((N − c) / (N − μ))   when c > μ and c ≥ min_events, else 0

The most likely cluster is the window of the largest LLR. Its p-value comes from Monte Carlo: the week labels
of the ``N`` events are permuted among them (each cell keeps its total, each week its total), the whole scan is
repeated on each of the ``simulations`` data sets and ``p = (1 + #{simulated max LLR ≥ observed}) / (1 +
simulations)``. Because the statistic is the maximum over all windows, the multiple testing of every place,
radius and duration is built in: under the null the chance that the map shows any cluster with ``p ≤ α`` is at
most ``α``. Secondary clusters — windows sharing no cell with a cluster already reported, taken in order of
their LLR — get their p-values from the same distribution of the maximum (SaTScan's practice; conservative).

A cluster needs at least ``min_events`` (3) events, so a single event, however unusual its place, is never a
new hot spot. Durations are at most half of the weeks (SaTScan's default of 50 %) so that a baseline remains.

What it does not flag. Conditioning on the week totals means that a source that goes silent, a holiday week,
the season or a week of twice the usual volume — any change that multiplies every cell alike — creates no
cluster: the recent weeks are compared place against place. The same conditioning is the method's limit: a
place with a season of its own (a beach in July) looks new when its season starts, and a venue that opens in
a week when the rest of the map is unusually quiet is judged against that quiet week's small total.

Prospective use. Run each week, a test at ``α = 0.05`` gives on average one false alarm in 20 weeks (the
recurrence interval ``1/p`` of Kulldorff et al. 2005, in weeks); ``α = 1/52`` gives one a year.

Sequential Monte Carlo (Besag & Clifford 1991). The simulations run in batches of 100 and stop as soon as
``h = ⌈α (simulations + 1)⌉`` of their maxima have reached the observed one: the p-value of all the simulations
could then no longer come out at or below ``α``, so the verdict is the same, and the p-value reported is
Besag and Clifford's ``h / l`` after ``l`` simulations. A quiet week, the usual case, is decided after one or
two hundred simulations instead of 999; a week with a cluster runs them all.

Only cells with at least one event take part (a circle's empty cells change neither ``c`` nor ``μ``) and only
those cells are centres, a set that the permutation does not change; identical windows are scanned once. The
permutation moves only the events of the recent weeks, drawn without replacement from all events, and the
window counts of all simulations are one sparse product. A 52-week cube of ~2 500–3 200 events on ~45 000
study-area cells with 999 simulations takes 0.04–0.07 s on two cores, ~20 000 events on ~7 000 cells with
events ~0.5 s (``benchmarks/calibration_spacetime.py`` prints the time).

References
----------
* Kulldorff, M., Heffernan, R., Hartman, J., Assunção, R. & Mostashari, F. (2005). A space–time permutation
  scan statistic for disease outbreak detection. PLoS Medicine 2(3), e59.
* Besag, J. & Clifford, P. (1991). Sequential Monte Carlo p-values. Biometrika 78(2), 301–304.
* Kulldorff, M. (2001). Prospective time periodic geographical disease surveillance using a scan statistic.
  JRSS A 164(1), 61–72.
* Kulldorff, M. (1997). A spatial scan statistic. Communications in Statistics — Theory and Methods 26(6),
  1481–1496.
* Kulldorff, M. SaTScan User Guide (secondary clusters, maximum temporal cluster size).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.spatial import cKDTree
from scipy.special import xlogy

DEFAULT_ALPHA = 0.05
MIN_WEEKS = 3  # fewer weeks are not enough history to call anything new
MIN_CLUSTER_EVENTS = 3  # a cluster holds at least this many events: a single event is never a new hot spot
_HASH_SEED = 20050301  # fixed: the identity of windows, not the simulations (PLoS Med 2(3), March 2005)


@dataclass(frozen=True)
class Cluster:
    """A cylinder: the study-area cells within ``radius_cells`` of ``centre``, over the last ``weeks`` weeks."""

    centre: tuple[int, int]  # (row, col)
    cells: tuple[tuple[int, int], ...]  # the study-area cells of the circle, row-major
    radius_cells: int
    weeks: int  # duration: the last ``weeks`` weeks, ending in the current one
    first_week: int  # index of its first week in the cube
    observed: int
    expected: float
    relative_risk: float  # observed / expected (SaTScan's "observed / expected" of this model)
    llr: float
    p_value: float

    def __contains__(self, cell: object) -> bool:
        """``(row, col) in cluster``: whether the cell lies in the cluster's circle."""
        return isinstance(cell, tuple | list) and tuple(int(v) for v in cell) in self.cells


@dataclass(frozen=True)
class ScanResult:
    """The clusters, most likely first, then secondary ones with ``p ≤ alpha`` (none when nothing qualifies)."""

    clusters: tuple[Cluster, ...]
    simulations: int  # simulations run (0 when no window had an excess; fewer than asked when stopped early)
    weeks: int  # weeks in the cube
    events: int  # events in the study area
    enough_history: bool  # False with fewer than MIN_WEEKS weeks: no claim either way
    windows: int = 0  # distinct cylinders scanned

    @property
    def most_likely(self) -> Cluster | None:
        return self.clusters[0] if self.clusters else None


def alarm(result: ScanResult, alpha: float = DEFAULT_ALPHA) -> bool:
    """Whether the scan shows a new hot spot: the most likely cluster has ``p ≤ alpha``."""
    return bool(result.enough_history and result.clusters and result.clusters[0].p_value <= alpha)


def space_time_scan(
    cube: np.ndarray,
    mask: np.ndarray | None = None,
    *,
    max_radius_cells: int = 3,
    max_weeks: int = 2,
    simulations: int = 999,
    seed: int | None = None,
    alpha: float = DEFAULT_ALPHA,
    min_events: int = MIN_CLUSTER_EVENTS,
    max_clusters: int = 10,
    sequential: bool = True,
) -> ScanResult:
    """The prospective space–time permutation scan of the last ``1 … max_weeks`` weeks (module docstring).

    ``cube`` is (weeks, rows, cols) event counts, oldest week first; ``mask`` the study-area cells (all when
    omitted; events outside it are ignored). Circles hold the cells within ``max_radius_cells`` cells (centre
    to centre; 3 on a 100 m grid: 300 m). The most likely cluster is reported whatever its p-value; secondary
    clusters only when ``p ≤ alpha``, at most ``max_clusters`` in all. ``sequential`` stops the simulations
    early once the verdict at ``alpha`` is settled (module docstring); ``False`` always runs them all.
    """
    counts = _counts(cube)
    weeks = counts.shape[0]
    inside = _mask(counts.shape[1:], mask)
    _check(max_radius_cells, max_weeks, simulations, alpha, min_events, max_clusters)
    y = counts[:, inside]  # (weeks, study-area cells), row-major
    events = int(y.sum())
    if weeks < MIN_WEEKS:
        return ScanResult((), 0, weeks, events, enough_history=False)
    totals = y.sum(axis=0)
    active = np.flatnonzero(totals)
    if events == 0:
        return ScanResult((), 0, weeks, 0, enough_history=True)
    rows, cols = np.nonzero(inside)
    coords = np.column_stack([rows[active], cols[active]])
    y = y[:, active]
    cell_total = totals[active]
    durations = min(max_weeks, weeks // 2)
    recent = np.cumsum(y[::-1][:durations], axis=0)  # (durations, cells): events in the last d weeks
    recent_total = recent.sum(axis=1)

    centre, radius, incidence, in_circle = _windows(coords, cell_total, max_radius_cells, min_events)
    if not centre.size:
        return ScanResult((), 0, weeks, events, enough_history=True)
    expected = in_circle[:, None] * recent_total[None, :] / events  # (windows, durations)
    observed = np.asarray(incidence @ recent.T)  # (windows, durations)
    llr = _llr(observed, expected, events, min_events)
    if not (llr > 0).any():
        return ScanResult((), 0, weeks, events, enough_history=True, windows=centre.size)

    # Besag & Clifford (1991): stop once the maximum of so many simulated data sets reaches the observed one
    # that the p-value cannot come out at or below alpha; the verdict is that of all the simulations
    enough = int(np.ceil(alpha * (simulations + 1)))
    null_max = _simulate(incidence, cell_total, recent_total, expected, events, min_events, simulations, seed,
                         stop_at=(float(llr.max()) * (1 - 1e-12), enough) if sequential else None)  # fmt: skip
    run = null_max.size

    def p_value(value: float) -> float:
        exceed = int(np.count_nonzero(null_max >= value * (1 - 1e-12)))
        return (1 + exceed) / (run + 1) if run == simulations else exceed / run

    found: list[Cluster] = []
    taken: set[tuple[int, int]] = set()
    w_idx, d_idx = np.nonzero(llr > 0)
    order = np.lexsort((radius[w_idx], d_idx, -llr[w_idx, d_idx]))  # largest LLR, then shorter, then smaller
    for w, d in zip(w_idx[order], d_idx[order], strict=True):
        p = p_value(float(llr[w, d]))
        if found and p > alpha:
            break
        r, c = (int(v) for v in coords[centre[w]])
        cells = _circle_cells(inside, r, c, int(radius[w]))
        if taken.intersection(cells):
            continue
        taken.update(cells)
        found.append(
            Cluster(
                centre=(r, c), cells=cells, radius_cells=int(radius[w]), weeks=int(d) + 1,
                first_week=weeks - int(d) - 1, observed=int(observed[w, d]), expected=float(expected[w, d]),
                relative_risk=float(observed[w, d] / expected[w, d]), llr=float(llr[w, d]), p_value=p,
            )
        )  # fmt: skip
        if len(found) >= max_clusters:
            break
    return ScanResult(tuple(found), run, weeks, events, enough_history=True, windows=centre.size)


# -- parts -----------------------------------------------------------------------------------------------
def _counts(cube: np.ndarray) -> np.ndarray:
    a = np.asarray(cube)
    if a.ndim != 3:
        raise ValueError(f"the cube must be (weeks, rows, cols); it has {a.ndim} dimension(s)")
    if a.dtype == bool or not np.issubdtype(a.dtype, np.number):
        raise ValueError(f"the cube must hold event counts (integers), not {a.dtype}")
    if a.size and not np.isfinite(a).all():
        raise ValueError("the cube's counts must be finite")
    if a.size and (a < 0).any():
        raise ValueError("the cube's counts must not be negative")
    if a.size and not np.array_equal(a, np.rint(a)):
        raise ValueError("the cube's counts must be whole numbers")
    return a.astype(np.int64, copy=False)


def _mask(shape: tuple[int, ...], mask: np.ndarray | None) -> np.ndarray:
    if mask is None:
        return np.ones(shape, dtype=bool)
    m = np.asarray(mask)
    if m.shape != shape:
        raise ValueError(f"the study-area mask has shape {m.shape}, the cube's grid {shape}")
    return m.astype(bool)


def _check(max_radius: int, max_weeks: int, simulations: int, alpha: float, min_events: int, max_clusters: int) -> None:
    if int(max_radius) != max_radius or max_radius < 0:
        raise ValueError("max_radius_cells must be a whole number ≥ 0")
    if int(max_weeks) != max_weeks or max_weeks < 1:
        raise ValueError("max_weeks must be a whole number ≥ 1")
    if int(simulations) != simulations or simulations < 1:
        raise ValueError("simulations must be a whole number ≥ 1 (999 is usual)")
    if not 0 < alpha < 1:
        raise ValueError("alpha must lie between 0 and 1")
    if min_events < 1:
        raise ValueError("min_events must be at least 1")
    if max_clusters < 1:
        raise ValueError("max_clusters must be at least 1")


def _windows(
    coords: np.ndarray, cell_total: np.ndarray, max_radius: int, min_events: int
) -> tuple[np.ndarray, np.ndarray, sparse.csr_matrix, np.ndarray]:
    """The distinct circles over the cells with events: (centre index, radius, incidence windows × cells,
    events in the circle). A circle of radius ``k`` is kept only where a cell first enters at distance ``k``
    (else it equals the smaller one); identical cell sets around different centres are kept once; circles
    with fewer than ``min_events`` events over all weeks can never be a cluster and are left out."""
    tree = cKDTree(coords)
    neighbours = tree.query_ball_point(coords, r=max_radius + 1e-6)
    lengths = np.fromiter((len(n) for n in neighbours), dtype=np.int64, count=len(neighbours))
    owner = np.repeat(np.arange(coords.shape[0]), lengths)
    member = np.concatenate([np.asarray(n, dtype=np.int64) for n in neighbours])
    d2 = ((coords[member] - coords[owner]) ** 2).sum(axis=1)
    ring = np.ceil(np.sqrt(d2) - 1e-9).astype(np.int64)  # the smallest whole radius that holds the cell
    order = np.lexsort((member, ring, owner))
    owner, member, ring = owner[order], member[order], ring[order]
    # a window ends where the next entry has another owner or a larger ring
    last = np.ones(owner.size, dtype=bool)
    last[:-1] = (owner[1:] != owner[:-1]) | (ring[1:] != ring[:-1])
    ends = np.flatnonzero(last) + 1  # exclusive end in the sorted entries
    starts_of_owner = np.concatenate([[0], np.cumsum(lengths)])[:-1]
    starts = starts_of_owner[owner[ends - 1]]
    cum_total = np.concatenate([[0], np.cumsum(cell_total[member])])
    in_circle = cum_total[ends] - cum_total[starts]
    hashes = np.random.default_rng(_HASH_SEED).integers(0, 2**63, size=(2, coords.shape[0]), dtype=np.uint64)
    keys = [np.concatenate([[np.uint64(0)], np.cumsum(h[member], dtype=np.uint64)]) for h in hashes]
    signature = np.column_stack([in_circle.astype(np.uint64), *(k[ends] - k[starts] for k in keys)])
    _, first = np.unique(signature, axis=0, return_index=True)
    keep = np.sort(first[in_circle[first] >= min_events])
    starts, ends = starts[keep], ends[keep]
    sizes = ends - starts
    indptr = np.concatenate([[0], np.cumsum(sizes)])
    flat = np.arange(indptr[-1]) - np.repeat(indptr[:-1] - starts, sizes)  # ragged ranges starts[j] … ends[j]
    incidence = sparse.csr_matrix(
        (np.ones(flat.size, dtype=np.float64), member[flat], indptr), shape=(keep.size, coords.shape[0])
    )
    return owner[ends - 1], ring[ends - 1], incidence, in_circle[keep].astype(np.float64)


def _llr(observed: np.ndarray, expected: np.ndarray, total: int, min_events: int) -> np.ndarray:
    """Poisson log generalised likelihood ratio of an excess (0 where ``c ≤ μ`` or ``c < min_events``)."""
    c = np.asarray(observed, dtype=np.float64)
    mu = np.asarray(expected, dtype=np.float64)
    out = np.zeros(np.broadcast(c, mu).shape)
    excess = (c > mu) & (c >= min_events)
    if excess.any():
        cc, mm = np.broadcast_to(c, out.shape)[excess], np.broadcast_to(mu, out.shape)[excess]
        out[excess] = xlogy(cc, cc / mm) + xlogy(total - cc, (total - cc) / (total - mm))
    return out


def _simulate(
    incidence: sparse.csr_matrix,
    cell_total: np.ndarray,
    recent_total: np.ndarray,
    expected: np.ndarray,
    total: int,
    min_events: int,
    simulations: int,
    seed: int | None,
    stop_at: tuple[float, int] | None = None,
    batch: int = 100,
) -> np.ndarray:
    """The maximum LLR of each data set with the week labels of the events permuted.

    A permutation of the labels gives the recent weeks a random ordered sample without replacement of the
    events: its first ``n_1`` fall in the last week, the first ``n_2`` in the last two, and so on.
    With ``stop_at = (observed, h)`` the simulations run in batches and end after the batch in which ``h`` of
    them reached ``observed`` (Besag & Clifford 1991); the maxima of the simulations run are returned.
    """
    rng = np.random.default_rng(seed)
    cells = incidence.shape[1]
    event_cell = np.repeat(np.arange(cells), cell_total)
    n_recent = int(recent_total[-1])
    if n_recent == 0:
        return np.zeros(simulations)
    by_cell = incidence.T.tocsr()  # (cells, windows)
    maxima: list[np.ndarray] = []
    done = exceeded = 0
    while done < simulations:
        size = min(batch, simulations - done)
        drawn = np.empty((size, n_recent), dtype=np.int64)
        for s in range(size):
            drawn[s] = rng.choice(total, n_recent, replace=False)
        drawn = event_cell[drawn]
        null_max = np.zeros(size)
        for d, n_d in enumerate(recent_total):
            n_d = int(n_d)
            if n_d == 0:
                continue
            # one row per simulation, built directly (a cell drawn twice is summed by the product)
            x = sparse.csr_matrix(
                (np.ones(size * n_d), np.ascontiguousarray(drawn[:, :n_d]).ravel(),
                 np.arange(0, size * n_d + 1, n_d)),
                shape=(size, cells),
            )  # fmt: skip
            counts = (x @ by_cell).tocoo()  # simulations × windows
            hit = counts.data >= min_events
            s, w, c = counts.row[hit], counts.col[hit], counts.data[hit]
            np.maximum.at(null_max, s, _llr(c, expected[w, d], total, min_events))
        maxima.append(null_max)
        done += size
        if stop_at is not None:
            exceeded += int(np.count_nonzero(null_max >= stop_at[0]))
            if exceeded >= stop_at[1]:
                break
    return np.concatenate(maxima)


def _circle_cells(inside: np.ndarray, row: int, col: int, radius: int) -> tuple[tuple[int, int], ...]:
    """The study-area cells whose centres lie within ``radius`` cells of (row, col), row-major."""
    dr, dc = np.mgrid[-radius : radius + 1, -radius : radius + 1]
    near = dr**2 + dc**2 <= radius**2
    r, c = row + dr[near], col + dc[near]
    ok = (r >= 0) & (r < inside.shape[0]) & (c >= 0) & (c < inside.shape[1])
    r, c = r[ok], c[ok]
    ok = inside[r, c]
    return tuple((int(a), int(b)) for a, b in zip(r[ok], c[ok], strict=True))
