import csv

from django.core.management.base import BaseCommand, CommandError
from pyproj import CRS
from pyproj.exceptions import CRSError

from trygg.analysis.grid import DEFAULT_CRS, bin_counts, grid_covering, to_projected
from trygg.analysis.hotspots import gi_star
from trygg.core.importing import RecordError
from trygg.situation.points_csv import read_points

COLUMNS = ["row", "col", "lon", "lat", "count", "gi_z", "p_norm", "p_sim", "q_fdr", "class"]


class Command(BaseCommand):
    help = (
        "Getis–Ord Gi* hotspots for lon/lat points in any CSV: one output row per cell of the full rectangle "
        "(row/col from the south-west corner) with count, z, p-values, FDR q and hot/cold class."
    )

    def add_arguments(self, parser):
        parser.add_argument("points", help="CSV file with a header row (comma or semicolon separated).")
        parser.add_argument("--lon", required=True, help="Longitude column.")
        parser.add_argument("--lat", required=True, help="Latitude column.")
        parser.add_argument("--cell", type=float, required=True, help="Cell size in metres.")
        parser.add_argument("--crs", default=DEFAULT_CRS, help=f"Projected CRS for the grid (default {DEFAULT_CRS}).")
        parser.add_argument("--permutations", type=int, default=0, help="Conditional permutations (e.g. 999).")
        parser.add_argument("--seed", type=int, default=None, help="Random seed for the permutations.")
        parser.add_argument("-o", "--output", default="-", help="Output CSV (default: standard output).")

    def handle(self, *args, **options):
        if options["cell"] <= 0:
            raise CommandError("--cell must be a positive number of metres")
        if options["permutations"] < 0:
            raise CommandError("--permutations cannot be negative")
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
        grid = grid_covering(x, y, options["cell"], crs=options["crs"])
        if grid.n > 25_000_000:
            raise CommandError(f"{grid.nrows}×{grid.ncols} cells is too many; choose a larger --cell")
        result = gi_star(bin_counts(grid, x, y), options["permutations"], options["seed"])
        lon, lat = grid.centres_lonlat()
        to_stdout = options["output"] == "-"
        out = self.stdout if to_stdout else open(options["output"], "w", newline="", encoding="utf-8")  # noqa: SIM115
        try:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(COLUMNS)
            for r in range(grid.nrows):
                for c in range(grid.ncols):
                    writer.writerow([
                        r, c, f"{lon[r, c]:.6f}", f"{lat[r, c]:.6f}", int(result.counts[r, c]),
                        f"{result.z[r, c]:.6f}", f"{result.p_norm[r, c]:.6g}",
                        "" if result.p_sim is None else f"{result.p_sim[r, c]:.6g}",
                        f"{result.q[r, c]:.6g}", result.classes[r, c],
                    ])  # fmt: skip
        finally:
            if not to_stdout:
                out.close()
        summary = (
            f"{points.lon.size} points ({points.skipped_empty} rows without coordinates skipped), "
            f"{grid.nrows}×{grid.ncols} cells of {options['cell']:g} m in {options['crs']}, "
            f"{int(result.hot().sum())} hot and {int(result.cold().sum())} cold at ≥90 % (FDR)"
        )
        self.stderr.write(summary)
        smallest = 2 / (options["permutations"] + 1)
        if options["permutations"] and smallest * grid.n > 0.10 * 100:
            self.stderr.write(
                f"note: with {options['permutations']} permutations the smallest p-value is {smallest:.2g}; "
                f"after FDR over {grid.n} cells few cells can reach significance — consider more permutations"
            )
