"""Reading lon/lat points from any CSV (the hotspot command works on files, not only on Trygg's database)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from trygg.core.importing import ReadError, RecordError, at_line, iter_csv_records, open_binary


@dataclass
class Points:
    lon: np.ndarray
    lat: np.ndarray
    skipped_empty: int


def _number(text: str, column: str, line: int) -> float:
    value = text.strip().replace("\u2212", "-")
    if "," in value and "." not in value:
        value = value.replace(",", ".")  # decimal comma
    try:
        return float(value)
    except ValueError as exc:
        raise RecordError(f"line {line}: column '{column}' is not a number: {text!r}") from exc


def read_points(path: str | Path, lon_column: str, lat_column: str) -> Points:
    """All points of the CSV; rows where either coordinate is empty are skipped and counted.

    Raises RecordError naming the line for a value that is not a number or not a valid coordinate.
    """
    lon, lat, skipped = [], [], 0
    try:
        with open_binary(path) as fh:
            for line, row in iter_csv_records(fh, required=(lon_column, lat_column)):
                raw_lon, raw_lat = (row.get(lon_column) or "").strip(), (row.get(lat_column) or "").strip()
                if not raw_lon or not raw_lat:
                    skipped += 1
                    continue
                x, y = _number(raw_lon, lon_column, line), _number(raw_lat, lat_column, line)
                if not (-180 <= x <= 180 and -90 <= y <= 90):
                    raise RecordError(f"line {line}: ({x}, {y}) is not a longitude/latitude pair")
                lon.append(x)
                lat.append(y)
    except ReadError as exc:
        raise RecordError(f"{path}: {at_line(exc.line, str(exc))}") from exc
    except UnicodeDecodeError as exc:
        raise RecordError(f"{path} is not UTF-8 text") from exc
    return Points(np.array(lon), np.array(lat), skipped)
