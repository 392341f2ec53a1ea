"""Safety-walk pages: the list, planning, the walk on the phone (kept for use offline) with its stop form (sent
through the offline queue, idempotent), photos, the report as a page and PDF, turning stops into incidents or
measures, and the cooperations' checklists. Each view's rule is declared in ``trygg/orgs/access_table.py``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trygg.audit import log
from trygg.core.offline import idempotent, keep_offline
from trygg.core.photos import photo_response
from trygg.orgs import access
from trygg.orgs.models import Municipality, Place
from trygg.walks import checklists, choices, conversion, report
from trygg.walks.forms import ChecklistForm, ConvertForm, QuestionFormSet, StopForm, WalkForm
from trygg.walks.models import ChecklistTemplate, Stop, StopPhoto, Walk
from trygg.walks.stops import StopError, add_stop, discard_photos, store_photos

WALK_FIELDS = [*WalkForm.Meta.fields, "status"]
NEXT_STATUS = {Walk.Status.PLANNED: Walk.Status.WALKING, Walk.Status.WALKING: Walk.Status.DONE}


def _walk(request, pk: int) -> Walk:
    return access.fetch(
        Walk.objects.select_related("municipality", "area", "organiser", "template"), request.user, pk=pk
    )


def _managed_walk(request, pk: int) -> Walk:
    return access.fetch(Walk.objects.select_related("municipality", "area", "organiser"), request.user, "manage", pk=pk)


@login_required
def index(request):
    walks = Walk.objects.restrict(request.user).select_related("municipality", "organiser", "area")
    plannable = access.place_municipalities(request.user)  # superusers: wherever an organisation works
    return render(
        request,
        "walks/index.html",
        {
            "walks": walks[:200],
            "plannable": plannable.defer("boundary").order_by("name")[:20],
            "checklists": ChecklistTemplate.objects.restrict(request.user).exists(),
            "today": timezone.localdate(),
        },
    )


def _map_data(municipality: Municipality) -> dict:
    return {
        "boundary": municipality.boundary,
        "places": [
            {"id": p.pk, "name": p.name, "lat": p.lat, "lon": p.lon}
            for p in Place.objects.filter(municipality=municipality)
        ],
        "centre": [municipality.centroid_lat or 62, municipality.centroid_lon or 15],
    }


@login_required
def plan(request, code: str, pk: int | None = None):
    """Plan a walk (or change a planned one): where, when, who and with which checklist."""
    municipality = access.fetch(Municipality, request.user, "view", code=code)  # 403 outside the user's reach
    walk = access.fetch(Walk, request.user, "manage", pk=pk, municipality=municipality) if pk else None  # 404: not here
    municipality = access.fetch(Municipality, request.user, "coordinate", code=code)
    for cooperation in choices.cooperations_of(municipality):
        checklists.ensure_default(cooperation)
    before = log.snapshot(walk, WALK_FIELDS) if walk else {}
    form = WalkForm(request.POST or None, instance=walk, municipality=municipality, user=request.user)
    if request.method == "POST":
        with transaction.atomic():  # the form's version check reads the row under a lock
            saved = form.save(commit=False) if form.is_valid() else None
            if saved is not None:
                saved.municipality = municipality
                template = form.cleaned_data.get("template")
                if template is not None and (walk is None or not walk.stops.exists()):
                    saved.checklist_name, saved.checklist_source = template.name, template.source
                    saved.questions = template.snapshot()
                if walk is None:
                    saved.created_by = request.user
                saved.save()
                form.save_m2m()
                log.record(
                    request.user,
                    "update" if walk else "create",
                    saved,
                    summary="safety walk",
                    changes=log.diff(before, log.snapshot(saved, WALK_FIELDS)),
                )
        if saved is not None:
            messages.success(request, _("The walk was saved."))
            return redirect("walks:walk", pk=saved.pk)
    return render(
        request,
        "walks/plan.html",
        {
            "form": form,
            "municipality": municipality,
            "walk": walk,
            "map": _map_data(municipality),
            "drawn": walk.area_drawn if walk else None,
        },
    )


def _stop_context(request, walk: Walk, form: StopForm) -> dict:
    return {
        "walk": walk,
        "form": form,
        "stops": report.stop_views(walk),
        "can_manage": access.allowed(walk, request.user, "manage"),
        "next_status": NEXT_STATUS.get(walk.status),
        "map": _map_data(walk.municipality),
        "area": walk.area_geometry,
    }


@login_required
@keep_offline
def walk_page(request, pk: int):
    """The walk on the phone: what, where, the checklist, the stops so far and the form for the next stop."""
    walk = _walk(request, pk)
    return render(request, "walks/walk.html", _stop_context(request, walk, StopForm(walk=walk)))


@login_required
@idempotent
def stop_new(request, pk: int):
    """Add a stop (the form of the walk page). Success: a redirect; errors: the form again (200)."""
    walk = _walk(request, pk)
    if request.method != "POST":
        return render(request, "walks/stop_form.html", _stop_context(request, walk, StopForm(walk=walk)))
    form = StopForm(request.POST, request.FILES, walk=walk)
    if form.is_valid():
        names = store_photos(form)
        if form.is_valid():  # a photo that failed re-encoding is an error on the form
            try:
                stop = add_stop(walk, form, names, request.user)
            except StopError as exc:
                discard_photos(names)
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Stop %(n)s was saved.") % {"n": stop.number})
                # a new query, not only a fragment: the script that sent the form loads the page again to show the stop
                return redirect(reverse("walks:walk", args=[walk.pk]) + f"?stopp={stop.number}#stopp-{stop.number}")
    return render(request, "walks/stop_form.html", _stop_context(request, walk, form))


@login_required
@require_POST
def walk_status(request, pk: int):
    """Start, finish or reopen the walk (coordinators)."""
    walk = _managed_walk(request, pk)
    wanted = request.POST.get("status", "")
    allowed = {NEXT_STATUS[walk.status]} if walk.status in NEXT_STATUS else set()
    if walk.status == Walk.Status.DONE:
        allowed.add(Walk.Status.WALKING)  # reopened, e.g. for a stop queued on a phone without network
    if wanted not in allowed:
        messages.error(
            request, _("The walk cannot go from “%(now)s” to that status.") % {"now": walk.get_status_display()}
        )
        return redirect("walks:walk", pk=walk.pk)
    changed = Walk.objects.filter(pk=walk.pk, status=walk.status).update(status=wanted)
    if changed:
        log.record(
            request.user,
            "update",
            walk,
            summary=f"status {walk.status} -> {wanted}",
            changes={"status": [walk.status, wanted]},
        )
    return redirect("walks:report" if wanted == Walk.Status.DONE else "walks:walk", pk=walk.pk)


@login_required
def stop_photo(request, pk: int):
    """A stop's photo (re-encoded, without metadata) for those who may see the walk."""
    photo = access.fetch(StopPhoto, request.user, pk=pk)
    return photo_response("walks", photo.name, f"trygghetsvandring-{photo.stop.walk_id}-{photo.pk}.jpg")


