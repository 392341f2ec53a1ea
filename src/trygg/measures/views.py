"""Problem places, measures, evaluations, agreements, the weekly EST meeting, shared experience, the annual
åtgärdsplan and the public "what we do" page."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.audit import log
from trygg.core import geo, rendering
from trygg.incidents.models import Category
from trygg.measures import evaluate as evaluation
from trygg.measures import meetings
from trygg.measures.areas import AreaError, count_in
from trygg.measures.followup import follow_up
from trygg.measures.forms import (
    AgreementForm,
    DecisionForm,
    EvaluationForm,
    MeasureForm,
    MinutesForm,
    ProblemPlaceForm,
)
from trygg.measures.models import Agreement, Evaluation, Measure, Meeting, ProblemPlace
from trygg.orgs import access
from trygg.orgs.models import Cooperation, Municipality, Organisation
from trygg.situation.periods import PeriodError, current, parse_period

AUDITED = (
    "title",
    "kind",
    "description",
    "owner",
    "contact",
    "problem_place",
    "start",
    "end",
    "due",
    "cost",
    "buffer_m",
    "categories",
    "status",
    "public",
    "public_summary",
    "treated_area",
    "control_area",
)


def _municipality(request, code: str) -> Municipality:
    municipality = get_object_or_404(Municipality, code=code)
    access.require(access.can_view_municipality(request.user, code))
    return municipality


def _measure_parties(measure) -> tuple:
    """``(owner id, municipality code, participant ids)`` for :func:`trygg.orgs.access.can_edit_measure`."""
    return measure.owner_id, measure.municipality_id, list(measure.participants.values_list("pk", flat=True))


def _editable_orgs(request, municipality):
    orgs = Organisation.objects.filter(municipalities=municipality)
    return orgs.filter(pk__in=[o.pk for o in orgs if access.can_edit_measure(request.user, o.pk, municipality.code)])


def _labels():
    return dict(Category.objects.current().values_list("code", "label_sv"))


@login_required
def index(request):
    codes = access.reach(request.user).municipalities
    measures = Measure.objects.filter(municipality__in=codes).select_related("owner", "municipality", "problem_place")
    status = request.GET.get("status")
    if status in Measure.Status.values:
        measures = measures.filter(status=status)
    return render(
        request,
        "measures/index.html",
        {
            "measures": measures[:300],
            "places": ProblemPlace.objects.filter(municipality__in=codes),
            "municipalities": Municipality.objects.filter(code__in=access.reach(request.user).own_municipalities),
            "statuses": Measure.Status.choices,
            "status": status,
            "cooperations": Cooperation.objects.filter(pk__in=access.reach(request.user).cooperation_ids),
            "today": timezone.localdate(),
            "agreements": Agreement.objects.filter(municipality__in=codes).select_related("municipality"),
            "agreement_municipalities": Municipality.objects.filter(
                code__in=access.reach(request.user).coordinated_municipalities
                & access.reach(request.user).own_municipalities
            ).defer("boundary"),
        },
    )


@login_required
def place_edit(request, code: str, pk: int | None = None):
    municipality = _municipality(request, code)
    place = get_object_or_404(ProblemPlace, pk=pk, municipality=municipality) if pk else None
    organisations = _editable_orgs(request, municipality)
    access.require(
        organisations.exists()
        and (place is None or access.can_edit_measure(request.user, place.organisation_id, municipality.code))
    )
    before = log.snapshot(place, ["name", "categories", "scanning", "analysis", "status"]) if place else {}
    form = ProblemPlaceForm(
        request.POST or None, instance=place, municipality=municipality, organisations=organisations
    )
    if request.method == "POST":
        with transaction.atomic():  # the form's version check reads the row under a lock
            saved = form.save() if form.is_valid() else None
            if saved:
                after = log.snapshot(saved, ["name", "categories", "scanning", "analysis", "status"])
                log.record(
                    request.user,
                    "update" if place else "create",
                    saved,
                    summary="problem place",
                    changes=log.diff(before, after),
                )
        if saved:
            return redirect("measures:place", pk=saved.pk)
    return render(
        request,
        "measures/place_form.html",
        {
            "form": form,
            "municipality": municipality,
            "place": place,
            "boundary": municipality.boundary,
            "geometry": place.geometry if place else None,
        },
    )


@login_required
def place_detail(request, pk: int):
    place = get_object_or_404(ProblemPlace.objects.select_related("municipality", "organisation"), pk=pk)
    access.require(access.can_view_municipality(request.user, place.municipality_id))
    today = timezone.localdate()
    scanning = {
        "last_12_months": count_in(
            {"p": place.geometry},
            place.municipality,
            place.categories,
            today - dt.timedelta(days=365),
            today + dt.timedelta(days=1),
        ).get("p", 0),
        "previous_12_months": count_in(
            {"p": place.geometry},
            place.municipality,
            place.categories,
            today - dt.timedelta(days=730),
            today - dt.timedelta(days=365),
        ).get("p", 0),
        "unsafe_marks": _unsafe_marks(place),
    }
    measures = place.measures.select_related("owner").prefetch_related("evaluations")
    from trygg.audit.models import AuditEvent

    return render(
        request,
        "measures/place.html",
        {
            "place": place,
            "scanning": scanning,
            "measures": measures,
            "labels": _labels(),
            "history": AuditEvent.objects.for_object(place),
            "boundary": place.municipality.boundary,
            "can_edit": access.can_edit_measure(request.user, place.organisation_id, place.municipality_id),
        },
    )


def _unsafe_marks(place) -> int:
    from trygg.citizens.models import SurveyResponse

    shape = geo.shape_from_geojson(place.geometry)
    marks = [p for r in SurveyResponse.objects.filter(survey__municipality=place.municipality) for p in r.unsafe_places]
    return sum(1 for lat, lon in marks if shape.covers(geo.point(lon, lat)))


@login_required
def measure_edit(request, code: str, pk: int | None = None):
    municipality = _municipality(request, code)
    measure = get_object_or_404(Measure, pk=pk, municipality=municipality) if pk else None
    owners = _editable_orgs(request, municipality)
    if measure is None:
        access.require(owners.exists())
    else:
        access.require(access.can_edit_measure(request.user, *_measure_parties(measure)))
        owners = (owners | Organisation.objects.filter(pk=measure.owner_id)).distinct()
    initial = {"problem_place": request.GET.get("place")} if not measure else None
    before = log.snapshot(measure, AUDITED) if measure else {}  # before the form changes the instance
    form = MeasureForm(
        request.POST or None, instance=measure, municipality=municipality, owners=owners, initial=initial
    )
    if request.method == "POST":
        with transaction.atomic():  # the form's version check reads the row under a lock
            saved = form.save() if form.is_valid() else None
            if saved:
                log.record(
                    request.user,
                    "update" if measure else "create",
                    saved,
                    summary="measure",
                    changes=log.diff(before, log.snapshot(saved, AUDITED)),
                )
        if saved:
            messages.success(request, _("The measure was saved."))
            return redirect("measures:measure", pk=saved.pk)
    return render(
        request,
        "measures/measure_form.html",
        {"form": form, "municipality": municipality, "measure": measure, "boundary": municipality.boundary},
    )


@login_required
def measure_detail(request, pk: int):
    measure = get_object_or_404(Measure.objects.select_related("municipality", "owner", "problem_place"), pk=pk)
    access.require(access.can_view_municipality(request.user, measure.municipality_id))
    can_edit = access.can_edit_measure(request.user, *_measure_parties(measure))
    form = EvaluationForm(request.POST or None)
    if request.method == "POST":
        access.require(can_edit)
        if form.is_valid():
            d = form.cleaned_data
            try:
                result = evaluation.evaluate(
                    measure, d["before_start"], d["before_end"], d["after_start"], d["after_end"]
                )
            except (AreaError, ValueError) as exc:
                form.add_error(None, str(exc))
            else:
                chart = evaluation.chart(measure, d["before_start"], d["after_end"])
                item = Evaluation.objects.create(
                    measure=measure,
                    before_start=d["before_start"],
                    before_end=d["before_end"],
                    after_start=d["after_start"],
                    after_end=d["after_end"],
                    result=result,
                    chart=chart,
                    created_by=request.user,
                )
                log.record(request.user, "create", item, summary=result["verdict"])
                return redirect("measures:measure", pk=measure.pk)
    from trygg.audit.models import AuditEvent

    return render(
        request,
        "measures/measure.html",
        {
            "measure": measure,
            "can_edit": can_edit,
            "form": form,
            "evaluations": measure.evaluations.all(),
            "labels": _labels(),
            "history": AuditEvent.objects.for_object(measure),
            "boundary": measure.municipality.boundary,
            "layers": {
                "treated": measure.treated_area or (measure.problem_place.geometry if measure.problem_place else None),
                "control": measure.control_area,
            },
        },
    )


@login_required
def library(request):
    """Finished measures in the cooperations' municipalities that share measures — shared experience."""
    r = access.reach(request.user)
    shared = Municipality.objects.filter(
        organisations__cooperations__in=r.cooperation_ids, organisations__cooperations__share_measures=True
    ).distinct()
    qs = Measure.objects.filter(status=Measure.Status.DONE, municipality__in=list(shared) + list(r.own_municipalities))
    kind, category, text = request.GET.get("kind"), request.GET.get("category"), (request.GET.get("q") or "").strip()
    if kind in Measure.Kind.values:
        qs = qs.filter(kind=kind)
    if category:
        qs = qs.filter(categories__icontains=f'"{category}"')
    if text:
        qs = qs.filter(Q(title__icontains=text) | Q(description__icontains=text) | Q(lessons__icontains=text))
    return render(
        request,
        "measures/library.html",
        {
            "measures": qs.select_related("municipality", "owner").prefetch_related("evaluations").distinct()[:200],
            "kinds": Measure.Kind.choices,
            "categories": sorted(_labels().items(), key=lambda x: x[1]),
            "kind": kind,
            "category": category,
            "q": text,
            "labels": _labels(),
        },
    )


