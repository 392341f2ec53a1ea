"""Residents' pages (no login) and the coordinators' handling of tips, surveys and receipt reports."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trygg.audit import log
from trygg.core import photos, ratelimit
from trygg.core.csv_export import SafeWriter
from trygg.core.importing import RecordError
from trygg.orgs import access
from trygg.orgs.models import Municipality

from . import extensions, receipts, surveys, tips, updates
from .forms import ReceiptForm, SurveyCreateForm, TipForm
from .models import ReceiptReport, Survey, Tip, Venue
from .open311 import public_position
from .services import BY_CODE


@login_not_required
def public_home(request):
    municipalities = tips.active_municipalities()
    open_surveys = Survey.objects.filter(opens_on__lte=timezone.localdate(), closes_on__gte=timezone.localdate())
    return render(request, "citizens/home.html", {"municipalities": municipalities, "surveys": open_surveys})


@login_not_required
def receipt_campaign(request):
    return render(request, "citizens/receipt_campaign.html")


def _map_context(municipality: Municipality) -> dict:
    first = municipality.places.first()
    centre = [first.lat, first.lon] if first else [municipality.centroid_lat, municipality.centroid_lon]
    return {"boundary": municipality.boundary, "centre": centre}


@login_not_required
def tip_new(request):
    form = TipForm(
        request.POST or None, request.FILES or None, initial={"municipality": request.GET.get("m") or "1780"}
    )
    if request.method == "POST" and form.is_valid():
        if not ratelimit.allow(request, "tip"):
            form.add_error(None, _("You have sent many tips in a short time. Try again later."))
        else:
            photo = ""
            if form.cleaned_data.get("photo"):
                try:
                    photo = photos.clean_photo(form.cleaned_data["photo"])
                except photos.PhotoError as exc:
                    form.add_error("photo", str(exc))
            if not form.errors:
                data = tips.TipInput(
                    municipality=form.cleaned_data["municipality"].code,
                    service_code=form.cleaned_data["service"],
                    description=form.cleaned_data.get("description", ""),
                    lat=form.cleaned_data.get("lat"),
                    lon=form.cleaned_data.get("lon"),
                    address=form.cleaned_data.get("address", ""),
                    email=form.cleaned_data.get("email", ""),
                )
                try:
                    tip = tips.create_tip(data, photo=photo)
                except RecordError as exc:
                    form.add_error(None, str(exc).split(": ", 1)[-1])
                else:
                    return redirect("citizens:tip_thanks", public_id=tip.public_id)
    municipality = form.cleaned_data.get("municipality") if form.is_bound and hasattr(form, "cleaned_data") else None
    if municipality is None:
        code = request.POST.get("municipality") or request.GET.get("m") or "1780"
        municipality = tips.active_municipalities().filter(code=code).first() or tips.active_municipalities().first()
    if municipality is None:  # a new installation: no municipality organisation yet
        return render(request, "citizens/not_open.html", {"title": _("Send a tip")})
    return render(request, "citizens/tip_form.html", {"form": form, **_map_context(municipality)})


@login_not_required
def tip_nearby(request):
    """Open tips of the same kind around a point, on the public grid (JSON, for "is it this one?")."""
    try:
        lat, lon = float(request.GET["lat"]), float(request.GET["lon"])
    except (KeyError, ValueError):
        return JsonResponse({"error": "lat and lon are required numbers"}, status=400)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # NaN fails the comparisons too
        return JsonResponse({"error": "lat and lon must be a position on Earth"}, status=400)
    if not ratelimit.allow(request, "nearby"):
        return JsonResponse({"error": "too many requests; try again later"}, status=429)
    found = tips.nearby_open_on_grid(request.GET.get("service", ""), lat, lon)
    return JsonResponse(
        {
            "tips": [
                {
                    "service": BY_CODE[t.service_code].name,
                    "date": timezone.localtime(t.created_at).strftime("%Y-%m-%d"),
                    "me_too": tips.me_too_token(t),
                }
                for t in found[:5]
            ]
        }
    )


@login_not_required
@require_POST
def tip_me_too(request):
    """ "Jag också" from the tip form: one more resident for an open tip from the nearby answer, instead of a
    duplicate (a count only; CSRF-protected and rate-limited)."""
    if not ratelimit.allow(request, "me_too"):
        return JsonResponse({"error": "too many requests; try again later"}, status=429)
    count = tips.add_me_too(request.POST.get("token", ""))
    if count is None:
        return JsonResponse({"error": "the tip is no longer open, or the link has expired"}, status=400)
    return JsonResponse({"count": count})


@login_not_required
def tip_followup(request, token: str):
    """The resident's answer to "Är det åtgärdat?" from the link in the follow-up (recorded on POST only)."""
    from django.core import signing

    from . import notices

    try:
        tip_id, answer = notices.read_followup(token)
    except signing.BadSignature:
        return render(request, "citizens/followup.html", {"invalid": True}, status=400)
    if request.method == "POST":
        notices.answer_followup(tip_id, answer)
        return render(request, "citizens/followup.html", {"done": True, "answer": answer})
    return render(request, "citizens/followup.html", {"answer": answer})


