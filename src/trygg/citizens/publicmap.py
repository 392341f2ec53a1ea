"""The public map: how many incidents per grid cell, only where there are at least k.

Only incidents whose visibility is "public" and that are located to a street or better are counted; no
points, no categories. A cell with fewer than k incidents (default 5) is not shown, so that no single event
or person can be picked out.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.conf import settings
from django.utils import timezone

from trygg.analysis.grid import bin_counts, grid_covering, to_projected
from trygg.incidents.models import Incident, Precision, Visibility


def public_cells(municipality, weeks: int = 12, k: int | None = None, cell: float | None = None) -> dict:
    k = k or getattr(settings, "TRYGG_PUBLIC_MAP_K", 5)
    cell = cell or getattr(settings, "TRYGG_PUBLIC_MAP_CELL", 250)
    since = timezone.now() - dt.timedelta(weeks=weeks)
    rows = np.array(
        Incident.objects.in_statistics()
        .filter(
            municipality=municipality,
            visibility=Visibility.PUBLIC,
            occurred_start__gte=since,
            precision__in=[Precision.EXACT, Precision.STREET],
        )
        .values_list("lon", "lat"),
        dtype=float,
    ).reshape(-1, 2)
    if rows.size == 0:
        return {"cells": [], "k": k, "cell_m": cell, "weeks": weeks, "hidden": 0}
    x, y = to_projected(rows[:, 0], rows[:, 1])
    grid = grid_covering(x, y, cell)
    counts = bin_counts(grid, x, y)
    shown = [
        {"count": int(counts[r, c]), "polygon": grid.cell_polygon_lonlat(int(r), int(c))}
        for r, c in zip(*np.nonzero(counts >= k), strict=True)
    ]
    hidden = int(counts[(counts > 0) & (counts < k)].sum())
    return {"cells": shown, "k": k, "cell_m": cell, "weeks": weeks, "hidden": hidden}