@login_required
def walk_report(request, pk: int):
    walk = _walk(request, pk)
    context = report.context(walk)
    can_manage = access.allowed(walk, request.user, "manage")
    if can_manage:
        for view in context["stops"]:
            if not view.stop.converted:
                view.convert_form = ConvertForm(
                    walk=walk,
                    initial={
                        "category": conversion.suggested_category(view.stop),
                        "kind": conversion.suggested_kind(view.stop),
                        "owner": view.stop.proposal_owner_id,
                    },
                    prefix=f"stop{view.stop.pk}",
                )
    return render(request, "walks/report.html", {**context, "can_manage": can_manage})


@login_required
def walk_report_pdf(request, pk: int):
    walk = _walk(request, pk)
    content = report.pdf(walk)
    log.record(request.user, "export", walk, summary="safety walk report pdf")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="trygghetsvandring-{walk.pk}.pdf"'
    return response


@login_required
@require_POST
def convert(request, pk: int):
    """One click: the stop becomes an incident or a measure (coordinators of the walk's municipality), once."""
    stop = access.fetch(Stop.objects.select_related("walk__municipality"), request.user, "manage", pk=pk)
    walk = stop.walk
    form = ConvertForm(request.POST, walk=walk, prefix=f"stop{stop.pk}")
    target = reverse("walks:report", args=[walk.pk]) + f"#stopp-{stop.number}"
    if not form.is_valid():
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, _("Stop %(n)s was not converted: %(errors)s") % {"n": stop.number, "errors": errors})
        return redirect(target)
    data = form.cleaned_data
    try:
        if data["into"] == "incident":
            incident = conversion.to_incident(stop.pk, data["category"], request.user)
            messages.success(request, _("Stop %(n)s is now incident %(id)s.") % {"n": stop.number, "id": incident.pk})
        else:
            measure = conversion.to_measure(stop.pk, data["kind"], data["owner"], request.user)
            messages.success(
                request, _("Stop %(n)s is now the measure “%(title)s”.") % {"n": stop.number, "title": measure.title}
            )
    except conversion.AlreadyConverted as exc:
        messages.error(request, str(exc))
    return redirect(target)


# -- checklists -------------------------------------------------------------------------------------------------


@login_required
def checklist_list(request):
    items = ChecklistTemplate.objects.restrict(request.user).select_related("cooperation").prefetch_related("questions")
    editable = set(ChecklistTemplate.objects.restrict(request.user, "change").values_list("pk", flat=True))
    return render(
        request,
        "walks/checklists.html",
        {"checklists": [(t, t.pk in editable) for t in items]},
    )


@login_required
def checklist_edit(request, pk: int):
    template = access.fetch(ChecklistTemplate.objects.select_related("cooperation"), request.user, "change", pk=pk)
    before = {"name": template.name, "source": template.source, "questions": template.snapshot()}
    form = ChecklistForm(request.POST or None, instance=template)
    formset = QuestionFormSet(request.POST or None, instance=template, prefix="q")
    if request.method == "POST":
        with transaction.atomic():  # the version check reads the row under a lock
            saved = None
            if form.is_valid() and formset.is_valid():
                saved = form.save(commit=False)
                saved.revision = template.revision + 1
                saved.save()
                formset.save()
                after = {"name": saved.name, "source": saved.source, "questions": saved.snapshot()}
                if not after["questions"]:
                    transaction.set_rollback(True)
                    form.add_error(None, _("A checklist needs at least one question."))
                    saved = None
                else:
                    log.record(
                        request.user, "update", saved, summary="safety walk checklist", changes=log.diff(before, after)
                    )
        if saved is not None:
            messages.success(request, _("The checklist was saved. Walks already planned keep their questions."))
            return redirect("walks:checklists")
        template.refresh_from_db()
    return render(request, "walks/checklist_form.html", {"template": template, "form": form, "formset": formset})


@login_required
@require_POST
def checklist_copy(request, pk: int):
    template = access.fetch(ChecklistTemplate, request.user, "change", pk=pk)
    copy = checklists.copy_template(template, checklists.copy_name(template))
    log.record(request.user, "create", copy, summary=f"copy of checklist {template.pk}")
    messages.success(request, _("A copy was made; change it as you like."))
    return redirect("walks:checklist_edit", pk=copy.pk)
