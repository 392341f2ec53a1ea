"""`trygg hotspots` on any lon/lat CSV."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from trygg.analysis.grid import bin_counts, grid_covering, to_projected
from trygg.analysis.hotspots import gi_star_z, hotspot_test


def run(*args) -> list[dict]:
    out = io.StringIO()
    call_command("hotspots", *args, stdout=out, stderr=io.StringIO())
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def test_uk_burglaries_full_rectangle_columns_and_values(shared_data, tmp_path):
    source = shared_data / "uk_police" / "2014-11-west-yorkshire-burglary.csv"
    target = tmp_path / "out.csv"
    call_command("hotspots", str(source), "--lon", "Longitude", "--lat", "Latitude", "--cell", "1000",
                 "--crs", "EPSG:27700", "--permutations", "99", "--seed", "4", "-o", str(target),
                 stderr=io.StringIO())  # fmt: skip
    with open(target, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["row", "col", "lon", "lat", "in_area", "count", "density", "window", "expected", "gi_z",
                             "p_hot", "p_cold", "q_fdr", "p_sim", "class"]  # fmt: skip
    # the same lattice built independently from the file
    lon, lat = [], []
    with open(source, encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["Longitude"]:
                lon.append(float(r["Longitude"]))
                lat.append(float(r["Latitude"]))
    x, y = to_projected(lon, lat, "EPSG:27700")
    counts = bin_counts(grid_covering(x, y, 1000, crs="EPSG:27700"), x, y)
    assert len(rows) == counts.size
    assert sum(int(r["count"]) for r in rows) == len(lon)
    first = rows[0]
    assert (first["row"], first["col"]) == ("0", "0")
    assert float(first["lat"]) < float(rows[-1]["lat"])  # row 0 is the southern edge
    z = np.array([float(r["gi_z"]) for r in rows]).reshape(counts.shape)
    assert np.allclose(z, gi_star_z(counts), atol=1e-6)
    assert all(r["p_sim"] != "" for r in rows)
    # density in events per km² over 1 km² cells: it sums to the number of points
    assert sum(float(r["density"]) for r in rows) == pytest.approx(len(lon), rel=1e-4)
    classes = np.array([r["class"] for r in rows]).reshape(counts.shape)
    assert (classes == hotspot_test(counts).classes).all()
    assert (classes == "hot_99").any()


def test_a_boundary_file_is_the_study_area(tmp_path):
    import json

    points = tmp_path / "p.csv"
    points.write_text("lon,lat\n13.5035,59.3794\n13.5036,59.3795\n13.70,59.50\n", encoding="utf-8")
    boundary = tmp_path / "area.geojson"
    ring = [[13.49, 59.37], [13.52, 59.37], [13.52, 59.39], [13.49, 59.39], [13.49, 59.37]]
    boundary.write_text(json.dumps({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]}}))
    err = io.StringIO()
    out = io.StringIO()
    call_command("hotspots", str(points), "--lon", "lon", "--lat", "lat", "--cell", "100", "--boundary",
                 str(boundary), stdout=out, stderr=err)  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert "1 outside the study area" in err.getvalue()
    assert sum(int(r["count"]) for r in rows if r["in_area"] == "1") == 2
    with pytest.raises(CommandError, match="not a readable GeoJSON"):
        run(str(points), "--lon", "lon", "--lat", "lat", "--cell", "100", "--boundary", str(points))


def test_without_permutations_p_sim_is_empty(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("id;lat;lon\n1;59,3794;13,5035\n2;59,3795;13,5036\n3;;\n", encoding="utf-8")
    rows = run(str(path), "--lon", "lon", "--lat", "lat", "--cell", "100")
    assert sum(int(r["count"]) for r in rows) == 2
    assert all(r["p_sim"] == "" for r in rows)


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ("x,y\n13.5,59.3\n", ["--lon", "lon", "--lat", "lat"], "kolumn\\(er\\) saknas"),
        ("lon,lat\n13.5,59.3\nabc,59.3\n", ["--lon", "lon", "--lat", "lat"], "line 3: column 'lon' is not a number"),
        ("lon,lat\n13.5,99\n", ["--lon", "lon", "--lat", "lat"], "not a longitude/latitude"),
        ("lon,lat\n", ["--lon", "lon", "--lat", "lat"], "no points"),
        ("lon,lat\n13.5,59.3\n", ["--lon", "lon", "--lat", "lat", "--crs", "EPSG:4326"], "not a projected CRS"),
        ("lon,lat\n13.5,59.3\n", ["--lon", "lon", "--lat", "lat", "--crs", "EPSG:99999999"], "unknown CRS"),
    ],
)
def test_bad_input_says_what_and_where(tmp_path, content, args, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        run(str(path), "--cell", "100", *args)