@login_required
def agreement_edit(request, code: str, pk: int | None = None):
    municipality = _municipality(request, code)
    access.require(code in access.reach(request.user).coordinated_municipalities)
    agreement = get_object_or_404(Agreement, pk=pk, municipality=municipality) if pk else None
    form = AgreementForm(request.POST or None, instance=agreement, municipality=municipality)
    if request.method == "POST":
        with transaction.atomic():  # the form's version check reads the row under a lock
            item = form.save(commit=False) if form.is_valid() else None
            if item:
                item.municipality = municipality
                item.save()
                form.save_m2m()
                log.record(request.user, "update" if agreement else "create", item, summary="agreement")
        if item:
            return redirect("measures:agreement", pk=item.pk)
    return render(request, "measures/agreement_form.html", {"form": form, "municipality": municipality})


def _agreement_context(agreement) -> dict:
    goals = [(goal, follow_up(goal)) for goal in agreement.goals.select_related("area")]
    return {
        "agreement": agreement,
        "goals": goals,
        "activities": agreement.activities.select_related("owner"),
        "signatories": agreement.signatories.all(),
        "labels": _labels(),
    }


@login_required
def agreement_detail(request, pk: int):
    agreement = get_object_or_404(Agreement.objects.select_related("municipality"), pk=pk)
    access.require(access.can_view_municipality(request.user, agreement.municipality_id))
    context = _agreement_context(agreement)
    if request.GET.get("format") == "pdf":
        return _pdf("measures/agreement_print.html", context, f"overenskommelse-{agreement.pk}.pdf")
    return render(request, "measures/agreement.html", context)


