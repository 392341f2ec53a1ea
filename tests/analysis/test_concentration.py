import numpy as np
import pytest

from tests.analysis import uk_burglaries
from trygg.analysis.concentration import concentration, gini, gini_generalised
from trygg.analysis.grid import bin_counts, grid_covering


def test_gini_extremes():
    assert gini([5, 5, 5, 5]) == 0
    assert gini([0, 0, 0, 12]) == pytest.approx(1 - 1 / 4)
    assert gini([]) == 0


def test_gini_on_a_hand_computed_example():
    # counts 1, 2, 3, 4: G = sum_i sum_j |xi − xj| / (2 n² mean) = 20 / (2·16·2.5) = 0.25
    assert gini([4, 1, 3, 2]) == pytest.approx(0.25)


def test_generalised_gini_when_there_are_more_places_than_incidents():
    # 3 incidents in 3 of 10 places is the most even spread possible: generalised Gini 0
    assert gini_generalised([1, 1, 1, 0, 0, 0, 0, 0, 0, 0]) == pytest.approx(0.0)
    # all 3 in one place: ordinary Gini 1 − 1/10 = 0.9; the floor for 3 incidents is 1 − 3/10 = 0.7,
    # so the generalised Gini is (0.9 − 0.7) / (1 − 0.7)
    assert gini_generalised([3, 0, 0, 0, 0, 0, 0, 0, 0, 0]) == pytest.approx(0.2 / 0.3)


def test_top_shares_and_lorenz_curve():
    counts = np.array([50] + [5] * 10 + [0] * 89)  # 100 cells, 100 incidents
    result = concentration(counts)
    assert result.top_shares[0.01] == pytest.approx(0.50)
    assert result.top_shares[0.05] == pytest.approx(0.70)
    assert result.top_shares[0.10] == pytest.approx(0.95)
    assert result.lorenz_y[0] == 0 and result.lorenz_y[-1] == pytest.approx(1)
    assert np.all(np.diff(result.lorenz_y) >= 0)


def test_real_burglaries_are_concentrated(shared_data):
    x, y = uk_burglaries.projected(shared_data, "2014-07")
    counts = bin_counts(grid_covering(x, y, 250, crs="EPSG:27700"), x, y)
    result = concentration(counts)
    # far fewer burglaries than 250 m cells: a few percent of cells hold most of them
    assert result.top_shares[0.05] > 0.5
    assert 0 < result.gini_generalised <= result.gini <= 1