@login_not_required
def tip_thanks(request, public_id: str):
    tip = get_object_or_404(Tip, public_id=public_id)
    return render(request, "citizens/tip_thanks.html", {"tip": tip, "service": BY_CODE[tip.service_code]})


@login_not_required
def tip_status(request, public_id: str):
    """A tip's public status page, by its unguessable public id (the link in the thanks page and the e-mails;
    the URL may be shared): kind, date, status in plain words, the municipality's replies and the history, and
    at most the position as Open311's public read rounds it. Never the description, address, photo, e-mail or
    who handled it."""
    tip = get_object_or_404(
        Tip.objects.select_related("municipality").defer("municipality__boundary"), public_id=public_id
    )
    lat, lon = public_position(tip.lat, tip.lon)
    history = [
        {
            "when": u.created_at,
            "kind": u.kind,
            "status": updates.public_status(u.new_status) if u.new_status else "",
            "text": u.text,
        }
        for u in updates.public_updates(tip)
    ]
    response = render(
        request,
        "citizens/tip_status.html",
        {
            "tip": tip,
            "service": BY_CODE[tip.service_code],
            "status": updates.public_status(tip.status),
            "signed": updates.signed_by(tip.municipality.name),
            "history": history,
            "lat": lat,
            "lon": lon,
            "extensions": extensions.render(extensions.TIP_STATUS, tip, request),  # e.g. the department's status
        },
    )
    response["Referrer-Policy"] = "no-referrer"  # the link is the key: it is not passed on to other sites
    response["X-Robots-Tag"] = "noindex"
    return response


@login_not_required
def receipt_new(request):
    code = request.POST.get("municipality") or request.GET.get("m") or "1780"
    municipality = tips.active_municipalities().filter(code=code).first() or tips.active_municipalities().first()
    if municipality is None:  # a new installation: no municipality organisation yet
        return render(request, "citizens/not_open.html", {"title": _("Report a missing receipt")})
    venues = Venue.objects.filter(municipality__in=tips.active_municipalities()).select_related("municipality")
    form = ReceiptForm(request.POST or None, venues=venues.defer("municipality__boundary"),
                       initial={"municipality": municipality.code})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        if not ratelimit.allow(request, "receipt"):
            form.add_error(None, _("You have sent many reports in a short time. Try again later."))
        elif form.cleaned_data["visited_on"] > timezone.localdate():
            form.add_error("visited_on", _("The date is in the future."))
        else:
            venue = Venue.objects.filter(pk=form.cleaned_data.get("venue_choice") or 0).first()
            ReceiptReport.objects.create(
                municipality=form.cleaned_data["municipality"],
                venue=venue,
                venue_text="" if venue else form.cleaned_data["venue_text"].strip(),
                lat=form.cleaned_data.get("lat"),
                lon=form.cleaned_data.get("lon"),
                visited_on=form.cleaned_data["visited_on"],
                purchases=form.cleaned_data["purchases"],
            )
            messages.success(
                request, _("Thank you. Your report helps the municipality see where receipts are missing.")
            )
            return redirect(reverse("citizens:receipt_new") + f"?m={municipality.code}")
    return render(
        request,
        "citizens/receipt_form.html",
        {"form": form, "municipality": municipality, **_map_context(municipality)},
    )