def _pdf(template: str, context: dict, filename: str) -> HttpResponse:
    response = HttpResponse(rendering.pdf_from_html(rendering.print_html(template, context)),
                            content_type="application/pdf")  # fmt: skip
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def meeting_list(request):
    coops = Cooperation.objects.filter(pk__in=access.reach(request.user).cooperation_ids)
    today = timezone.localdate()
    return render(
        request,
        "measures/meetings.html",
        {
            "meetings": Meeting.objects.filter(cooperation__in=coops),
            "cooperations": coops,
            "this_week": current("week", today).key,
        },
    )


@login_required
def meeting_new(request):
    coop = get_object_or_404(Cooperation, pk=request.POST.get("cooperation") or 0)
    access.require(
        coop.pk in access.reach(request.user).cooperation_ids
        and bool(access.reach(request.user).coordinated_municipalities)
    )
    try:
        period = parse_period(request.POST.get("week", ""))
        if period.kind != "week":
            raise PeriodError(_("Choose a week, e.g. %(week)s.") % {"week": current("week", timezone.localdate()).key})
    except PeriodError as exc:
        messages.error(request, str(exc))
        return redirect("measures:meetings")
    if period.start > timezone.localdate():  # minutes of a meeting that has not happened cannot be written
        messages.error(request, _("A meeting can be opened for this week or an earlier one, not for %(week)s.")
                       % {"week": period.key})  # fmt: skip
        return redirect("measures:meetings")
    week = period.key
    meeting, created = Meeting.objects.get_or_create(cooperation=coop, week=week)
    if created or not meeting.agenda:
        meeting.agenda = meetings.build_agenda(coop, week)
        meeting.save(update_fields=["agenda"])
        log.record(request.user, "create", meeting, summary=f"EST meeting {week}")
    return redirect("measures:meeting", pk=meeting.pk)


