"""The partner's company check, its receipt, "Tipsa kommunen", and the screening officers' list of concerns.

Each check is rate-limited per user and written to the audit log; a receipt is shown (and printed) only to the
member who made it; a concern only to the screening officers of the municipality it was sent to, behind their
second factor (``trygg.screening.views.screening_officer``).
"""

from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from trygg.audit import log
from trygg.core import ratelimit, rendering
from trygg.core.identity import find_personal_numbers
from trygg.orgs import access
from trygg.orgs.models import Municipality
from trygg.partnercheck import lookup, words
from trygg.partnercheck.assess import Outcome
from trygg.partnercheck.models import CompanyCheck, Concern, can_check, concern_municipalities
from trygg.screening.views import screening_officer

RECENT_CHECKS = 20


def business_checker(view):
    """Members with the business-check role only; a refusal is audited (403)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        access.require(can_check(request.user), request.user, "business check")
        return view(request, *args, **kwargs)

    return wrapper


class CheckForm(forms.Form):
    query = forms.CharField(
        max_length=200,
        label=gettext_lazy("Organisation number or company name"),
        help_text=gettext_lazy("For example 556677-8899 or “Krogen Torget AB”. Persons are not checked here."),
    )

    def clean_query(self) -> lookup.Query:
        try:
            return lookup.parse(self.cleaned_data["query"])
        except lookup.QueryError as exc:
            raise forms.ValidationError(str(exc)) from exc


@business_checker
def index(request):
    """The check's form, and the user's own earlier checks."""
    form = CheckForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if not ratelimit.allow(request, "business_check", who=f"user:{request.user.pk}"):
            log.record(request.user, "denied", object_type="partnercheck.companycheck",
                       summary="refused: business check rate limit")  # fmt: skip
            form.add_error(None, _("You have made many checks in a short time. Try again later."))
            status = 429
        else:
            check = lookup.make_check(request.user, form.cleaned_data["query"].text)
            return redirect("partnercheck:check", pk=check.pk)
    checks = CompanyCheck.objects.restrict(request.user)[:RECENT_CHECKS]
    return render(request, "partnercheck/index.html", {"form": form, "checks": checks}, status=status)


def own_municipalities(user) -> set[str]:
    """The municipalities the user's own organisations work in."""
    return set(Municipality.objects.filter(organisations__memberships__user=user).values_list("code", flat=True))


