"""The shared West Yorkshire burglary points (data.police.uk), read once for the analysis tests."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

import numpy as np

from trygg.analysis.grid import to_projected


@lru_cache(maxsize=4)
def lonlat(shared_data: Path, month: str = "2014-11") -> tuple[np.ndarray, np.ndarray]:
    lon, lat = [], []
    with open(shared_data / "uk_police" / f"{month}-west-yorkshire-burglary.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["Longitude"] and row["Latitude"]:
                lon.append(float(row["Longitude"]))
                lat.append(float(row["Latitude"]))
    return np.array(lon), np.array(lat)


def projected(shared_data: Path, month: str = "2014-11") -> tuple[np.ndarray, np.ndarray]:
    """x, y in metres, British National Grid (EPSG:27700)."""
    return to_projected(*lonlat(shared_data, month), "EPSG:27700")
