import numpy as np

from trygg.analysis.emerging import emerging_hotspots


def test_categories_of_planted_patterns():
    rng = np.random.default_rng(4)
    slices = 12
    cube = rng.poisson(1.0, (slices, 20, 20)).astype(float)
    cube[:, 3:6, 3:6] += 6  # hot all along
    cube[-1, 12:15, 12:15] += 10  # appears only in the last slice
    for t in range(slices):  # hot all along and growing
        cube[t, 14:17, 3:6] += 4 + 1.5 * t
    result = emerging_hotspots(cube)
    assert result.categories[4, 4] in ("persistent", "intensifying", "diminishing")
    assert result.categories[13, 13] == "new"
    assert result.categories[15, 4] == "intensifying"
    assert result.categories[10, 18] == "none"
    assert result.hot.shape == cube.shape


def test_progress_is_reported():
    seen = []
    emerging_hotspots(np.ones((3, 4, 4)), progress=seen.append)
    assert seen[-1] == 1.0 and len(seen) == 4