@login_not_required
def survey_answer(request, pk: int):
    survey = get_object_or_404(Survey, pk=pk)
    today = timezone.localdate()
    if not (survey.opens_on <= today <= survey.closes_on):
        return render(request, "citizens/survey_closed.html", {"survey": survey}, status=410)
    if survey.mode == Survey.Mode.COOKIE and surveys.has_answered(request, survey):
        return render(request, "citizens/survey_done.html", {"survey": survey, "already": True})
    errors = []
    if request.method == "POST":
        if request.POST.get("website"):
            errors.append(_("Leave the last field empty."))
        elif not ratelimit.allow(request, "survey"):
            errors.append(_("Too many answers from here in a short time. Try again later."))
        else:
            try:
                area = surveys.chosen_area(survey, request.POST.get("area"))
                places = json.loads(request.POST.get("unsafe_places") or "[]")
                if not isinstance(places, list) or not all(isinstance(p, list) and len(p) == 2 for p in places):
                    raise ValueError
                surveys.record_answer(
                    survey, request.POST, area=area, unsafe_places=places, code=request.POST.get("code")
                )
            except (surveys.SurveyError, ValueError, TypeError) as exc:
                errors.append(str(exc) or _("The marked places could not be read."))
            else:
                response = render(request, "citizens/survey_done.html", {"survey": survey})
                if survey.mode == Survey.Mode.COOKIE:
                    response.set_signed_cookie(
                        surveys.answered_cookie_name(survey),
                        str(survey.pk),
                        salt=surveys.COOKIE_SALT,
                        max_age=180 * 86400,
                        httponly=True,
                        samesite="Lax",
                    )
                return response
    return render(
        request,
        "citizens/survey_form.html",
        {
            "survey": survey,
            "items": surveys.ITEMS,
            "errors": errors,
            "posted": request.POST,
            **_map_context(survey.municipality),
        },
    )


# -- coordinators ------------------------------------------------------------------------------------------


def _coordinated(request) -> frozenset[str]:
    """Municipalities whose residents' tips, receipt reports and surveys the user handles (or 403)."""
    codes = access.resident_data_municipalities(request.user)
    access.require(bool(codes), request.user, "residents' data")
    return codes


def _tip(request, pk: int, queryset=None) -> Tip:
    return access.fetch(queryset if queryset is not None else Tip.objects.all(), request.user, "handle", pk=pk)


def _reference_query(text: str) -> str | None:
    """ "T-4821", "t 4821" or "4821" as a tip's reference; None when it is not one."""
    digits = text.strip().upper().removeprefix("T").strip(" -")
    return f"T-{digits}" if digits.isdigit() and 4 <= len(digits) <= 8 else None


@login_required
def tip_triage(request):
    _coordinated(request)
    status = request.GET.get("status", "open")
    query = request.GET.get("q", "").strip()[:40]
    qs = Tip.objects.restrict(request.user, "handle").select_related("municipality").defer("municipality__boundary")
    if query:  # a reference read out on the phone: whatever the tip's status
        reference = _reference_query(query)
        qs = qs.filter(reference=reference) if reference else qs.none()
    elif status in Tip.Status.values:
        qs = qs.filter(status=status)
    return render(
        request,
        "citizens/triage.html",
        {
            "tips": qs[:200],
            "status": "" if query else status,
            "query": query,
            "services": BY_CODE,
            "statuses": Tip.Status.choices,
            "extensions": extensions.render(extensions.TRIAGE, None, request),
        },
    )


@login_required
def tip_detail(request, pk: int):
    tip = _tip(request, pk, Tip.objects.select_related("municipality", "incident"))

    candidates = []
    if tip.lat is not None:
        candidates = [t for t in tips.nearby_open(tip.service_code, tip.lat, tip.lon, 200) if t.pk != tip.pk]
    canned = dict(updates.CANNED_REPLIES)
    return render(
        request,
        "citizens/tip_detail.html",
        {
            "tip": tip,
            "service": BY_CODE[tip.service_code],
            "candidates": candidates,
            "history": updates.public_updates(tip).select_related("author"),
            "canned": updates.CANNED_REPLIES,
            "reply_text": canned.get(request.GET.get("svar", ""), ""),
            "reply_max": updates.MAX_REPLY,
            "signed": updates.signed_by(tip.municipality.name),
            "extensions": extensions.render(extensions.TIP_PAGE, tip, request),
        },
    )


