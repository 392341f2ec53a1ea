import csv
import json

import numpy as np
from django.core.management.base import BaseCommand, CommandError
from pyproj import CRS
from pyproj.exceptions import CRSError

from trygg.analysis.grid import DEFAULT_CRS, bin_counts, grid_covering, to_projected
from trygg.analysis.hotspots import hotspot_test, pseudo_p
from trygg.analysis.kde import default_bandwidth, kde_surface
from trygg.core.importing import RecordError
from trygg.situation.points_csv import read_points
from trygg.situation.study_area import StudyAreaError, study_area

COLUMNS = [
    "row", "col", "lon", "lat", "in_area", "count", "density", "window", "expected", "gi_z", "p_hot", "p_cold",
    "q_fdr", "p_sim", "class",
]  # fmt: skip


def _geometry(path: str) -> dict:
    """A GeoJSON geometry from a file holding a geometry, a Feature or a FeatureCollection (their union)."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError) as exc:
        raise CommandError(f"{path}: not a readable GeoJSON file ({exc})") from exc
    if data.get("type") == "FeatureCollection":
        polygons = []
        for feature in data.get("features", []):
            geometry = feature.get("geometry") or {}
            if geometry.get("type") == "Polygon":
                polygons.append(geometry["coordinates"])
            elif geometry.get("type") == "MultiPolygon":
                polygons.extend(geometry["coordinates"])
        if not polygons:
            raise CommandError(f"{path}: the FeatureCollection has no polygons")
        return {"type": "MultiPolygon", "coordinates": polygons}
    if data.get("type") == "Feature":
        return data.get("geometry") or {}
    return data


class Command(BaseCommand):
    help = (
        "Hot and cold spots for lon/lat points in any CSV: one output row per cell (row/col from the south-west "
        "corner) with count, density (events per km²), window count, exact p-values, discrete-FDR q and class, "
        "over the study area (--boundary GeoJSON, or the rectangle around the points)."
    )

    def add_arguments(self, parser):
        parser.add_argument("points", help="CSV file with a header row (comma or semicolon separated).")
        parser.add_argument("--lon", required=True, help="Longitude column.")
        parser.add_argument("--lat", required=True, help="Latitude column.")
        parser.add_argument("--cell", type=float, required=True, help="Cell size in metres.")
        parser.add_argument("--crs", default=DEFAULT_CRS, help=f"Projected CRS for the grid (default {DEFAULT_CRS}).")
        parser.add_argument("--boundary", default=None, help="GeoJSON polygon(s) of the study area (WGS84).")
        parser.add_argument("--bandwidth", type=float, default=None, help="Density bandwidth in metres.")
        parser.add_argument(
            "--permutations",
            type=int,
            default=0,
            help="Also write esda-style conditional-permutation p-values (p_sim) for comparison; classes never "
            "use them.",
        )
        parser.add_argument("--seed", type=int, default=None, help="Random seed for the permutations.")
        parser.add_argument("-o", "--output", default="-", help="Output CSV (default: standard output).")

    def handle(self, *args, **options):
        if options["cell"] <= 0:
            raise CommandError("--cell must be a positive number of metres")
        if options["permutations"] < 0:
            raise CommandError("--permutations cannot be negative")
        if options["bandwidth"] is not None and not options["bandwidth"] > 0:
            raise CommandError("--bandwidth must be a positive number of metres")
        try:
            crs = CRS.from_user_input(options["crs"])
        except CRSError as exc:
            raise CommandError(f"unknown CRS {options['crs']!r}") from exc
        if not crs.is_projected:
            raise CommandError(f"{options['crs']} is not a projected CRS; cells need metres (e.g. EPSG:3006)")
        try:
            points = read_points(options["points"], options["lon"], options["lat"])
        except (RecordError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        if points.lon.size == 0:
            raise CommandError("the file has no points with coordinates")
        x, y = to_projected(points.lon, points.lat, options["crs"])
        if options["boundary"]:
            try:
                area = study_area(options["boundary"], _geometry(options["boundary"]), options["cell"], options["crs"])
            except (StudyAreaError, ValueError, KeyError, TypeError) as exc:
                raise CommandError(f"{options['boundary']}: {exc}") from exc
            grid, mask = area.grid, np.asarray(area.mask)
        else:
            grid = grid_covering(x, y, options["cell"], crs=options["crs"])
            mask = np.ones(grid.shape, dtype=bool)
        if grid.n > 25_000_000:
            raise CommandError(f"{grid.nrows}×{grid.ncols} cells is too many; choose a larger --cell")
        counts = bin_counts(grid, x, y)
        result = hotspot_test(counts, mask)
        bandwidth = options["bandwidth"] or max(options["cell"], default_bandwidth(x, y))
        density = kde_surface(grid, x, y, bandwidth, mask=mask)
        p_sim = pseudo_p(counts, options["permutations"], options["seed"]) if options["permutations"] else None
        lon, lat = grid.centres_lonlat()
        to_stdout = options["output"] == "-"
        out = self.stdout if to_stdout else open(options["output"], "w", newline="", encoding="utf-8")  # noqa: SIM115
        try:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(COLUMNS)
            for r in range(grid.nrows):
                for c in range(grid.ncols):
                    q = result.q[r, c]
                    writer.writerow([
                        r, c, f"{lon[r, c]:.6f}", f"{lat[r, c]:.6f}", int(mask[r, c]), int(counts[r, c]),
                        f"{density[r, c]:.6g}", int(result.window[r, c]), f"{result.expected[r, c]:.6g}",
                        f"{result.z[r, c]:.6f}", f"{result.p_hot[r, c]:.6g}", f"{result.p_cold[r, c]:.6g}",
                        "" if np.isnan(q) else f"{q:.6g}", "" if p_sim is None else f"{p_sim[r, c]:.6g}",
                        result.classes[r, c],
                    ])  # fmt: skip
        finally:
            if not to_stdout:
                out.close()
        outside = int(points.lon.size - result.events)
        self.stderr.write(
            f"{points.lon.size} points ({points.skipped_empty} rows without coordinates skipped"
            f"{f', {outside} outside the study area' if outside else ''}), {grid.nrows}×{grid.ncols} cells of "
            f"{options['cell']:g} m in {options['crs']} ({result.cells} in the study area), density bandwidth "
            f"{bandwidth:.0f} m; {int(result.hot().sum())} hot and {int(result.cold().sum())} cold cells at 95 % "
            f"(exact window tests, {result.tests} tests corrected for a 5 % false discovery rate)"
        )
