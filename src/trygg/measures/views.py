"""Problem places, measures, evaluations, agreements, the weekly EST meeting, shared experience, the annual
åtgärdsplan and the public "what we do" page."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.audit import log
from trygg.core import geo, rendering
from trygg.core.periods import PeriodError, current, parse_period
from trygg.incidents.models import Category, Incident
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


def _municipality(request, code: str, action: str = "view") -> Municipality:
    return access.fetch(Municipality, request.user, action, code=code)


def _editable_orgs(request, municipality):
    """The organisations working in the municipality whose problem places and measures the user may edit: all of them
    where the user coordinates, else those where the user reports (the measures' ``change`` rule)."""
    orgs = Organisation.objects.filter(municipalities=municipality)
    if access.allowed(municipality, request.user, "coordinate"):
        return orgs
    return orgs.filter(pk__in=Organisation.objects.restrict(request.user, "report").values("pk"))


def _labels():
    return dict(Category.objects.current().values_list("code", "label_sv"))


@login_required
def index(request):
    user = request.user
    measures = Measure.objects.restrict(user).select_related("owner", "municipality", "problem_place")
    status = request.GET.get("status")
    if status in Measure.Status.values:
        measures = measures.filter(status=status)
    return render(
        request,
        "measures/index.html",
        {
            "measures": measures[:300],
            "places": ProblemPlace.objects.restrict(user),
            "municipalities": Municipality.objects.filter(code__in=access.reach(request.user).own_municipalities),
            "statuses": Measure.Status.choices,
            "status": status,
            "cooperations": Cooperation.objects.restrict(user, "view"),
            "today": timezone.localdate(),
            "agreements": Agreement.objects.restrict(user).select_related("municipality"),
            "agreement_municipalities": Municipality.objects.filter(
                code__in=access.reach(request.user).coordinated_municipalities
                & access.reach(request.user).own_municipalities
            ).defer("boundary"),
        },
    )


@login_required
def place_edit(request, code: str, pk: int | None = None):
    municipality = _municipality(request, code)
    place = access.fetch(ProblemPlace, request.user, "change", pk=pk, municipality=municipality) if pk else None
    organisations = _editable_orgs(request, municipality)
    access.require(organisations.exists(), request.user, "new problem place")
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
    place = access.fetch(ProblemPlace.objects.select_related("municipality", "organisation"), request.user, pk=pk)
    today = timezone.localdate()
    visible = Incident.objects.restrict(request.user)
    scanning = {
        "last_12_months": count_in(
            visible,
            {"p": place.geometry},
            place.municipality,
            place.categories,
            today - dt.timedelta(days=365),
            today + dt.timedelta(days=1),
        ).get("p", 0),
        "previous_12_months": count_in(
            visible,
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
            "can_edit": access.allowed(place, request.user, "change"),
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
    measure = access.fetch(Measure, request.user, "change", pk=pk, municipality=municipality) if pk else None
    owners = _editable_orgs(request, municipality)
    if measure is None:
        access.require(owners.exists(), request.user, "new measure")
    else:
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
    measure = access.fetch(
        Measure.objects.select_related("municipality", "owner", "problem_place"), request.user, pk=pk
    )
    can_edit = access.allowed(measure, request.user, "change")
    form = EvaluationForm(request.POST or None)
    if request.method == "POST":
        access.require(can_edit, request.user, f"evaluate measure {measure.pk}")
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
    qs = Measure.objects.restrict(request.user, "learn").filter(status=Measure.Status.DONE)
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
    municipality = _municipality(request, code, "coordinate")
    agreement = access.fetch(Agreement, request.user, "change", pk=pk, municipality=municipality) if pk else None
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
    agreement = access.fetch(Agreement.objects.select_related("municipality"), request.user, pk=pk)
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
    coops = Cooperation.objects.restrict(request.user, "view")
    today = timezone.localdate()
    return render(
        request,
        "measures/meetings.html",
        {
            "meetings": Meeting.objects.restrict(request.user),
            "cooperations": coops,
            "this_week": current("week", today).key,
        },
    )


@login_required
def meeting_new(request):
    posted = request.POST.get("cooperation") or ""
    coop = access.fetch(Cooperation, request.user, "coordinate", pk=int(posted) if posted.isdigit() else 0)
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
    if created or not meeting.agenda:  # the meeting goes through the week before it, as the Monday job prepares it
        meeting.agenda = meetings.build_agenda(coop, period.shifted(-1).key)
        meeting.save(update_fields=["agenda"])
        log.record(request.user, "create", meeting, summary=f"EST meeting {week}")
    return redirect("measures:meeting", pk=meeting.pk)


@login_required
def meeting_detail(request, pk: int):
    meeting = access.fetch(Meeting.objects.select_related("cooperation"), request.user, pk=pk)
    can_write = access.allowed(meeting, request.user, "change")
    municipalities = meetings.cooperation_municipalities(meeting.cooperation)
    decision_form = DecisionForm(
        request.POST if request.POST.get("form") == "decision" else None,
        cooperation=meeting.cooperation,
        municipalities=municipalities,
    )
    minutes_form = MinutesForm(request.POST if request.POST.get("form") == "minutes" else None, instance=meeting)
    if request.method == "POST":
        access.require(can_write, request.user, f"write meeting {meeting.pk}")
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
        Measure.objects.restrict(request.user)
        .filter(municipality=municipality)
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
        "places": ProblemPlace.objects.restrict(request.user).filter(municipality=municipality),
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


@login_not_required
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