@login_required
def meeting_detail(request, pk: int):
    meeting = get_object_or_404(Meeting.objects.select_related("cooperation"), pk=pk)
    r = access.reach(request.user)
    access.require(meeting.cooperation_id in r.cooperation_ids)
    can_write = bool(r.coordinated_municipalities)
    municipalities = meetings.cooperation_municipalities(meeting.cooperation)
    decision_form = DecisionForm(
        request.POST if request.POST.get("form") == "decision" else None,
        cooperation=meeting.cooperation,
        municipalities=municipalities,
    )
    minutes_form = MinutesForm(request.POST if request.POST.get("form") == "minutes" else None, instance=meeting)
    if request.method == "POST":
        access.require(can_write)
        if request.POST.get("form") == "minutes":
            with transaction.atomic():  # the form's version check reads the row under a lock
                saved = minutes_form.save(commit=False) if minutes_form.is_valid() else None
                if saved is not None:
                    saved.held_on = saved.held_on or timezone.localdate()
                    saved.save()
                    log.record(request.user, "update", saved, summary="minutes saved")
            if saved is not None:
                messages.success(request, _("The minutes were saved."))
                return redirect("measures:meeting", pk=meeting.pk)
        if decision_form.is_valid():
            d = decision_form.cleaned_data
            try:
                meetings.decide(
                    meeting,
                    d["text"],
                    d["owner"],
                    d["due"],
                    municipalities.get(code=d["municipality"]),
                    d["kind"],
                    request.user,
                )
            except ValueError as exc:
                decision_form.add_error(None, str(exc))
            else:
                messages.success(request, _("The decision was recorded and a measure created."))
                return redirect("measures:meeting", pk=meeting.pk)
    context = {
        "meeting": meeting,
        "decision_form": decision_form,
        "minutes_form": minutes_form,
        "can_write": can_write,
        "decisions": meeting.decisions.select_related("owner", "measure"),
    }
    if request.GET.get("format") == "pdf":
        log.record(request.user, "export", meeting, summary="minutes pdf")
        return _pdf("measures/meeting_print.html", context, f"est-mote-{meeting.week}.pdf")
    return render(request, "measures/meeting.html", context)


def _plan_context(request, code: str, year: int) -> dict:
    """The annual plan's measures: planned or ongoing, and done, in the year (cancelled ones left out)."""
    municipality = _municipality(request, code)
    if not 2000 <= year <= 2100:
        raise Http404(_("No action plan for the year %(year)d.") % {"year": year})
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    measures = (
        Measure.objects.filter(municipality=municipality)
        .filter(
            Q(start__lte=end, end__gte=start)
            | Q(start__lte=end, end__isnull=True)
            | Q(due__range=(start, end))
            | Q(start__isnull=True, created_at__year=year)
        )
        .exclude(status=Measure.Status.CANCELLED)
        .select_related("owner", "problem_place")
        .prefetch_related("evaluations")
    )
    return {
        "municipality": municipality,
        "year": year,
        "labels": _labels(),
        "places": ProblemPlace.objects.filter(municipality=municipality),
        "planned": [m for m in measures if m.status in (Measure.Status.PLANNED, Measure.Status.ONGOING)],
        "done": [m for m in measures if m.status == Measure.Status.DONE],
    }


@login_required
def action_plan(request, code: str, year: int):
    """The annual åtgärdsplan for the municipal board (SFS 2023:196): measures planned and done, with the
    problems of the year's lägesbild they address."""
    context = _plan_context(request, code, year)
    if request.GET.get("format") == "pdf":
        return _pdf("measures/plan_print.html", context, f"atgardsplan-{code}-{year}.pdf")
    return render(request, "measures/plan.html", context)


def public_measures(request):
    """What the municipality and its partners do: measures marked public, without internal notes."""
    measures = Measure.objects.filter(public=True).exclude(status=Measure.Status.CANCELLED)
    code = request.GET.get("m")
    if code:
        measures = measures.filter(municipality_id=code)
    return render(request, "measures/public.html", {"measures": measures.select_related("municipality", "owner")})


@login_required
def action_plan_docx(request, code: str, year: int):
    """The annual åtgärdsplan as a Word document: the sections and tables of :func:`action_plan`'s PDF."""
    from trygg.measures import plan_docx

    context = _plan_context(request, code, year)
    log.record(request.user, "export", object_type="measures.plan", object_id=f"{code}:{year}", summary="docx")
    response = HttpResponse(plan_docx.build(context), content_type=plan_docx.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{plan_docx.filename(code, year)}"'
    return response
