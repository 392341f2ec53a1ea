import numpy as np
import pytest

from trygg.analysis.nearrepeat import knox_test


def test_hand_counted_pairs():
    # Three events: A and B 50 m and 3 days apart; C far away.
    x = [0.0, 50.0, 5000.0]
    y = [0.0, 0.0, 0.0]
    t = [0.0, 3.0, 1.0]
    result = knox_test(x, y, t, space_bands=[0, 100, 200], time_bands=[0, 7, 14], simulations=99, seed=1)
    assert result.observed.tolist() == [[1, 0], [0, 0]]
    assert result.pairs == 1
    assert result.events == 3


def test_planted_near_repeats_are_found():
    rng = np.random.default_rng(5)
    n = 300
    x = rng.uniform(0, 5000, n)
    y = rng.uniform(0, 5000, n)
    t = rng.uniform(0, 365, n)
    # each of 60 "repeat" events follows an earlier one within 80 m and 5 days
    source = rng.integers(0, n, 60)
    x = np.concatenate([x, x[source] + rng.normal(0, 30, 60)])
    y = np.concatenate([y, y[source] + rng.normal(0, 30, 60)])
    t = np.concatenate([t, t[source] + rng.uniform(0, 5, 60)])
    result = knox_test(x, y, t, space_bands=[0, 100, 200, 400], time_bands=[0, 7, 14, 28], simulations=199, seed=2)
    assert result.p_value[0, 0] <= 0.01
    assert result.ratio[0, 0] > 3
    assert result.significant()[0, 0]


def test_no_interaction_in_random_data():
    rng = np.random.default_rng(8)
    x, y, t = rng.uniform(0, 3000, 400), rng.uniform(0, 3000, 400), rng.uniform(0, 365, 400)
    result = knox_test(x, y, t, [0, 100, 200, 400], [0, 7, 14, 28], simulations=199, seed=3)
    assert result.significant(0.01).sum() <= 1
    assert np.nanmax(np.abs(result.ratio - 1)) < 1.0


def test_bad_bands():
    with pytest.raises(ValueError):
        knox_test([0], [0], [0], [100, 0], [0, 7])
