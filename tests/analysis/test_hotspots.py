"""Hot spots: Gi* z equals PySAL esda; the exact window test is calibrated on noise, finds planted clusters and
never calls a lone event a hot spot; Tarone's family and BH are right on hand-worked examples."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from libpysal.weights import W, lat2W

from tests.analysis import uk_burglaries
from trygg.analysis.grid import bin_counts, grid_covering
from trygg.analysis.hotspots import (
    classify,
    fdr,
    gi_star_fdr,
    gi_star_z,
    hotspot_test,
    peaks,
    pseudo_p,
    tarone_family,
    window_neighbours,
)

warnings.filterwarnings("ignore", category=FutureWarning)


def esda_g_local(y: np.ndarray, permutations: int = 0, seed: int = 0, w=None):
    from esda.getisord import G_Local

    w = w or lat2W(y.shape[0], y.shape[1], rook=False)
    return G_Local(y.ravel().astype(float), w, transform="B", star=True, permutations=permutations, seed=seed)


def uk_burglary_lattice(shared_data, cell: float = 500.0) -> np.ndarray:
    x, y = uk_burglaries.projected(shared_data)
    return bin_counts(grid_covering(x, y, cell, crs="EPSG:27700"), x, y)


def scatter(shape, n, rng) -> np.ndarray:
    """``n`` events spread at random over the cells of ``shape`` (the null hypothesis)."""
    counts = np.zeros(shape)
    np.add.at(counts.ravel(), rng.integers(0, counts.size, n), 1)
    return counts


def municipality_mask(shape) -> np.ndarray:
    """An irregular study area inside the rectangle: an ellipse with a lake cut out."""
    r, c = np.mgrid[: shape[0], : shape[1]]
    ellipse = ((r - shape[0] / 2) / (shape[0] / 2)) ** 2 + ((c - shape[1] / 2) / (shape[1] / 2)) ** 2 <= 1
    lake = ((r - shape[0] * 0.3) ** 2 + (c - shape[1] * 0.6) ** 2) <= (shape[0] / 8) ** 2
    return ellipse & ~lake


# -- Gi* z ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(1, 5), (3, 3), (7, 11), (40, 25)])
def test_z_equals_esda_on_random_lattices(shape):
    rng = np.random.default_rng(42)
    y = rng.poisson(1.5, shape).astype(float)
    y.flat[rng.integers(0, y.size)] += 12
    ours, theirs = gi_star_z(y).ravel(), esda_g_local(y).Zs
    defined = np.isfinite(theirs)  # a window covering the whole lattice has no variance: esda NaN, ours 0
    assert np.abs(ours[defined] - theirs[defined]).max() < 1e-6
    assert np.all(ours[~defined] == 0)


def test_z_equals_esda_on_real_burglaries(shared_data):
    counts = uk_burglary_lattice(shared_data)
    assert counts.sum() > 2000 and counts.size > 1000
    assert np.abs(gi_star_z(counts).ravel() - esda_g_local(counts).Zs).max() < 1e-6


def test_z_over_a_study_area_equals_esda_with_the_same_neighbours():
    rng = np.random.default_rng(5)
    mask = municipality_mask((20, 30))
    y = rng.poisson(1.0, mask.shape).astype(float) * mask
    theirs = esda_g_local(y[mask].reshape(1, -1), w=W(window_neighbours(mask), silence_warnings=True)).Zs
    ours = gi_star_z(y, mask)[mask]
    assert np.abs(ours - theirs).max() < 1e-6
    assert np.all(gi_star_z(y, mask)[~mask] == 0)


def test_permutation_p_values_agree_with_esda_within_monte_carlo_error():
    rng = np.random.default_rng(7)
    y = rng.gamma(2.0, 1.0, (15, 20))  # continuous values: no ties, so both tail conventions coincide
    y[4:7, 4:7] += 3.0
    ours = pseudo_p(y, permutations=4999, seed=1).ravel() / 2  # esda's p_sim is one-sided
    theirs = esda_g_local(y, permutations=4999, seed=1).p_sim
    tail = theirs < 0.25
    assert tail.sum() > 20
    difference = ours[tail] - theirs[tail]
    assert np.abs(difference).max() < 0.035
    assert abs(difference.mean()) < 0.004


# -- the exact window test -----------------------------------------------------------------------------
def test_the_window_p_value_is_the_binomial_tail_computed_by_hand():
    counts = np.zeros((5, 5))
    counts[2, 2] = 3
    counts[0, 0] = 1
    result = hotspot_test(counts)
    # N = 4 events over 25 cells; the centre window has 9 cells and 3 events: P(X ≥ 3), X ~ Bin(4, 9/25)
    p = 9 / 25
    assert result.p_hot[2, 2] == pytest.approx(4 * p**3 * (1 - p) + p**4)
    assert result.expected[2, 2] == pytest.approx(4 * 9 / 25)
    # a corner window has 4 cells; the corner (0, 0) window holds 1 event: P(X ≤ 1) for the cold side
    q = 4 / 25
    assert result.p_cold[0, 0] == pytest.approx((1 - q) ** 4 + 4 * q * (1 - q) ** 3)


def test_noise_maps_of_a_municipality_sized_grid_show_a_hot_spot_at_most_at_the_nominal_rate():
    rng = np.random.default_rng(2026)
    mask = municipality_mask((200, 300))  # ~45 000 cells of 100 m, like a municipality
    maps, with_spot = 60, 0
    for i in range(maps):
        n = 2500 if i % 2 else 150  # dense and sparse
        idx = rng.choice(np.flatnonzero(mask.ravel()), n)
        counts = np.bincount(idx, minlength=mask.size).reshape(mask.shape)
        result = hotspot_test(counts, mask)
        with_spot += bool(result.hot().any() or result.cold().any())
    # nominal 5 %: 3 of 60 expected; 8 or more would happen by chance with probability < 1 %
    assert with_spot <= 7


def test_the_classic_normal_approximation_is_not_calibrated_on_sparse_counts():
    """Why the product does not use it: on pure noise with 0.1 events per cell it flags most maps."""
    rng = np.random.default_rng(9)
    flagged = sum(bool(gi_star_fdr(scatter((80, 100), 800, rng)).hot(95).any()) for _ in range(20))
    exact = sum(bool(hotspot_test(scatter((80, 100), 800, rng)).hot(95).any()) for _ in range(20))
    assert flagged >= 6 and exact <= 2


def test_a_cluster_of_60_events_within_120_m_over_2500_background_events_is_found():
    rng = np.random.default_rng(60)
    found, trials = 0, 100
    for _ in range(trials):
        counts = scatter((80, 100), 2500, rng)  # 8 000 cells of 100 m
        cx, cy = rng.uniform(1000, 7000), rng.uniform(1000, 9000)
        radius = 120 * np.sqrt(rng.uniform(0, 1, 60))
        angle = rng.uniform(0, 2 * np.pi, 60)
        rows = ((cx + radius * np.cos(angle)) // 100).astype(int)
        cols = ((cy + radius * np.sin(angle)) // 100).astype(int)
        np.add.at(counts, (rows, cols), 1)
        hot = hotspot_test(counts).hot(95)
        r, c = int(cx // 100), int(cy // 100)
        found += bool(hot[r - 1 : r + 2, c - 1 : c + 2].any())
    assert found >= 95


def test_the_planted_cluster_lost_by_permutations_on_40_000_cells_is_found():
    rng = np.random.default_rng(72)
    counts = rng.poisson(0.5, (200, 200)).astype(float)
    counts[100:103, 50:53] += 8  # +72 events in a 3×3 block
    assert hotspot_test(counts).hot(99)[101, 51]


def test_a_lone_event_is_never_a_hot_spot():
    alone = np.zeros((80, 100))
    alone[40, 50] = 1
    assert not hotspot_test(alone).hot(95).any()
    rng = np.random.default_rng(1)
    for _ in range(20):
        background = scatter((80, 100), 2500, rng)
        background[40, 50] += 1
        assert not hotspot_test(background).hot(95)[40, 50] or background[39:42, 49:52].sum() > 8
    two = np.zeros((80, 100))
    two[10, 10] = two[60, 80] = 1
    assert not hotspot_test(two).hot(95).any()


def test_cold_spots_need_dense_data_and_can_be_switched_off():
    rng = np.random.default_rng(3)
    dense = rng.poisson(6.0, (30, 30)).astype(float)
    dense[10:13, 10:13] = 0
    result = hotspot_test(dense)
    assert result.cold(95)[11, 11]
    assert not hotspot_test(dense, cold=False).cold(95).any()
    sparse = scatter((60, 60), 100, rng)
    sparse_result = hotspot_test(sparse)
    assert sparse_result.tests == sparse.size  # the hot tests only: Tarone left out every cold test
    assert result.tests > dense.size  # dense data: cold tests can succeed and stay in the family
    assert not sparse_result.cold(95).any()


def test_events_outside_the_study_area_are_ignored():
    mask = np.zeros((10, 10), dtype=bool)
    mask[:, :5] = True
    counts = np.zeros((10, 10))
    counts[5, 8] = 30  # outside
    result = hotspot_test(counts, mask)
    assert result.events == 0 and not result.hot(95).any()


def test_a_flat_lattice_has_no_hot_spots():
    result = hotspot_test(np.full((5, 5), 3.0))
    assert np.all(result.z == 0)
    assert np.all(result.classes == "not_significant")


def test_bad_counts_are_refused():
    with pytest.raises(ValueError, match="not negative"):
        hotspot_test(np.array([[1.0, -1.0]]))
    with pytest.raises(ValueError, match="2-D"):
        hotspot_test(np.zeros(5))
    with pytest.raises(ValueError, match="mask has shape"):
        hotspot_test(np.zeros((3, 3)), np.ones((2, 2), dtype=bool))


# -- discrete FDR ---------------------------------------------------------------------------------------
def test_tarone_family_on_a_hand_worked_example():
    # smallest attainable p-values 1e-6, 0.02, 0.5 at α = 0.05: m(1) = 2 > 1, m(2) = #{≤ 0.025} = 2 ≤ 2,
    # so K = 2 and the family is the first two
    family = tarone_family(np.log([1e-6, 0.02, 0.5]), 0.05)
    assert family.tolist() == [True, True, False]
    # all attainable: K = m
    assert tarone_family(np.log([1e-9] * 4), 0.05).all()
    # none can reach α/K for any K
    assert not tarone_family(np.log([0.9, 0.8]), 0.05).any()


def test_fdr_on_benjamini_and_hochbergs_example():
    # The 15 p-values of Benjamini & Hochberg (1995), section 4: at q = 0.05 the first four are rejected.
    p = np.array([0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240, 0.4262,
                  0.5719, 0.6528, 0.7590, 1.0000])  # fmt: skip
    q = fdr(p)
    assert (q <= 0.05).sum() == 4
    assert q[3] == pytest.approx(0.0095 * 15 / 4)
    assert q[0] == pytest.approx(0.0001 * 15)


def test_classic_classes_follow_the_adjusted_p_value_and_the_sign():
    z = np.array([3.0, 2.0, 1.8, -2.5, 0.5])
    q = np.array([0.005, 0.03, 0.08, 0.02, 0.5])
    assert classify(z, q).tolist() == ["hot_99", "hot_95", "hot_90", "cold_95", "not_significant"]


# -- peaks ----------------------------------------------------------------------------------------------
def test_peaks_do_not_overlap_and_come_busiest_first():
    counts = np.zeros((40, 40))
    counts[10, 10] = 12
    counts[11, 12] = 6  # same neighbourhood: one hot spot
    counts[30, 30] = 8
    result = hotspot_test(counts)
    found = peaks(result)
    assert len(found) == 2
    assert result.window[found[0]] >= result.window[found[1]]
    (r1, c1), (r2, c2) = found
    assert max(abs(r1 - r2), abs(c1 - c2)) > 2


def test_real_burglaries_at_100_m_have_hot_spots_but_far_fewer_than_the_normal_approximation(shared_data):
    x, y = uk_burglaries.projected(shared_data)
    counts = bin_counts(grid_covering(x, y, 100, crs="EPSG:27700"), x, y)
    exact = hotspot_test(counts).hot(95).sum()
    classic = gi_star_fdr(counts).hot(95).sum()
    assert 0 < exact < classic / 2


@pytest.mark.parametrize("shape", [(20, 20), (80, 100), (300, 300)])
@pytest.mark.parametrize("where", ["corner", "edge", "inside"])
def test_a_lone_event_anywhere_is_not_a_hot_spot(shape, where):
    """Even in a corner, where Tarone's step keeps only the four corner windows of an almost empty map."""
    counts = np.zeros(shape)
    r, c = {"corner": (0, 0), "edge": (0, shape[1] // 2), "inside": (shape[0] // 2, shape[1] // 2)}[where]
    counts[r, c] = 1
    assert not hotspot_test(counts).hot(95).any()
    counts[r, c] = 2  # two at the same place: still not a hot spot
    assert not hotspot_test(counts).hot(95).any()
    counts[r, c] = 3  # three in one cell of an otherwise empty map: a hot spot
    assert hotspot_test(counts).hot(95)[r, c]


def test_a_window_is_centred_on_events_that_all_lie_in_one_cell():
    """Twelve events in one cell: the nine windows around it hold them all; the one named is the cell's own
    (before, the first of the tie in row order — one cell up and left — was drawn)."""
    from trygg.analysis.hotspots import hotspot_test, peaks

    counts = np.zeros((40, 40))
    counts[20, 25] = 12
    assert peaks(hotspot_test(counts, np.ones((40, 40), bool))) == [(20, 25)]
