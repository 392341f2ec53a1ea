"""The heat map's density: a float surface that keeps the mass of the data, the 2-D bandwidth rule, and
clear errors on bad coordinates."""

import numpy as np
import pytest

from tests.analysis import uk_burglaries
from trygg.analysis.grid import Grid, bin_counts, grid_covering
from trygg.analysis.kde import default_bandwidth, kde_surface, linear_binning


@pytest.mark.parametrize("bandwidth", [20.0, 100.0, 400.0, 2000.0])
def test_the_surface_keeps_every_event(bandwidth):
    rng = np.random.default_rng(1)
    x, y = rng.normal(1000, 300, 1000), rng.normal(1000, 300, 1000)
    grid = grid_covering(x, y, 50.0)
    density = kde_surface(grid, x, y, bandwidth)
    assert density.dtype == np.float64
    assert density.sum() * 0.05**2 == pytest.approx(1000, rel=1e-9)  # events per km² × km² per cell


def test_one_event_is_not_a_blank_map():
    grid = Grid(0.0, 0.0, 100.0, 20, 20)
    density = kde_surface(grid, [1050.0], [1050.0], 150.0)
    assert density.max() > 0
    assert density.sum() * 0.01 == pytest.approx(1.0)
    assert np.unravel_index(density.argmax(), density.shape) == (10, 10)


def test_mass_is_kept_inside_an_irregular_study_area():
    rng = np.random.default_rng(2)
    grid = Grid(0.0, 0.0, 100.0, 30, 30)
    mask = np.zeros(grid.shape, dtype=bool)
    mask[5:25, 5:20] = True
    x, y = rng.uniform(0, 3000, 500), rng.uniform(0, 3000, 500)
    inside = int((bin_counts(grid, x, y) * mask).sum())
    density = kde_surface(grid, x, y, 250.0, mask=mask)
    assert density.sum() * 0.01 == pytest.approx(inside)
    assert np.all(density[~mask] == 0)


def test_linear_binning_keeps_weights_and_shares_them_between_centres():
    grid = Grid(0.0, 0.0, 100.0, 3, 3)
    binned = linear_binning(grid, [100.0], [150.0])  # half-way between the centres of columns 0 and 1
    assert binned[1, 0] == pytest.approx(0.5) and binned[1, 1] == pytest.approx(0.5)
    edge = linear_binning(grid, [10.0, 299.0], [10.0, 299.0])
    assert edge.sum() == pytest.approx(2.0)


def test_the_bandwidth_is_the_two_dimensional_normal_reference_rule():
    rng = np.random.default_rng(3)
    n, sigma = 4000, 300.0
    x, y = rng.normal(0, sigma, n), rng.normal(0, sigma, n)
    # Silverman (1986) eq. 4.14 for d = 2: h = σ n^(−1/6); the 1-D rule 1.06 σ n^(−1/5) is 22 % narrower here
    assert default_bandwidth(x, y) == pytest.approx(sigma * n ** (-1 / 6), rel=0.05)
    assert default_bandwidth(x, y) > 1.1 * 1.06 * sigma * n ** (-1 / 5)


def test_a_few_distant_points_do_not_flatten_the_centre():
    rng = np.random.default_rng(4)
    x, y = rng.normal(0, 200, 1000), rng.normal(0, 200, 1000)
    far_x, far_y = np.append(x, [30_000.0] * 20), np.append(y, [30_000.0] * 20)
    assert default_bandwidth(far_x, far_y) < 1.5 * default_bandwidth(x, y)  # robust spread (IQR)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_a_bad_coordinate_is_refused_and_named(bad):
    with pytest.raises(ValueError, match="point 2 has a coordinate that is not a finite number"):
        default_bandwidth([1.0, bad, 3.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="point 2"):
        kde_surface(Grid(0.0, 0.0, 1.0, 3, 3), [1.0, bad], [1.0, 1.0], 1.0)


def test_a_bad_bandwidth_is_refused():
    with pytest.raises(ValueError, match="bandwidth"):
        kde_surface(Grid(0.0, 0.0, 1.0, 3, 3), [1.0], [1.0], 0.0)


def test_uk_burglaries_at_the_default_bandwidth_give_a_map(shared_data):
    x, y = uk_burglaries.projected(shared_data)
    grid = grid_covering(x, y, 100.0, crs="EPSG:27700")
    density = kde_surface(grid, x, y, default_bandwidth(x, y))
    assert density.sum() * 0.01 == pytest.approx(x.size, rel=1e-9)
    assert (density > density.max() * 0.01).mean() > 0.05  # the map shows where burglaries are, not zeros
