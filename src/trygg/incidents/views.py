"""Incident pages: municipality start page, list, detail, edit and the EST report form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Max
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from trygg.audit import log
from trygg.audit.models import AuditEvent
from trygg.core import photos
from trygg.core.importing import RecordError
from trygg.core.offline import idempotent, keep_offline
from trygg.incidents import jobs as police_jobs
from trygg.incidents.csv_import import import_reports, read_rows
from trygg.incidents.forms import (
    IncidentEditForm,
    IncidentFilterForm,
    IncidentImportForm,
    IncidentReportFormSet,
    ReportHeaderForm,
)
from trygg.incidents.models import AUDITED_FIELDS, Incident, IncidentPhoto, Source
from trygg.incidents.nearest import describe_places
from trygg.incidents.summaries import counts_by_category_and_week, local_midnight, map_layers, recent_weeks
from trygg.orgs import access
from trygg.orgs.models import Municipality, Organisation, Place

WEEK_CHOICES = (4, 8, 13, 26, 52)


def _municipality_for(user, code: str) -> Municipality:
    return access.fetch(Municipality, user, "view", code=code)


@login_required
def dashboard(request, code: str):
    municipality = _municipality_for(request.user, code)
    try:
        weeks_n = int(request.GET.get("weeks", 8))
    except ValueError:
        weeks_n = 8
    weeks_n = weeks_n if weeks_n in WEEK_CHOICES else 8
    weeks = recent_weeks(weeks_n)
    period_start = local_midnight(weeks[0])
    visible = Incident.objects.restrict(request.user).in_statistics()
    in_municipality = visible.filter(municipality=municipality)
    table = counts_by_category_and_week(in_municipality, weeks)
    in_period = in_municipality.filter(occurred_start__gte=period_start)
    county_level = visible.filter(
        municipality__isnull=True, county=municipality.county, occurred_start__gte=period_start
    )
    layers = map_layers(in_period.select_related(None))
    county_layers = map_layers(county_level)
    layers["areas"] += county_layers["areas"]
    counts = dict(in_period.values_list("source").annotate(n=Count("id")))
    by_source = {Source(code).label: n for code, n in counts.items()}
    latest_police = in_municipality.filter(source=Source.POLICE).aggregate(m=Max("occurred_start"))["m"]
    context = {
        "municipality": municipality,
        "table": table,
        "weeks_n": weeks_n,
        "week_choices": WEEK_CHOICES,
        "layers": layers,
        "boundary": municipality.boundary,
        "by_source": by_source,
        "generated_count": in_period.filter(is_generated=True).count(),
        "county_level_count": county_level.count(),
        "latest_police": latest_police,
        "police_fetched": police_jobs.last_fetched(),
        "period_start": weeks[0],
        "places": Place.objects.filter(municipality=municipality),
    }
    return render(request, "incidents/dashboard.html", context)


@login_required
def incident_list(request, code: str):
    municipality = _municipality_for(request.user, code)
    organisations = Organisation.objects.filter(municipalities=municipality)
    form = IncidentFilterForm(request.GET or None, organisations=organisations)
    qs = (
        Incident.objects.restrict(request.user)
        .filter(municipality=municipality)
        .select_related("category", "reporter_org", "place")
    )
    if form.is_bound and form.is_valid():
        qs = form.apply(qs)
    elif form.is_bound:
        qs = qs.none()
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    where = describe_places(page.object_list, municipality.code)
    for incident in page.object_list:
        incident.where = where.get(incident.pk, "")
    return render(
        request,
        "incidents/list.html",
        {"municipality": municipality, "form": form, "page": page, "query": query.urlencode()},
    )


@login_required
@keep_offline
def my_reports(request):
    """Mina rapporter: what the user reported, newest first, with what became of each."""
    qs = Incident.objects.filter(reported_by=request.user).select_related("category", "municipality", "place")
    page = Paginator(qs.order_by("-reported_at", "-id"), 50).get_page(request.GET.get("page"))
    where = describe_places(page.object_list)
    for incident in page.object_list:
        incident.where = where.get(incident.pk, "")
    return render(request, "incidents/mine.html", {"page": page})


@login_required
def incident_detail(request, pk: int):
    incident = access.fetch(
        Incident.objects.select_related("category", "municipality", "county", "reporter_org", "place"),
        request.user,
        pk=pk,
    )
    history = AuditEvent.objects.for_object(incident).select_related("actor")
    return render(
        request,
        "incidents/detail.html",
        {
            "incident": incident,
            "history": history,
            "can_edit": access.allowed(incident, request.user, "change"),
            "photos": incident.photos.all(),
            "boundary": incident.municipality.boundary if incident.municipality and incident.is_centroid else None,
        },
    )


@login_required
def incident_photo(request, pk: int, photo: int):
    """A photo of the incident, for those who may see the incident."""
    incident = access.fetch(Incident, request.user, pk=pk)
    stored = get_object_or_404(IncidentPhoto.objects.restrict(request.user), pk=photo, incident=incident)
    return photos.photo_response("incidents", stored.name, f"handelse-{incident.pk}-{stored.pk}.jpg")


@login_required
def incident_edit(request, pk: int):
    incident = access.fetch(Incident.objects.select_related("category", "municipality"), request.user, "change", pk=pk)
    before = log.snapshot(incident, AUDITED_FIELDS)
    form = IncidentEditForm(request.POST or None, instance=incident)
    if request.method == "POST":
        with transaction.atomic():  # the form's version check reads the row under a lock
            saved = form.save() if form.is_valid() else None
            changes = log.diff(before, log.snapshot(saved, AUDITED_FIELDS)) if saved else {}
            if changes:
                log.record(request.user, "update", saved, changes=changes, summary="incident edited")
        if saved:
            messages.success(request, _("The incident was saved."))
            return redirect("incidents:detail", pk=saved.pk)
    return render(request, "incidents/edit.html", {"incident": incident, "form": form})


def _map_centre(municipality: Municipality | None, places) -> list[float] | None:
    """Where the report map opens: the municipality's first named place (its centre), else its centroid."""
    if municipality is None:
        return None
    first = places.first()
    if first is not None:
        return [first.lat, first.lon]
    return [municipality.centroid_lat, municipality.centroid_lon]


