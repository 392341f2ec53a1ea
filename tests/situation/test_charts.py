"""Chart helpers that decide what a reader can make out."""

import numpy as np

from trygg.situation.charts import spread_labels


def test_end_labels_are_moved_apart_but_never_below_their_point():
    values = [13.0, 10.0, 9.0, 8.0, 6.0, 66.0]
    placed = spread_labels(values, gap=4.6)
    order = np.argsort(values, kind="stable")
    assert (np.diff(placed[order]) >= 4.6 - 1e-9).all()  # in the same order as the points, at least a gap apart
    assert (placed >= np.asarray(values)).all()
    assert placed[5] == 66.0  # a label with room keeps its place
    assert list(spread_labels([1.0, 20.0], gap=2.0)) == [1.0, 20.0]
