import numpy as np
import pytest

from trygg.analysis.grid import bin_counts, grid_covering, to_lonlat, to_projected, usable_for_cell


def test_the_grid_covers_the_full_rectangle_and_counts_empty_cells():
    x = np.array([0.0, 10.0, 250.0, 299.0])
    y = np.array([0.0, 5.0, 150.0, 99.0])
    grid = grid_covering(x, y, cell=100)
    assert (grid.nrows, grid.ncols) == (2, 3)
    counts = bin_counts(grid, x, y)
    # row 0 is the southern row; column 0 the western
    assert counts.tolist() == [[2, 0, 1], [0, 0, 1]]
    assert counts.sum() == 4


def test_grids_are_aligned_to_the_cell_size():
    grid = grid_covering([1234.0], [5678.0], cell=50, margin_cells=1)
    assert (grid.x0, grid.y0) == (1150.0, 5600.0)
    assert (grid.nrows, grid.ncols) == (3, 3)


def test_points_outside_explicit_bounds_are_ignored():
    grid = grid_covering(None, None, cell=10, bounds=(0, 0, 19.9, 9.9))
    counts = bin_counts(grid, [5, 15, 25], [5, 5, 5])
    assert counts.tolist() == [[1, 1]]


def test_projection_round_trip_in_sweref99():
    lon, lat = np.array([13.5035]), np.array([59.3794])
    x, y = to_projected(lon, lat)
    assert 400_000 < x[0] < 500_000 and 6_500_000 < y[0] < 6_700_000  # SWEREF 99 TM ranges for Värmland
    back = to_lonlat(x, y)
    assert np.allclose(back[0], lon) and np.allclose(back[1], lat)


def test_coarse_points_are_excluded_and_reported():
    split = usable_for_cell([10, 100, 50_000, 200_000], cell=100)
    assert split.usable.tolist() == [True, True, False, False]
    assert split.excluded == 2


def test_bad_cell_size():
    with pytest.raises(ValueError, match="positive"):
        grid_covering([0], [0], cell=0)