class ConcernForm(forms.Form):
    municipalities = forms.MultipleChoiceField(
        label=gettext_lazy("To the screening officers of"), widget=forms.CheckboxSelectMultiple
    )
    message = forms.CharField(
        max_length=2000,
        label=gettext_lazy("Your message"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "What makes you concerned about the company. Do not write personal identity numbers; the municipality "
            "may contact you."
        ),
    )

    def __init__(self, *args, municipalities, own: set[str] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.places = {m.code: m for m in municipalities}
        self.fields["municipalities"].choices = [(m.code, m.name) for m in municipalities]
        # only where the member's own organisation works is chosen beforehand: a tip goes nowhere unasked
        self.fields["municipalities"].initial = [code for code in self.places if code in own]

    def clean_message(self) -> str:
        text = self.cleaned_data["message"].strip()
        if find_personal_numbers(text):
            raise forms.ValidationError(_("Remove the personal identity number from the message."))
        return text


def _receipt_context(check: CompanyCheck) -> dict:
    outcome = Outcome.from_json(check.result)
    return {
        "check": check,
        "outcome": outcome,
        "sentence": words.receipt_sentence(outcome),
        "signals": [(s, words.signal_text(s), words.severity_text(s)) for s in outcome.signals],
        "sources": [(s, words.source_label(s)) for s in outcome.sources],
        "registry_note": words.registry_note(outcome),
    }


@business_checker
def check_detail(request, pk: int):
    """The receipt of one check (printable), with "Tipsa kommunen"."""
    check = access.fetch(CompanyCheck.objects.select_related("organisation"), request.user, pk=pk)
    places = list(concern_municipalities(request.user))
    context = _receipt_context(check) | {
        "concern_form": ConcernForm(municipalities=places, own=own_municipalities(request.user)),
        "sent": check.concerns.select_related("municipality").order_by("created_at", "id"),
    }
    log.record(request.user, "view", check, summary="company check receipt viewed")
    return render(request, "partnercheck/check.html", context)


@business_checker
def check_pdf(request, pk: int):
    check = access.fetch(CompanyCheck.objects.select_related("organisation"), request.user, pk=pk)
    with translation.override("sv"):  # the printed receipt is Swedish, as every printed document of Trygg
        html = rendering.print_html("partnercheck/check_print.html", _receipt_context(check))
    log.record(request.user, "export", check, summary="company check receipt as PDF")
    response = HttpResponse(rendering.pdf_from_html(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="foretagskontroll-{check.pk}.pdf"'
    return response


@business_checker
@require_POST
def concern_new(request, pk: int):
    """ "Tipsa kommunen": the company, the check's answer and the message, to the chosen municipalities' screening
    officers — one concern for each, audited."""
    check = access.fetch(CompanyCheck.objects.all(), request.user, pk=pk)
    form = ConcernForm(request.POST, municipalities=list(concern_municipalities(request.user)))
    if not form.is_valid():
        shown = "; ".join(" ".join(errors) for errors in form.errors.values())
        messages.error(request, _("Nothing was sent: %(errors)s") % {"errors": shown})
        return redirect(reverse("partnercheck:check", args=[check.pk]) + "#tipsa")
    sender = request.user.get_full_name() or request.user.get_username()
    organisation = check.organisation
    with transaction.atomic():
        for code in form.cleaned_data["municipalities"]:
            concern = Concern.objects.create(
                partner_check=check,
                municipality=form.places[code],
                sender=request.user,
                sender_name=sender[:300],
                organisation=organisation,
                company_name=check.company_name or check.query,
                org_number=check.org_number,
                result=check.result,
                message=form.cleaned_data["message"],
            )
            log.record(request.user, "create", concern,
                       summary=f"concern about {concern.company_name} sent to {code}")  # fmt: skip
    names = [form.places[code].name for code in form.cleaned_data["municipalities"]]
    messages.success(request, _("Sent to the screening officers of %(places)s.") % {"places": ", ".join(names)})
    return redirect("partnercheck:check", pk=check.pk)


@screening_officer
def concerns(request):
    """The concerns sent to the officer's municipalities: those waiting first; ``?alla=1`` shows the handled."""
    everything = request.GET.get("alla") == "1"
    rows = Concern.objects.restrict(request.user).select_related("municipality", "organisation", "handled_by")
    waiting = rows.filter(handled_at__isnull=True).order_by("created_at", "id")
    handled = rows.filter(handled_at__isnull=False).order_by("-handled_at", "-id") if everything else []
    shown = [*waiting, *handled]
    for concern in shown:
        outcome = Outcome.from_json(concern.result) if concern.result else None
        concern.sentence = words.receipt_sentence(outcome) if outcome else ""
        concern.signal_texts = [words.signal_text(s) for s in outcome.signals] if outcome else []
        concern.hits = outcome.hits if outcome else []
    log.record(request.user, "view", object_type="partnercheck.concern", summary=f"concern list ({len(shown)})")
    context = {"waiting": waiting, "handled": handled, "everything": everything,
               "handled_count": rows.filter(handled_at__isnull=False).count()}  # fmt: skip
    return render(request, "partnercheck/concerns.html", context)


@screening_officer
@require_POST
def concern_handled(request, pk: int):
    """Mark a concern handled, with an optional note (audited)."""
    concern = access.fetch(Concern.objects.all(), request.user, "handle", pk=pk)
    if concern.handled_at is None:
        concern.handled_at, concern.handled_by = timezone.now(), request.user
        concern.handled_note = " ".join((request.POST.get("note") or "").split())[:500]
        with transaction.atomic():
            concern.save(update_fields=["handled_at", "handled_by", "handled_note"])
            log.record(request.user, "update", concern, summary="concern handled",
                       changes={"note": concern.handled_note})  # fmt: skip
        messages.success(request, _("The concern about %(company)s is marked handled.") % {
            "company": concern.company_name})  # fmt: skip
    return redirect("partnercheck:concerns")
