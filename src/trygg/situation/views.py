"""Lägesbild pages: choose a report, the report itself (computed in the background), exports, comparison."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from trygg.audit import log
from trygg.core.periods import PeriodError, current, parse_period, reader_label
from trygg.orgs import access
from trygg.orgs.models import Municipality, Place
from trygg.situation import charts as charts_module
from trygg.situation import csv_tables, docx_export
from trygg.situation.comparison import compare
from trygg.situation.data import Scope
from trygg.situation.models import Narrative, ReportCache
from trygg.situation.service import compute_into, current_cache, render_pdf, start
from trygg.situation.templatetags.situation_extras import where

KINDS = (
    ("week", gettext_lazy("Week")),
    ("month", gettext_lazy("Month")),
    ("tertial", gettext_lazy("Tertial")),
    ("year", gettext_lazy("Year")),
)


def _load(request, code: str, period_key: str, action: str = "view"):
    municipality = access.fetch(Municipality, request.user, action, code=code)
    try:
        period = parse_period(period_key)
    except PeriodError as exc:
        raise Http404(str(exc)) from exc
    if period.start > timezone.localdate():
        raise Http404(_("The period has not begun: there is nothing to report yet."))
    place = None
    if request.GET.get("area"):
        area = request.GET["area"]
        place = Place.objects.filter(municipality=municipality, pk=area).first() if area.isdigit() else None
        if place is None:
            raise Http404(_("No such area in this municipality."))
        if (place.geometry or {}).get("type") not in ("Polygon", "MultiPolygon"):
            raise Http404(_("This place is a point without a boundary: a report needs an area."))
    return municipality, period, place


def _fresh_report(request, municipality, period, place) -> ReportCache:
    """The report computed now if it is not cached and fresh (for exports, which the user waits for)."""
    row, fresh = current_cache(municipality, period.key, place, request.user)
    if not fresh:
        row = compute_into(row.pk, municipality, period.key, place, request.user)
    return row


@login_required
def index(request):
    municipalities = access.visible_municipalities(request.user)
    today = timezone.localdate()
    periods = [
        (_("This week"), current("week", today)),
        (_("Last week"), current("week", today).shifted(-1)),
        (_("Last month"), current("month", today).shifted(-1)),
        (_("Last tertial"), current("tertial", today).shifted(-1)),
        (_("Last year"), current("year", today).shifted(-1)),
    ]
    # named as on the report ("vecka 49, 30 nov – 6 dec"), not by their codes
    shortcuts = [(label, p.key, reader_label(p)) for label, p in periods]
    error = None
    if request.GET.get("m", "").isdigit() and request.GET.get("period"):
        try:
            period = parse_period(request.GET["period"])
        except PeriodError as exc:
            error = str(exc)
        else:
            return redirect("situation:report", code=request.GET["m"], period=period.key)
    return render(
        request,
        "situation/index.html",
        {"municipalities": municipalities, "shortcuts": shortcuts, "error": error, "kinds": KINDS},
    )


@login_required
def report(request, code: str, period: str):
    municipality, period_obj, place = _load(request, code, period)
    if period_obj.key != period:
        return redirect(reverse("situation:report", args=[code, period_obj.key]) + _area_query(place))
    row, fresh = current_cache(municipality, period_obj.key, place, request.user)
    if not fresh:
        row = start(row, municipality, period_obj.key, place, request.user)
        if row.status != ReportCache.Status.DONE:
            return render(
                request,
                "situation/progress.html",
                {
                    "row": row,
                    "municipality": municipality,
                    "period": period_obj,
                    "place": place,
                    "period_name": reader_label(period_obj),
                },
            )
    log.record(request.user, "view", object_type="situation.lagesbild", object_id=f"{code}:{period_obj.key}")
    return render(request, "situation/report.html", _report_context(request, row, municipality, period_obj, place))


def _area_query(place) -> str:
    return f"?area={place.pk}" if place else ""


def _report_context(request, row, municipality, period, place) -> dict:
    r = row.data
    base = reverse("situation:report", args=[municipality.code, period.key])
    spatial = r.get("spatial") or {}
    layers = {
        "boundary": municipality.boundary,
        "hot": spatial.get("hot_cells", []),
        "cold": spatial.get("cold_cells", []),
        "emerging": (spatial.get("emerging") or {}).get("cells", []),
        "hotspots": [
            {
                "number": i,
                "polygon": h["polygon"],
                "label": _("%(number)s. %(where)s: %(count)s incidents")
                % {"number": i, "where": where(h["where"]), "count": h["count"]},
            }
            for i, h in enumerate(spatial.get("hotspots", []), start=1)
        ],
        "density": (row.charts or {}).get("density_overlay"),
        "labels": {"hot": _("Hot cell"), "cold": _("Cold cell"), "incidents": _("incidents in the window")},
        "area": r["area"]["geometry"] if r.get("area") else None,
    }
    return {
        "r": r,
        "charts": row.charts or {},
        "web": True,
        "municipality": municipality,
        "period": period,
        "place": place,
        "places": Place.objects.filter(municipality=municipality),
        "csv_base": base + "csv/",
        "area_query": _area_query(place),
        "map_layers": layers,
        "can_write": access.allowed(municipality, request.user, "coordinate"),
        "narrative_url": reverse("situation:narrative", args=[municipality.code, period.key]) + _area_query(place),
        "previous": period.shifted(-1).key,
        "next": period.shifted(1).key,
        "previous_label": reader_label(period.shifted(-1)),
        "next_label": reader_label(period.shifted(1)),
    }


@login_required
def status(request, pk: int):
    row = access.fetch(ReportCache, request.user, pk=pk)
    municipality = get_object_or_404(Municipality.objects.defer("boundary"), code=row.municipality_code)
    if row.scope_key != Scope(request.user).key_in(municipality):
        raise Http404  # computed for another person's view of the data
    response = render(request, "situation/_progress_bar.html", {"row": row})
    if row.status == ReportCache.Status.DONE:
        response["HX-Refresh"] = "true"
    return response


@login_required
def export_pdf(request, code: str, period: str):
    municipality, period_obj, place = _load(request, code, period)
    row = _fresh_report(request, municipality, period_obj, place)
    pdf = render_pdf(row.data, row.charts or {})
    log.record(
        request.user, "export", object_type="situation.lagesbild", object_id=f"{code}:{period_obj.key}", summary="pdf"
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="lagesbild-{code}-{period_obj.key}.pdf"'
    return response


@login_required
def export_docx(request, code: str, period: str):
    """The lägesbild as a Word document: the PDF's sections, tables and figures (see :mod:`.docx_export`)."""
    municipality, period_obj, place = _load(request, code, period)
    row = _fresh_report(request, municipality, period_obj, place)
    document = docx_export.build(row.data, municipality.boundary)
    log.record(
        request.user, "export", object_type="situation.lagesbild", object_id=f"{code}:{period_obj.key}", summary="docx"
    )
    response = HttpResponse(document, content_type=docx_export.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{docx_export.filename(row.data)}"'
    return response


@login_required
def export_json(request, code: str, period: str):
    municipality, period_obj, place = _load(request, code, period)
    row = _fresh_report(request, municipality, period_obj, place)
    log.record(
        request.user, "export", object_type="situation.lagesbild", object_id=f"{code}:{period_obj.key}", summary="json"
    )
    response = JsonResponse(row.data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="lagesbild-{code}-{period_obj.key}.json"'
    return response


@login_required
def export_csv(request, code: str, period: str, table: str):
    if table not in csv_tables.TABLES:
        raise Http404
    municipality, period_obj, place = _load(request, code, period)
    r = _fresh_report(request, municipality, period_obj, place).data
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="lagesbild-{code}-{period_obj.key}-{table}.csv"'
    csv_tables.write(table, r, response)
    return response


@login_required
@require_POST
def narrative(request, code: str, period: str):
    municipality, period_obj, place = _load(request, code, period, "coordinate")
    text = request.POST.get("text", "").strip()
    if len(text) > 20_000:
        messages.error(request, _("The analysis is too long (at most 20 000 characters)."))
    else:
        entry = Narrative.objects.create(
            municipality=municipality,
            period=period_obj.key,
            area=place.name if place else "",
            text=text,
            author=request.user,
        )
        log.record(request.user, "create", entry, summary=f"analysis {code} {period_obj.key}")
        messages.success(request, _("The analysis was saved as a new version."))
    return redirect(reverse("situation:report", args=[code, period_obj.key]) + _area_query(place))


@login_required
def comparison(request):
    visible = access.visible_municipalities(request.user)
    codes = request.GET.getlist("m") or list(access.reach(request.user).municipalities)[:2]
    chosen = list(visible.filter(code__in=codes))
    period_key = request.GET.get("period") or current("year", timezone.localdate()).shifted(-1).key
    error = None
    result = None
    try:
        period = parse_period(period_key)
    except PeriodError as exc:
        error = str(exc)
    else:
        if period.start > timezone.localdate():
            error = _("The period has not begun: there is nothing to report yet.")
        elif len(chosen) >= 2:
            with translation.override("sv"):
                # the partners' view for every municipality: a user's own internal reports would count for
                # their municipality only, and the comparison would not be like for like
                result = compare(chosen, period, Scope(None))
            result["chart"] = charts_module.comparison_chart(result)
        else:
            error = _("Choose at least two municipalities.")
    if request.GET.get("format") == "json" and result:
        payload = {k: v for k, v in result.items() if k != "chart"}
        return JsonResponse(payload, json_dumps_params={"ensure_ascii": False, "indent": 1})
    if request.GET.get("format") == "csv" and result:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        names = "-".join(m["code"] for m in result["municipalities"])
        response["Content-Disposition"] = f'attachment; filename="jamforelse-{names}-{period.key}.csv"'
        csv_tables.comparison(result, response)
        return response
    return render(
        request,
        "situation/comparison.html",
        {
            "result": result,
            "error": error,
            "municipalities": visible,
            "chosen": {m.code for m in chosen},
            "period_key": period_key,
            "result_json": json.dumps(result is not None),
        },
    )
