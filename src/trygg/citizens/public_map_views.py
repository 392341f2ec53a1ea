"""The residents' public map of a municipality (counts per grid cell, only where there are at least k).

The page shows the municipality's latest release (``trygg.citizens.public_map_release``), never live data: every
number in steps of k. The category and the period are GET parameters (``?kategori=klotter&weeks=26``); unknown
values fall back to all categories and the default period."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, render
from django.utils.formats import date_format

from trygg.incidents.models import Category

from . import public_map_release, tips
from .publicmap import PERIODS, class_of, colour_classes, parse_weeks, place_name, view_key
from .views import _map_context


def shown_cells(published: dict, view: dict, labels: dict[str, str]) -> list[dict]:
    """The squares of one view of a release, for the map and the table, ordered by band and then by place (never
    by an exact count: the order would tell two releases apart by a single report)."""
    k = published["k"]
    classes = colour_classes(k)
    cells = []
    for c in view["cells"]:
        square = published["squares"][c["square"]]
        low, high = c["low"], c["low"] + k - 1
        index = class_of(low, classes)
        class_low, class_high = classes[index]
        cells.append(
            {
                "low": low,
                "high": high,
                "range": f"{low}–{high}",
                "class": index,
                "class_range": f"{class_low}–{class_high}" if class_high else f"{class_low}+",
                "polygon": square["polygon"],
                "place": place_name(square["where"]),
                "main": [labels.get(code, code) for code in c["main"]],
            }
        )
    cells.sort(key=lambda c: (-c["low"], c["place"]))
    return cells


@login_not_required
def public_map(request, code: str):
    municipality = get_object_or_404(tips.active_municipalities(), code=code)
    release = public_map_release.current(municipality)
    published = release.data
    labels = {c.code: c.label for c in Category.objects.current()}
    categories = [{"code": c, "label": labels.get(c, c)} for c in published["categories"]]
    category = request.GET.get("kategori", "")
    if category not in published["categories"]:
        category = ""
    weeks = parse_weeks(request.GET.get("weeks"))
    view = published["views"][view_key(category, weeks)]
    k = published["k"]
    end = dt.date.fromisoformat(published["weeks_end"])
    cells = shown_cells(published, view, labels)
    data = {
        "cells": cells,
        "k": k,
        "steps": [(k, 2 * k - 1), (2 * k, 3 * k - 1)],
        "cell_m": published["cell_m"],
        "weeks": weeks,
        "category": category,
        "first_day": date_format(end - dt.timedelta(weeks=weeks), "j F Y"),
        "last_day": date_format(end - dt.timedelta(days=1), "j F Y"),
        "released": release.day,
        "hidden": view["hidden"],
        "generated": view["generated"],
    }
    classes = [{"low": low, "high": high, "index": i} for i, (low, high) in enumerate(colour_classes(k))]
    map_cells = [{key: c[key] for key in ("low", "high", "class", "polygon", "place")} for c in cells]
    return render(
        request,
        "citizens/public_map.html",
        {
            "municipality": municipality,
            "data": data,
            "map_cells": map_cells,
            "classes": classes,
            "categories": categories,
            "category": category,
            "chosen": next((c for c in categories if c["code"] == category), None),
            "periods": PERIODS,
            **_map_context(municipality),
        },
    )