@login_required
@require_POST
def tip_reply(request, pk: int):
    """A coordinator's public reply to the resident (on the status page; mailed when the tip has an address)."""
    tip = _tip(request, pk)
    try:
        updates.reply(tip, request.POST.get("text", ""), request.user)
    except RecordError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The reply was published on the tip's status page."))
    return redirect("citizens:tip_detail", pk=tip.pk)


@login_required
@require_POST
def tip_action(request, pk: int):
    tip = _tip(request, pk)
    action = request.POST.get("action")
    try:
        if action == "accept":
            incident = tips.accept(tip, request.user)
            messages.success(request, _("The tip was accepted as incident %(id)s.") % {"id": incident.pk})
        elif action == "merge":
            into_pk = request.POST.get("into") or ""
            into = _tip(request, int(into_pk) if into_pk.isdigit() else 0)
            tips.merge(tip, into, request.user)
            messages.success(request, _("The tip was merged."))
        elif action == "reject":
            tips.reject(tip, request.POST.get("reason", ""), request.user)
            messages.success(request, _("The tip was rejected."))
        else:
            raise Http404
    except RecordError as exc:
        messages.error(request, str(exc))
        return redirect("citizens:tip_detail", pk=tip.pk)
    return redirect("citizens:triage")


@login_required
def tip_photo(request, pk: int):
    """The re-encoded photo, for coordinators only, with a safe content type and no sniffing."""
    tip = _tip(request, pk)
    if not tip.photo:
        raise Http404
    return photos.photo_response("tips", tip.photo, f"tips-{tip.pk}.jpg")


@login_required
def receipt_summary(request):
    _coordinated(request)
    rows = receipts.per_venue(ReceiptReport.objects.restrict(request.user, "handle"))
    if request.GET.get("format") == "csv":
        log.record(request.user, "export", object_type="citizens.receiptreport", summary="per venue, for Skatteverket")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="kvittorapporter-per-verksamhet.csv"'
        writer = SafeWriter(response)
        writer.writerow(
            [
                "verksamhet",
                "organisationsnummer",
                "adress",
                "antal_rapporter",
                "entre",
                "garderob",
                "mat_och_dryck",
                "varor",
                "senaste_besok",
            ]
        )
        for r in rows:
            p = r["purchases"]
            writer.writerow(
                [
                    r["name"],
                    r["org_number"],
                    r["address"],
                    r["reports"],
                    p.get("entrance", 0),
                    p.get("cloakroom", 0),
                    p.get("food_drink", 0),
                    p.get("goods", 0),
                    r["last"].isoformat() if r["last"] else "",
                ]
            )
        return response
    return render(request, "citizens/receipt_summary.html", {"rows": rows})


@login_required
def survey_list(request):
    codes = _coordinated(request)
    return render(
        request,
        "citizens/survey_list.html",
        {
            "surveys": Survey.objects.restrict(request.user, "manage").select_related("municipality"),
            "municipalities": Municipality.objects.filter(code__in=codes),
        },
    )


@login_required
def survey_new(request, code: str):
    municipality = access.fetch(Municipality, request.user, "residents", code=code)
    form = SurveyCreateForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        survey = form.save(commit=False)
        survey.municipality, survey.created_by = municipality, request.user
        survey.save()
        form.save_m2m()
        log.record(request.user, "create", survey, summary=str(survey))
        count = form.cleaned_data.get("codes") or 0
        if survey.mode == Survey.Mode.CODE and count:
            codes = surveys.issue_codes(survey, count)
            response = HttpResponse("kod\n" + "\n".join(codes) + "\n", content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="koder-{survey.pk}.csv"'
            return response
        return redirect("citizens:survey_results", pk=survey.pk)
    return render(request, "citizens/survey_new.html", {"form": form, "municipality": municipality})


@login_required
def survey_results(request, pk: int):
    survey = access.fetch(Survey.objects.select_related("municipality"), request.user, pk=pk)
    previous = Survey.objects.filter(municipality=survey.municipality, wave__lt=survey.wave).order_by("-wave").first()
    return render(
        request,
        "citizens/survey_results.html",
        {
            "survey": survey,
            "previous": previous,
            "results": surveys.results(survey, previous),
            "boundary": survey.municipality.boundary,
        },
    )
