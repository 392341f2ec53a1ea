"""Charts and maps of a lägesbild, drawn from the report dict with matplotlib (no tile server needed).

Every figure is readable without colour: series carry markers and direct labels, hot and cold cells are
hatched and named in the legend, the time-of-week matrix is a grey scale with the busiest hours marked.
Figures are returned as SVG text (web and PDF) so they stay sharp when printed, or, given ``render=to_png``,
as PNG bytes for the Word export: the same drawing either way. An empty string means no figure.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable

import numpy as np
from matplotlib.patches import Patch, Rectangle

from trygg.analysis.grid import to_lonlat, to_projected
from trygg.core.rendering import number, plt, to_svg

Figure = str | bytes  # SVG text or PNG bytes; "" when there is nothing to draw
Render = Callable[..., Figure]

MARKERS = ["o", "s", "^", "D", "v", "P"]
LINESTYLES = ["-", "--", ":", "-.", (0, (5, 1)), (0, (3, 1, 1, 1))]
HATCH = {"hot_99": "xxxx", "hot_95": "////", "cold_99": "oo", "cold_95": ".."}
# a cell is classed by its 3 × 3 neighbourhood (Getis–Ord Gi*), so a cell without events of its own can be in a hot
# zone: said in the label, so that an empty hot cell on the map or in the CSV is not read as a mistake
CLASS_LABEL_SV = {
    "hot_99": "Het zon 99 % (rutan med grannrutor)",
    "hot_95": "Het zon 95 % (rutan med grannrutor)",
    "cold_99": "Kall zon 99 % (rutan med grannrutor)",
    "cold_95": "Kall zon 95 % (rutan med grannrutor)",
}
_PATTERN_SV = {
    "new": "tillkommen",  # not "ny": the weekly "ny het punkt" is the space-time scan
    "consecutive": "i följd",
    "intensifying": "intensifierad",
    "persistent": "ihållande",
    "diminishing": "avtagande",
    "sporadic": "sporadisk",
    "oscillating": "växlande",
    "historical": "historisk",
}
_PATTERN_LETTER = {
    "new": "N",
    "consecutive": "F",
    "intensifying": "I",
    "persistent": "P",
    "diminishing": "A",
    "sporadic": "S",
    "oscillating": "V",
    "historical": "H",
}
# Emerging categories: upper-case letters for hot spots, lower-case for cold spots.
EMERGING_SV = {
    **{f"{k}_hot": f"{v} het punkt" for k, v in _PATTERN_SV.items()},
    **{f"{k}_cold": f"{v} kall punkt" for k, v in _PATTERN_SV.items()},
}
EMERGING_LETTER = {
    **{f"{k}_hot": v for k, v in _PATTERN_LETTER.items()},
    **{f"{k}_cold": v.lower() for k, v in _PATTERN_LETTER.items()},
}
WEEKDAYS_SV = ["mån", "tis", "ons", "tor", "fre", "lör", "sön"]


def spread_labels(values: list[float], gap: float) -> np.ndarray:
    """Label positions near ``values`` but at least ``gap`` apart (moved upwards), so end labels do not overlap."""
    placed = np.asarray(values, float).copy()
    last = -np.inf
    for i in np.argsort(placed, kind="stable"):
        placed[i] = max(placed[i], last + gap)
        last = placed[i]
    return placed


def series_chart(report: dict, render: Render = to_svg) -> Figure:
    series = report["series"]
    labels = series.get("axis_labels") or series["periods"]
    x = np.arange(len(labels))
    partial = ~np.asarray(series.get("covered", [True] * len(labels)), bool)
    fig, ax = plt.subplots(figsize=(7.2, 3.0))
    lines = [("Totalt", series["total"], "o", "-", "black", 2.0, 6)]
    for i, (code, counts) in enumerate(series["by_category"].items()):
        style = (MARKERS[i % len(MARKERS)], LINESTYLES[i % len(LINESTYLES)], plt.cm.tab10(i), 1.2, 4)
        lines.append((series["category_labels"][code], counts, *style))
    for name, counts, marker, linestyle, color, width, size in lines:
        values = np.array([np.nan if v is None else v for v in counts], float)  # None: no data at all, no point
        whole = np.where(partial, np.nan, values)  # the line joins complete periods only
        ax.plot(x, whole, marker=marker, linestyle=linestyle, color=color, linewidth=width, markersize=size,
                label=name)  # fmt: skip
        if partial.any():  # periods only partly covered by data: hollow markers, not joined
            ax.plot(x[partial], values[partial], linestyle="none", marker=marker, markersize=size,
                    markerfacecolor="white", markeredgecolor=color)  # fmt: skip
    last = [0.0 if counts[-1] is None else counts[-1] for _, counts, *_ in lines]
    top = max((v for _, counts, *_ in lines for v in counts if v is not None), default=0) or 1
    ends = spread_labels(last, gap=0.07 * top)
    for (name, _counts, _marker, _style, color, *_), end, y in zip(lines, last, ends, strict=True):
        moved = abs(y - end) > 0.02 * top  # a thin leader line joins a label pushed away from its point
        leader = {"arrowstyle": "-", "color": color, "linewidth": 0.5, "relpos": (0, 0.5)} if moved else None
        ax.annotate(name, (x[-1], end), xytext=(x[-1] + 0.35, y), textcoords="data", va="center",
                    fontsize=7 if name != "Totalt" else 8, arrowprops=leader)  # fmt: skip
    ax.set_xticks(x, labels, rotation=45, ha="right", fontsize=7)
    ax.set_ylabel("Antal händelser")
    ax.set_ylim(0, max(top * 1.05, float(ends.max()) + 0.05 * top))
    ax.set_xlim(-0.3, len(x) - 1 + 1.9)
    if partial.any():
        ax.plot([], [], linestyle="none", marker="o", markerfacecolor="white", markeredgecolor="black",
                label="Perioden täcks bara delvis av data")  # fmt: skip
    ax.legend(fontsize=7, frameon=False, ncols=3, loc="upper left", bbox_to_anchor=(0, -0.35))
    return render(fig)


def categories_chart(report: dict, render: Render = to_svg) -> Figure:
    rows = [r for r in report["categories"] if r["code"] != "_total"][:12][::-1]
    if not rows:
        return ""
    y = np.arange(len(rows))
    fig, ax = plt.subplots(figsize=(7.2, 0.3 * len(rows) + 0.8))
    ax.barh(y, [r["count"] for r in rows], color="#9bb7d4", edgecolor="black", linewidth=0.5, label="Perioden")
    compared = [i for i, r in enumerate(rows) if r.get("expected") is not None]
    ax.scatter(
        [rows[i]["expected"] for i in compared],
        y[compared],
        marker="|",
        s=220,
        color="black",
        linewidths=2,
        label="Förväntat utifrån jämförelseperioderna",
        zorder=3,
    )
    for yi, r in zip(y, rows, strict=True):
        mark = {"up": " ▲", "down": " ▼"}.get(r["direction"], "")
        ax.annotate(
            f"{number(r['count'])}{mark}",
            (max(r["count"], r.get("expected") or 0), yi),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=7,
        )
    ax.set_yticks(y, [r["label"] for r in rows])
    ax.set_xlabel("Antal händelser (▲ fler / ▼ färre än vanligt, efter säsong och normal variation)")
    ax.legend(fontsize=7, frameon=False, loc="lower right")
    return render(fig)


def time_of_week_chart(report: dict, render: Render = to_svg) -> Figure:
    matrix = np.array(report["time_of_week"], float)
    fig, ax = plt.subplots(figsize=(7.2, 2.4))
    image = ax.imshow(matrix, cmap="Greys", aspect="auto", vmin=0)
    ax.set_yticks(range(7), WEEKDAYS_SV)
    ax.set_xticks(range(0, 24, 2), [f"{h:02d}" for h in range(0, 24, 2)])
    ax.set_xlabel("Timme")
    if matrix.max() > 0:
        threshold = np.sort(matrix.ravel())[-min(5, matrix.size)]
        for r, c in zip(*np.nonzero(matrix >= max(threshold, 1)), strict=True):
            ax.text(
                c, r, number(int(matrix[r, c])), ha="center", va="center", color="white", fontsize=7, fontweight="bold"
            )
    fig.colorbar(image, ax=ax, label="Antal", shrink=0.8)
    return render(fig)


def lorenz_chart(report: dict, render: Render = to_svg) -> Figure:
    spatial = report.get("spatial") or {}
    if not spatial.get("available"):
        return ""
    points = np.array(spatial["concentration"]["lorenz"], float)
    fig, ax = plt.subplots(figsize=(3.4, 3.0))
    ax.plot(points[:, 0] * 100, points[:, 1] * 100, color="black", linewidth=2, label="Händelser")
    ax.plot([0, 100], [0, 100], linestyle=":", color="grey", label="Jämn fördelning")
    ax.set_xlabel("Andel rutor (%), flest händelser först")
    ax.set_ylabel("Andel händelser (%)")
    ax.legend(fontsize=7, frameon=False, loc="lower right")
    return render(fig)


def _boundary_xy(geometry: dict | None, crs: str):
    if not geometry:
        return []
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    rings = []
    for polygon in polygons:
        for ring in polygon:
            lon, lat = np.array(ring).T
            rings.append(to_projected(lon, lat, crs))
    return rings


def hotspot_map(report: dict, boundary: dict | None = None, layer: str = "hotspots", render: Render = to_svg) -> Figure:
    """The study area with the KDE surface, hot/cold cells (hatched) or emerging categories (letters)."""
    spatial = report.get("spatial") or {}
    if not spatial.get("available"):
        return ""
    g = spatial["grid"]
    x0, y0, cell, nrows, ncols = g["x0"], g["y0"], g["cell"], g["nrows"], g["ncols"]
    extent = (x0, x0 + ncols * cell, y0, y0 + nrows * cell)
    fig, ax = plt.subplots(figsize=(6.5, 6.5 * nrows / max(ncols, 1) if ncols else 6.5))
    density = np.array(spatial["kde"]["per_km2"], float)
    shown = np.ma.masked_less_equal(density, density.max() * 0.01 if density.size else 0)
    image = ax.imshow(shown, origin="lower", extent=extent, cmap="Oranges", alpha=0.85, interpolation="bilinear",
                      vmin=0)  # fmt: skip
    fig.colorbar(image, ax=ax, label="Händelser per km² (täthet)", shrink=0.6, pad=0.02, location="bottom")
    for xs, ys in _boundary_xy(boundary, g["crs"]):
        ax.plot(xs, ys, color="#1f4e79", linewidth=1.5)
    area = report.get("area")
    if area and area["geometry"]["type"] != "Point":
        for xs, ys in _boundary_xy(area["geometry"], g["crs"]):
            ax.plot(xs, ys, color="black", linewidth=1, linestyle="--")
    landmarks = report.get("landmarks") or []
    if landmarks:
        lx, ly = to_projected([m["lon"] for m in landmarks], [m["lat"] for m in landmarks], g["crs"])
        for mark, px, py in zip(landmarks, lx, ly, strict=True):
            if extent[0] <= px <= extent[1] and extent[2] <= py <= extent[3]:
                ax.plot(px, py, marker="^", color="black", markersize=5)
                ax.annotate(
                    mark["name"],
                    (px, py),
                    xytext=(4, 4),
                    textcoords="offset points",
                    fontsize=7,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
                )
    handles = []
    if layer == "hotspots":
        for cell_info in spatial["hot_cells"] + spatial["cold_cells"]:
            cls = cell_info["class"]
            ax.add_patch(
                Rectangle(
                    (x0 + cell_info["col"] * cell, y0 + cell_info["row"] * cell),
                    cell,
                    cell,
                    fill=False,
                    hatch=HATCH[cls],
                    edgecolor="black" if cls.startswith("hot") else "#1f4e79",
                    linewidth=0.8,
                )
            )
        present = sorted({c["class"] for c in spatial["hot_cells"] + spatial["cold_cells"]})
        handles = [
            Patch(facecolor="white", edgecolor="black", hatch=HATCH[c], label=CLASS_LABEL_SV[c]) for c in present
        ]
        spots = spatial.get("hotspots") or []
        if spots:
            sx, sy = to_projected([h["lon"] for h in spots], [h["lat"] for h in spots], g["crs"])
            for index, (px, py) in enumerate(zip(sx, sy, strict=True), start=1):
                ax.annotate(str(index), (px, py), ha="center", va="center", fontsize=8, weight="bold",
                            bbox={"boxstyle": "circle,pad=0.2", "fc": "white", "ec": "black", "lw": 0.8})  # fmt: skip
            handles.append(Patch(facecolor="white", edgecolor="black", label="1, 2 … = het punkt i listan"))
    elif layer == "emerging" and spatial.get("emerging", {}).get("available"):
        for cell_info in spatial["emerging"]["cells"]:
            cx = x0 + (cell_info["col"] + 0.5) * cell
            cy = y0 + (cell_info["row"] + 0.5) * cell
            ax.add_patch(Rectangle((cx - cell / 2, cy - cell / 2), cell, cell, fill=False, edgecolor="black", lw=0.6))
            ax.text(cx, cy, EMERGING_LETTER[cell_info["category"]], ha="center", va="center", fontsize=7, weight="bold")
        present = sorted({c["category"] for c in spatial["emerging"]["cells"]})
        handles = [
            Patch(facecolor="white", edgecolor="black", label=f"{EMERGING_LETTER[c]} = {EMERGING_SV[c]}")
            for c in present
        ]
    handles.append(Patch(facecolor="#f4a460", label=f"Täthet (bandbredd {number(spatial['kde']['bandwidth_m'], 0)} m)"))
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    bar = _scale_bar_length(extent[1] - extent[0])
    ax.plot([extent[0] + cell * 0.5, extent[0] + cell * 0.5 + bar], [extent[2] + cell * 0.5] * 2, color="black", lw=3)
    ax.text(extent[0] + cell * 0.5, extent[2] + cell * 0.8, f"{number(bar)} m", fontsize=7, va="bottom")
    ax.text(extent[1] - cell * 0.5, extent[3] - cell * 0.5, "N ↑", ha="right", va="top", fontsize=9, weight="bold")
    ax.legend(handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    return render(fig)


def _scale_bar_length(width_m: float) -> float:
    for candidate in (5000, 2000, 1000, 500, 200, 100, 50):
        if candidate <= width_m / 4:
            return candidate
    return 50


def comparison_chart(comparison: dict, render: Render = to_svg) -> Figure:
    rows = comparison["municipalities"]
    fig, ax = plt.subplots(figsize=(7.2, 0.6 * len(rows) + 1.0))
    y = np.arange(len(rows))
    rates = [r["rate"]["rate"] for r in rows]
    low = [r["rate"]["rate"] - r["rate"]["low"] for r in rows]
    high = [r["rate"]["high"] - r["rate"]["rate"] for r in rows]
    ax.errorbar(rates, y, xerr=[low, high], fmt="o", color="black", capsize=4)
    for yi, r in zip(y, rows, strict=True):
        ax.annotate(
            number(r["rate"]["rate"], 1),
            (r["rate"]["high"], yi),
            xytext=(5, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    ax.set_yticks(y, [r["name"] for r in rows])
    ax.set_xlabel("Händelser per 10 000 invånare (95 % intervall)")
    ax.set_xlim(left=0)
    return render(fig)


def density_overlay(report: dict) -> dict | None:
    """The density surface as a PNG data URI with its WGS84 bounds, for the interactive map.

    The grid is in SWEREF 99 TM; the image is placed on the box of its corners in WGS84, which over a city
    is off by at most a few metres from the exact (slightly rotated) cells.
    """
    spatial = report.get("spatial") or {}
    if not spatial.get("available"):
        return None
    density = np.array(spatial["kde"]["per_km2"], float)
    if density.size == 0 or density.max() <= 0:
        return None
    g = spatial["grid"]
    rgba = plt.cm.Oranges(np.clip(density / density.max(), 0, 1))
    rgba[..., 3] = np.where(density > density.max() * 0.01, 0.75, 0.0)
    buffer = io.BytesIO()
    plt.imsave(buffer, rgba[::-1], format="png")
    xs = [g["x0"], g["x0"] + g["ncols"] * g["cell"]]
    ys = [g["y0"], g["y0"] + g["nrows"] * g["cell"]]
    lon, lat = to_lonlat(np.array([xs[0], xs[1], xs[0], xs[1]]), np.array([ys[0], ys[0], ys[1], ys[1]]), g["crs"])
    return {
        "png": "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii"),
        "bounds": [[float(lat.min()), float(lon.min())], [float(lat.max()), float(lon.max())]],
        "max": spatial["kde"]["max"],
    }


def figures(report: dict, boundary: dict | None, render: Render = to_svg) -> dict[str, Figure]:
    """Every figure of the report, each drawn once and written by ``render`` (SVG text by default, or
    :func:`trygg.core.rendering.to_png` for Word); a figure the report has no data for is empty."""
    drawn = {
        "series": series_chart(report, render),
        "categories": categories_chart(report, render),
        "time_of_week": time_of_week_chart(report, render),
        "lorenz": lorenz_chart(report, render),
        "map": hotspot_map(report, boundary, "hotspots", render),
    }
    if (report.get("spatial") or {}).get("emerging", {}).get("available"):
        drawn["emerging_map"] = hotspot_map(report, boundary, "emerging", render)
    return drawn


def all_charts(report: dict, boundary: dict | None) -> dict:
    """Every figure of the report (SVG text), and the density image of the interactive map (a dict)."""
    charts = figures(report, boundary)
    charts["density_overlay"] = density_overlay(report)
    return charts
