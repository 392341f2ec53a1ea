"""Emerging hot spots: ESRI's classes for hot and cold spots, planted patterns found, at least ten slices."""

import numpy as np
import pytest

from trygg.analysis.emerging import MIN_SLICES, TooFewSlices, classify, emerging_hotspots
from trygg.analysis.temporal import mann_kendall

H, C, _ = True, "cold", False


def series(*marks):
    """A cell's history: True = hot slice, 'cold' = cold slice, False = neither."""
    hot = np.array([m is True for m in marks])
    cold = np.array([m == "cold" for m in marks])
    return hot, cold


@pytest.mark.parametrize(
    ("marks", "trend", "expected"),
    [
        ((_, _, _, _, _, _, _, _, _, H), "none", "new_hot"),
        ((_, _, _, _, _, _, _, H, H, H), "none", "consecutive_hot"),
        ((H,) * 10, "increasing", "intensifying_hot"),
        ((H,) * 10, "none", "persistent_hot"),
        ((H,) * 10, "decreasing", "diminishing_hot"),
        ((H,) * 9 + (_,), "none", "historical_hot"),
        ((_, H, _, _, H, _, _, H, _, H), "none", "sporadic_hot"),
        ((_, H, H, _, _, _, _, _, _, _), "none", "sporadic_hot"),  # on and off, not at the end
        ((_, C, _, _, _, _, _, _, _, H), "none", "oscillating_hot"),
        ((_, _, _, _, _, _, _, _, _, C), "none", "new_cold"),
        ((_, _, _, _, _, _, _, _, C, C), "none", "consecutive_cold"),
        ((C,) * 10, "decreasing", "intensifying_cold"),  # ever fewer: the cold spot deepens
        ((C,) * 10, "none", "persistent_cold"),
        ((C,) * 10, "increasing", "diminishing_cold"),
        ((C,) * 9 + (_,), "none", "historical_cold"),
        ((_, C, _, C, _, _, _, _, _, _), "none", "sporadic_cold"),
        ((_, H, _, _, _, _, _, _, _, C), "none", "oscillating_cold"),
        ((_,) * 10, "none", "none"),
    ],
)
def test_esri_classes(marks, trend, expected):
    hot, cold = series(*marks)
    assert classify(hot, cold, trend) == expected


def test_a_trend_over_four_slices_can_never_be_significant():
    """Why at least ten slices: Mann–Kendall on 4 values cannot go below p = 0.08."""
    assert mann_kendall([1, 2, 3, 4]).p_value > 0.05
    assert mann_kendall(list(range(10))).p_value < 0.001


def test_fewer_than_ten_slices_are_refused():
    with pytest.raises(TooFewSlices, match="at least 10"):
        emerging_hotspots(np.ones((MIN_SLICES - 1, 5, 5)))


def test_a_steady_cluster_is_persistent_and_a_late_one_new():
    rng = np.random.default_rng(4)
    cube = rng.poisson(1.0, (12, 30, 30)).astype(float)
    cube[:, 3:6, 3:6] += 6  # hot all along, steady
    cube[-1, 20:23, 20:23] += 10  # appears only in the last slice
    result = emerging_hotspots(cube)
    assert result.categories[4, 4] == "persistent_hot"
    assert result.categories[21, 21] == "new_hot"
    assert result.categories[15, 15] == "none"
    assert result.hot.shape == cube.shape


def test_a_growing_cluster_is_intensifying():
    rng = np.random.default_rng(5)
    cube = rng.poisson(1.0, (12, 30, 30)).astype(float)
    for t in range(12):
        cube[t, 24:27, 3:6] += 3 + 2.0 * t
    assert emerging_hotspots(cube).categories[25, 4] == "intensifying_hot"


def test_noise_gives_almost_no_patterns():
    rng = np.random.default_rng(11)
    cube = rng.poisson(0.5, (12, 40, 40)).astype(float)
    result = emerging_hotspots(cube)
    assert (result.categories != "none").mean() < 0.01


def test_progress_is_reported():
    seen = []
    emerging_hotspots(np.ones((10, 4, 4)), progress=seen.append)
    assert seen[-1] == 1.0 and len(seen) == 11


CHANGES = ("new", "consecutive", "oscillating", "historical", "intensifying", "diminishing")


def stationary_maps(rng, maps=20):
    """12 monthly slices of a map with three steady hot areas and a thin background, a common gamma factor per
    slice (busy and quiet months): nothing emerges, nothing ends."""
    base = np.full((60, 60), 0.05)
    base[10:13, 10:13], base[40:42, 30:33], base[20, 45] = 1.5, 1.0, 2.0
    for _ in range(maps):
        yield rng.poisson(base[None] * rng.gamma(4, 0.25, (12, 1, 1))).astype(float), base


def claims_change(result) -> bool:
    return any(str(c).rpartition("_")[0] in CHANGES for c in result.categories.ravel())


def test_stationary_maps_claim_no_change_beyond_the_nominal_rate(monkeypatch):
    import trygg.analysis.emerging as emerging

    new = sum(claims_change(emerging_hotspots(cube)) for cube, _ in stationary_maps(np.random.default_rng(3)))
    monkeypatch.setattr(emerging, "CHANGE_ALPHA", 1.1)  # every class as the slices give it: the old behaviour
    old = sum(claims_change(emerging_hotspots(cube)) for cube, _ in stationary_maps(np.random.default_rng(3)))
    assert new <= 2 and old >= 8


def test_a_cluster_that_appears_in_the_last_two_slices_is_still_found():
    rng = np.random.default_rng(5)
    found = 0
    for cube, _ in stationary_maps(rng, 20):
        cube[-2:, 30:32, 10:12] += rng.poisson(3.0, (2, 2, 2))
        result = emerging_hotspots(cube)
        found += any(str(result.categories[r, c]).startswith(("new", "consecutive"))
                     for r in range(29, 33) for c in range(9, 13))  # fmt: skip
    assert found >= 18
