"""The walk report (Brå, *Trygghetsvandringar*: what was seen, where, and what should be done), for the page and
the PDF: the stops with their nearest named place, answers with problems first, photos, notes and proposals; a
summary of problems per checklist point; and a map drawn without background tiles (works offline and in print)."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

import numpy as np

from trygg.core import geo, rendering
from trygg.core.photos import photo_path
from trygg.incidents.nearest import describe_places
from trygg.orgs.models import Place
from trygg.walks.models import Answer, Stop, Walk

ORDER = {Answer.Verdict.PROBLEM: 0, Answer.Verdict.OK: 1, Answer.Verdict.NOT_APPLICABLE: 2}


@dataclass
class StopView:
    stop: Stop
    where: str
    answers: list[dict]
    photos: list
    problem_count: int


@dataclass
class PointSummary:
    question: dict
    stops: list[int] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


def stop_views(walk: Walk) -> list[StopView]:
    stops = list(
        walk.stops.select_related("place", "proposal_owner", "incident", "measure").prefetch_related(
            "answers", "photos"
        )
    )
    places = describe_places(stops, walk.municipality_id)
    result = []
    for stop in stops:
        by_code = {a.code: a for a in stop.answers.all()}
        answers = []
        for position, question in enumerate(walk.questions):
            answer = by_code.get(question["code"])
            if answer is not None:
                answers.append({"question": question, "answer": answer, "position": position})
        answers.sort(key=lambda a: (ORDER.get(a["answer"].verdict, 3), a["position"]))
        problems = sum(1 for a in answers if a["answer"].verdict == Answer.Verdict.PROBLEM)
        result.append(StopView(stop, places.get(stop.pk, ""), answers, list(stop.photos.all()), problems))
    return result


def problem_summary(walk: Walk, views: list[StopView]) -> list[PointSummary]:
    """Per checklist point (in the checklist's order): the stops where it was a problem, and their comments."""
    summary = {q["code"]: PointSummary(q) for q in walk.questions}
    for view in views:
        for item in view.answers:
            answer = item["answer"]
            if answer.verdict == Answer.Verdict.PROBLEM and answer.code in summary:
                summary[answer.code].stops.append(view.stop.number)
                if answer.comment:
                    summary[answer.code].comments.append(f"{view.stop.number}: {answer.comment}")
    return [s for s in summary.values() if s.stops]


def _rings(geometry: dict | None) -> list[np.ndarray]:
    if not geometry or geometry.get("type") not in {"Polygon", "MultiPolygon"}:
        return []
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return [np.array(ring, float) for polygon in polygons for ring in polygon]


def stop_map(walk: Walk, views: list[StopView]) -> str:
    """The area and the numbered stops (red: at least one problem) with the named places near them, as SVG in
    SWEREF 99 TM metres; empty without stops."""
    if not views:
        return ""
    lon = np.array([v.stop.lon for v in views])
    lat = np.array([v.stop.lat for v in views])
    x, y = geo.project(lon, lat)
    fig, ax = rendering.plt.subplots(figsize=(6.4, 4.6))
    for ring in _rings(walk.area_geometry):
        rx, ry = geo.project(ring[:, 0], ring[:, 1])
        ax.plot(rx, ry, color="#1f4e79", linewidth=1.2, linestyle="--")
    xmin, xmax, ymin, ymax = x.min(), x.max(), y.min(), y.max()
    pad = max(120.0, 0.15 * max(xmax - xmin, ymax - ymin))
    xmin, xmax, ymin, ymax = xmin - pad, xmax + pad, ymin - pad, ymax + pad
    places = [p for p in Place.objects.filter(municipality_id=walk.municipality_id) if not p.is_area]
    if places:
        px, py = geo.project([p.lon for p in places], [p.lat for p in places])
        for place, qx, qy in zip(places, px, py, strict=True):
            if xmin <= qx <= xmax and ymin <= qy <= ymax:
                ax.plot(qx, qy, marker="^", color="#444", markersize=5, zorder=2)
                ax.annotate(
                    place.name,
                    (qx, qy),
                    xytext=(-7, 0),
                    textcoords="offset points",
                    ha="right",
                    va="center",
                    fontsize=7,
                    color="#333",
                    zorder=3,
                    annotation_clip=False,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
                )
    if len(views) > 1:
        ax.plot(x, y, color="#888", linewidth=0.8, linestyle=":")
    for view, sx, sy in zip(views, x, y, strict=True):
        colour = "#b03a2e" if view.problem_count else "#1f4e79"
        ax.annotate(
            str(view.stop.number),
            (sx, sy),
            ha="center",
            va="center",
            zorder=4,
            fontsize=8,
            weight="bold",
            color="white",
            bbox={"boxstyle": "circle,pad=0.3", "fc": colour, "ec": "white", "lw": 0.8},
        )
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(True)
        ax.spines[side].set_color("#bbb")
    scale = 100 if (xmax - xmin) < 1500 else 500
    sx0, sy0 = xmin + 0.05 * (xmax - xmin), ymin + 0.06 * (ymax - ymin)
    ax.plot([sx0, sx0 + scale], [sy0, sy0], color="black", linewidth=2)
    ax.annotate(
        f"{scale} m", (sx0 + scale / 2, sy0), xytext=(0, 4), textcoords="offset points", ha="center", fontsize=7
    )
    return rendering.to_svg(fig)


def data_uri(content: bytes, kind: str) -> str:
    return f"data:{kind};base64," + base64.b64encode(content).decode("ascii")


def photo_uri(photo) -> str:
    """A stored photo as a data URI for the PDF (WeasyPrint reads no session-protected URL); empty if missing."""
    try:
        return data_uri(photo_path("walks", photo.name).read_bytes(), "image/jpeg")
    except (FileNotFoundError, OSError):
        return ""


def context(walk: Walk, *, for_print: bool = False) -> dict:
    views = stop_views(walk)
    svg = stop_map(walk, views)
    if for_print:
        for view in views:
            view.photos = [(p, photo_uri(p)) for p in view.photos]
    return {
        "walk": walk,
        "stops": views,
        "summary": problem_summary(walk, views),
        "proposals": [v for v in views if v.stop.proposal],
        "map_uri": data_uri(svg.encode("utf-8"), "image/svg+xml") if svg else "",
        "organisations": walk.organisations.order_by("name"),
        "staff_count": walk.participants.count(),
        "problem_total": sum(v.problem_count for v in views),
    }


def pdf(walk: Walk) -> bytes:
    return rendering.pdf_from_html(rendering.print_html("walks/report_print.html", context(walk, for_print=True)))
