"""The Knox test with the Near Repeat Calculator's bands (same place, inclusive whole days) and correction
across the table."""

import numpy as np
import pytest

from trygg.analysis.nearrepeat import knox_test


def test_hand_counted_pairs():
    # Three events: A and B 50 m and 3 days apart; C far away.
    result = knox_test([0.0, 50.0, 5000.0], [0.0, 0.0, 0.0], [0, 3, 1], space_bands=[0, 100, 200],
                       time_bands=[0, 7, 14], simulations=99, seed=1, same_location=False)  # fmt: skip
    assert result.observed.tolist() == [[1, 0], [0, 0]]
    assert result.pairs == 1 and result.events == 3


@pytest.mark.parametrize(("days_apart", "band"), [(0, 0), (7, 0), (8, 1), (14, 1), (15, 2), (28, 2)])
def test_day_bands_are_inclusive_whole_days(days_apart, band):
    result = knox_test([0.0, 50.0], [0.0, 0.0], [0, days_apart], [0, 100], [0, 7, 14, 28], simulations=0,
                       same_location=False)  # fmt: skip
    expected = np.zeros((1, 3), dtype=int)
    expected[0, band] = 1
    assert result.observed.tolist() == expected.tolist()


def test_pairs_beyond_the_last_day_band_are_not_counted():
    result = knox_test([0.0, 50.0], [0.0, 0.0], [0, 29], [0, 100], [0, 7, 14, 28], simulations=0)
    assert result.observed.sum() == 0


@pytest.mark.parametrize(("distance", "band"), [(0.0, 0), (0.4, 0), (50.0, 1), (100.0, 1), (100.5, 2), (400.0, 3)])
def test_a_same_place_band_then_distance_bands_closed_above(distance, band):
    result = knox_test([0.0, distance], [0.0, 0.0], [0, 2], [0, 100, 200, 400], [0, 7], simulations=0)
    assert result.observed[:, 0].tolist() == [int(b == band) for b in range(4)]


def test_pairs_closer_than_the_first_edge_are_left_out():
    result = knox_test([0.0, 50.0], [0.0, 0.0], [0, 3], [60, 100], [5, 7], simulations=0, same_location=False)
    assert result.observed.sum() == 0  # 50 m is below the first distance edge and 3 days below the first day edge


def test_days_must_be_whole():
    with pytest.raises(ValueError, match="whole numbers"):
        knox_test([0, 1], [0, 1], [0.5, 2.0], [0, 100], [0, 7], simulations=0)


def test_planted_near_repeats_are_found_and_survive_the_correction():
    rng = np.random.default_rng(5)
    n = 300
    x, y = rng.uniform(0, 5000, n), rng.uniform(0, 5000, n)
    t = rng.integers(0, 365, n)
    source = rng.integers(0, n, 60)  # 60 repeats within 80 m and 5 days of an earlier event
    x = np.concatenate([x, x[source] + rng.normal(0, 30, 60)])
    y = np.concatenate([y, y[source] + rng.normal(0, 30, 60)])
    t = np.concatenate([t, t[source] + rng.integers(0, 6, 60)])
    result = knox_test(x, y, t, [0, 100, 200, 400], [0, 7, 14, 28], simulations=499, seed=2)
    assert result.ratio[1, 0] > 3  # 1–100 m, 0–7 days
    assert result.significant()[1, 0]


def test_null_maps_rarely_show_a_significant_cell_after_correction():
    rng = np.random.default_rng(8)
    maps, any_significant, any_raw = 40, 0, 0
    for _ in range(maps):
        x, y = rng.uniform(0, 2000, 150), rng.uniform(0, 2000, 150)
        t = rng.integers(0, 365, 150)
        result = knox_test(x, y, t, [0, 100, 200, 400], [0, 7, 14, 28], simulations=299, seed=int(rng.integers(1e9)))
        any_significant += bool(result.significant().any())
        any_raw += bool(((result.p_value <= 0.05) & (result.ratio > 1)).any())
    assert result.tests == 12
    assert any_significant <= 5  # nominal 5 %: 2 of 40 expected
    assert any_raw > any_significant  # without the correction many more maps would show one


def test_bad_bands():
    with pytest.raises(ValueError):
        knox_test([0], [0], [0], [100, 0], [0, 7])
