"""The coordinators' pages: destinations per municipality, the forwarded tips with their state and errors,
"try again now", and forwarding a tip by hand from its page. Who: coordinators and organisation admins of the
municipality's own organisation (``access.resident_data_municipalities``), as for the tips themselves."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trygg.audit import log
from trygg.citizens.models import Tip
from trygg.citizens.services import BY_CODE
from trygg.core.importing import RecordError
from trygg.orgs import access
from trygg.orgs.models import Municipality

from . import sending
from .forms import DestinationForm
from .models import Destination, Forwarding, Route

FIELDS = ["name", "base_url", "jurisdiction_id", "key_name", "active"]
PAGE = 200


def _municipalities(request) -> frozenset[str]:
    codes = access.resident_data_municipalities(request.user)
    access.require(bool(codes), request.user, "forwarding")
    return codes


@login_required
def index(request):
    """The destinations of the user's municipalities, with their routes and whether the key is set."""
    codes = _municipalities(request)
    municipalities = Municipality.objects.filter(code__in=codes).defer("boundary").order_by("name")
    if request.user.is_superuser:  # every municipality: only those where Trygg is used
        municipalities = municipalities.filter(organisations__kind="municipality").distinct()
    destinations = Destination.objects.restrict(request.user, "manage").prefetch_related("routes")
    forwarded = Forwarding.objects.restrict(request.user, "manage")
    per_municipality = {m.code: [] for m in municipalities}
    for destination in destinations:
        destination.key_set = bool(destination.api_key())
        destination.route_rows = [(BY_CODE.get(r.category), r) for r in destination.routes.all()]
        per_municipality.setdefault(destination.municipality_id, []).append(destination)
    return render(
        request,
        "forwarding/index.html",
        {
            "rows": [(m, per_municipality.get(m.code, [])) for m in municipalities],
            "needs_person": forwarded.filter(Forwarding.needs_person_q()).count(),
        },
    )


def _edit(request, municipality: Municipality, destination: Destination | None):
    before = log.snapshot(destination, FIELDS) if destination else {}
    routes_before = dict(destination.routes.values_list("category", "remote_service_code")) if destination else {}
    form = DestinationForm(request.POST or None, instance=destination, municipality=municipality)
    if request.method == "POST":
        saved = None
        with transaction.atomic():  # the form's version check reads the row under a lock
            if form.is_valid():
                saved = form.save(commit=False)
                saved.municipality = municipality
                saved.save()
                routes = form.routes()
                saved.routes.exclude(category__in=list(routes)).delete()
                for category, code in routes.items():
                    Route.objects.update_or_create(
                        destination=saved,
                        category=category,
                        defaults={"municipality": municipality, "remote_service_code": code},
                    )
                changes = log.diff(before, log.snapshot(saved, FIELDS))
                if routes != routes_before:
                    changes["routes"] = [routes_before, routes]
                log.record(
                    request.user,
                    "update" if destination else "create",
                    saved,
                    summary=f"forwarding destination {saved.name}",
                    changes=changes,
                )
        if saved is not None:
            messages.success(request, _("The destination “%(name)s” was saved.") % {"name": saved.name})
            return redirect("forwarding:index")
    return render(
        request,
        "forwarding/destination_form.html",
        {
            "form": form,
            "municipality": municipality,
            "destination": destination,
            "key_set": bool(destination and destination.api_key()),
        },
    )


@login_required
def destination_new(request, code: str):
    municipality = access.fetch(Municipality.objects.defer("boundary"), request.user, "residents", code=code)
    return _edit(request, municipality, None)


@login_required
def destination_edit(request, pk: int):
    destination = access.fetch(Destination.objects.select_related("municipality"), request.user, "manage", pk=pk)
    return _edit(request, destination.municipality, destination)


STATE_FILTERS = {
    "needs_person": Forwarding.needs_person_q(),
    "retrying": Q(state=Forwarding.State.FAILED, next_attempt_at__isnull=False),
    "pending": Q(state__in=[Forwarding.State.PENDING, Forwarding.State.SENDING]),
    "sent": Q(state=Forwarding.State.SENT),
    "closed": Q(state=Forwarding.State.CLOSED),
}


@login_required
def forwardings(request):
    """Every forwarding of the user's municipalities, newest first, with state, attempts and the last error."""
    _municipalities(request)
    qs = Forwarding.objects.restrict(request.user, "manage")
    counts = qs.aggregate(**{name: Count("id", filter=q) for name, q in STATE_FILTERS.items()})
    state = request.GET.get("state", "")
    if state in STATE_FILTERS:
        qs = qs.filter(STATE_FILTERS[state])
    rows = qs.select_related("tip", "destination").defer("tip__description")[:PAGE]
    labels = {
        "needs_person": _("Needs a person"),
        "retrying": _("Retrying"),
        "pending": _("Waiting to be sent"),
        "sent": _("Sent"),
        "closed": _("Closed by the department"),
    }
    return render(
        request,
        "forwarding/forwardings.html",
        {
            "rows": rows,
            "state": state if state in STATE_FILTERS else "",
            "filters": [(name, labels[name], counts[name]) for name in STATE_FILTERS],
            "services": BY_CODE,
            "page": PAGE,
        },
    )


@login_required
@require_POST
def retry(request, pk: int):
    forwarding = access.fetch(Forwarding.objects.select_related("tip"), request.user, "manage", pk=pk)
    reading = forwarding.reading_stopped
    if sending.retry_now(forwarding, request.user):
        if reading:
            messages.success(request, _("Its status is read again at the next run, within ten minutes."))
        else:
            messages.success(request, _("It is sent again now. Reload the page in a minute to see how it went."))
    else:
        messages.error(request, _("Only a failed or waiting forwarding can be tried again."))
    if request.POST.get("back") == "tip":  # the button on the tip's page
        return redirect("citizens:tip_detail", pk=forwarding.tip_id)
    return redirect("forwarding:forwardings")


@login_required
@require_POST
def forward_tip(request, pk: int):
    tip = access.fetch(Tip, request.user, "handle", pk=pk)
    chosen = request.POST.get("route", "")
    routes = Route.objects.restrict(request.user, "manage").select_related("destination")
    route = routes.filter(pk=int(chosen)).first() if chosen.isdigit() else None
    try:
        if route is None:
            raise RecordError(_("Choose where to send the tip."))
        sending.forward_manually(tip, route, request.user)
    except RecordError as exc:
        messages.error(request, str(exc))
    else:
        message = _("The tip is being sent to %(name)s. Its state is shown below.")
        messages.success(request, message % {"name": route.destination.name})
    return redirect("citizens:tip_detail", pk=tip.pk)
