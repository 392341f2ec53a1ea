"""The residents' public map of a municipality (counts per grid cell, only where there are at least k).

The category and the period are GET parameters (``?kategori=klotter&weeks=26``); unknown values fall back to
all categories and the default period."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, render

from . import tips
from .publicmap import PERIODS, parse_weeks, public_cells, statistics_categories
from .views import _map_context


@login_not_required
def public_map(request, code: str):
    municipality = get_object_or_404(tips.active_municipalities(), code=code)
    categories = statistics_categories()
    category = request.GET.get("kategori", "")
    if category not in {c.code for c in categories}:
        category = ""
    weeks = parse_weeks(request.GET.get("weeks"))
    data = public_cells(municipality, weeks=weeks, category=category)
    chosen = next((c for c in categories if c.code == category), None)
    classes = [{"low": low, "high": high, "index": i} for i, (low, high) in enumerate(data["classes"])]
    for c in data["cells"]:
        low, high = data["classes"][c["class"]]
        c["range"] = f"{low}–{high}" if high else f"{low}+"
    map_cells = [
        {"count": c["count"], "class": c["class"], "polygon": c["polygon"], "place": c["place"]} for c in data["cells"]
    ]
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
            "chosen": chosen,
            "periods": PERIODS,
            **_map_context(municipality),
        },
    )