@login_required
@idempotent
@keep_offline
def report(request):
    access.require(access.can_report(request.user), request.user, "report")
    organisations = access.reporting_organisations(request.user)
    municipalities = Municipality.objects.filter(organisations__in=organisations).distinct().order_by("name")
    if not municipalities.exists():
        raise Http404(_("Your organisation does not work in any municipality yet."))
    header = ReportHeaderForm(
        request.POST or None,
        organisations=organisations,
        municipalities=municipalities,
        initial={"municipality": request.GET.get("m") or municipalities.first().pk},
    )
    municipality = None
    if header.is_bound:
        if header.is_valid():
            municipality = header.cleaned_data["municipality"]
    else:
        municipality = municipalities.filter(pk=header.initial["municipality"]).first() or municipalities.first()
    formset = IncidentReportFormSet(
        request.POST or None, request.FILES or None, municipality=municipality, prefix="incident"
    )
    if request.method == "POST" and header.is_valid() and formset.is_valid():
        organisation = header.cleaned_data["organisation"]
        created = []
        with transaction.atomic():
            for form in formset.forms:
                if not form.has_changed() or form in formset.deleted_forms:
                    continue
                incident = form.to_incident(organisation=organisation, user=request.user, municipality=municipality)
                incident.save()
                if form.cleaned_data.get("photo"):
                    IncidentPhoto.objects.create(
                        incident=incident, name=photos.clean_photo(form.cleaned_data["photo"], "incidents")
                    )
                log.record(
                    request.user,
                    "create",
                    incident,
                    summary="EST report",
                    changes=log.snapshot(incident, AUDITED_FIELDS),
                )
                created.append(incident)
        messages.success(
            request,
            ngettext("%(n)d incident reported. Thank you!", "%(n)d incidents reported. Thank you!", len(created))
            % {"n": len(created)},
        )
        return redirect(reverse("incidents:mine") + f"?sent={len(created)}")
    places = Place.objects.filter(municipality=municipality) if municipality else Place.objects.none()
    return render(
        request,
        "incidents/report.html",
        {
            "header": header,
            "formset": formset,
            "municipality": municipality,
            "places": [
                {"id": p.pk, "name": p.name, "lat": p.lat, "lon": p.lon, "geometry": p.geometry} for p in places
            ],
            "boundary": municipality.boundary if municipality else None,
            "centre": _map_centre(municipality, places),
        },
    )


@login_required
def import_file(request):
    """Upload a partner's own incident log as CSV: check it (nothing written) or import the valid rows."""
    access.require(access.can_report(request.user), request.user, "import incidents")
    organisations = access.reporting_organisations(request.user)
    form = IncidentImportForm(request.POST or None, request.FILES or None, organisations=organisations)
    result, error = None, ""
    if request.method == "POST" and form.is_valid():
        organisation = form.cleaned_data["organisation"]
        upload = form.cleaned_data["file"]
        check_only = "check" in request.POST
        try:
            result = import_reports(
                read_rows(upload.read()),
                organisation,
                source=upload.name,
                allow_names=form.cleaned_data["allow_names"],
                dry_run=check_only,
                actor=request.user,
            )
        except RecordError as exc:
            error = str(exc)
        return render(
            request,
            "incidents/import.html",
            {"form": form, "result": result, "error": error, "check_only": check_only},
        )
    return render(request, "incidents/import.html", {"form": form})
