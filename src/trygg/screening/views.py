"""Screening pages, for screening officers of the owning municipality only, with a second factor.

Every page that shows a case, a person or a company writes the audit log with the case as the purpose.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import wraps
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from trygg.audit import log
from trygg.core.importing import RecordError
from trygg.orgs import access, two_factor
from trygg.orgs.models import Municipality, Organisation
from trygg.screening import bolagsverket, engine, rescreen, todo
from trygg.screening import cases as case_service
from trygg.screening.cases import is_company
from trygg.screening.importers import import_own_list
from trygg.screening.models import (
    Case,
    CaseParty,
    Disclosure,
    Entity,
    Finding,
    MatchJudgement,
    Recommendation,
    Relation,
)


def screening_officer(view):
    """Screening officers only, verified with a second factor; refusals are audited."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not access.screening_municipalities(request.user):
            log.record(request.user, "denied", object_type="screening", summary=request.path[:300])
            raise PermissionDenied
        if not request.user.is_verified():
            return redirect(f"{reverse('screening:verify')}?next={quote(request.get_full_path())}")
        return view(request, *args, **kwargs)

    return wrapper


def _case_param(request) -> int:
    """The ``case`` query parameter as an id (0 — no such case — when it is missing or not a number)."""
    return _digits(request.GET.get("case"))


def _digits(value: str | None) -> int:
    """A posted id as an int (0 — no such row — when it is missing or not a number)."""
    return int(value) if value and value.isdigit() else 0


def _case(request, pk: int) -> Case:
    return access.fetch(Case.objects.select_related("municipality", "applicant"), request.user, pk=pk)


@login_required
def verify(request):
    """The second factor the screening requires: set up an authenticator app the first time, then its code."""
    if not access.screening_municipalities(request.user):
        raise PermissionDenied
    return two_factor.verify_page(request, default_next=reverse("screening:index"), purpose="screening")


@screening_officer
def index_view(request):
    codes = access.screening_municipalities(request.user)
    cases = Case.objects.restrict(request.user).select_related("applicant", "municipality").order_by("-created_at")
    log.record(request.user, "view", object_type="screening.case", summary="case list")
    return render(
        request,
        "screening/index.html",
        {"cases": cases, "datasets": engine.visible_datasets(codes), "attention": todo.attention(request.user)},
    )


ROLE_WORDS = {  # the roles as an officer writes them, in Swedish or as the codes
    "styrelseledamot": "board_member", "ledamot": "board_member", "ordförande": "board_member",
    "suppleant": "deputy", "styrelsesuppleant": "deputy", "vd": "ceo", "verkställande direktör": "ceo",
    "firmatecknare": "signatory", "ägare": "owner", "delägare": "owner", "verklig huvudman": "beneficial_owner",
    "finansiär": "financier", "långivare": "financier", "hyresvärd": "lessor", "revisor": "auditor",
    "ombud": "representative",
}  # fmt: skip


class CaseForm(forms.Form):
    municipality = forms.ModelChoiceField(
        queryset=Municipality.objects.none(), label=gettext_lazy("Municipality"), empty_label=gettext_lazy("— choose —")
    )
    kind = forms.ChoiceField(choices=Case.Kind.choices, label=gettext_lazy("Kind of application"))
    reference = forms.CharField(max_length=60, label=gettext_lazy("Reference number"))
    received_on = forms.DateField(
        label=gettext_lazy("Application received"), widget=forms.DateInput(attrs={"type": "date"})
    )
    premises_address = forms.CharField(max_length=300, required=False, label=gettext_lazy("Premises address"))
    applicant_name = forms.CharField(max_length=300, label=gettext_lazy("Applicant company"))
    applicant_org_number = forms.CharField(max_length=13, label=gettext_lazy("Organisation number"))
    persons = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        label=gettext_lazy("Persons of significant influence"),
        help_text=gettext_lazy(
            "One per line: name; personal identity number, birth date or organisation number; role "
            "(styrelseledamot, suppleant, VD, firmatecknare, ägare, verklig huvudman, finansiär, hyresvärd); share in "
            "% (optional); country (two letters, optional, SE if left out). A company is known by its organisation "
            "number or its legal form (AB, Ltd, GmbH …); a foreign company's or person's own number is kept as written."
        ),
    )

    def __init__(self, *args, codes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.filter(code__in=codes)

    def case_data(self) -> dict:
        d = self.cleaned_data
        persons = []
        for number, line in enumerate((d.get("persons") or "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split(";")]
            if len(parts) < 3:
                raise RecordError(
                    _("Line %(n)d of the persons: write name; number or birth date; role") % {"n": number}
                )
            role = ROLE_WORDS.get(" ".join(parts[2].casefold().split()), parts[2])
            if role not in case_service.PARTY_ROLES:
                raise RecordError(
                    _("Line %(n)d of the persons: “%(role)s” is not a role (styrelseledamot, suppleant, VD, "
                      "firmatecknare, ägare, verklig huvudman, finansiär, hyresvärd, revisor)")
                    % {"n": number, "role": parts[2][:40]}
                )  # fmt: skip
            person = {"name": parts[0], "role": role}
            country = parts[4].upper() if len(parts) > 4 and parts[4] else "SE"
            if len(country) != 2 or not country.isalpha():
                raise RecordError(
                    _("Line %(n)d of the persons: the country is two letters (SE, CY, DE …)") % {"n": number}
                )
            person["country"] = country
            if is_company(parts[0], parts[1], country):
                person |= {"company": True, "org_number": parts[1]}
            elif parts[1].count("-") == 2 and len(parts[1]) == 10:
                person["birth_date"] = parts[1]
            elif parts[1]:
                person["personal_number"] = parts[1]
            if len(parts) > 3 and parts[3]:
                try:
                    person["share"] = float(parts[3].rstrip("%").replace(",", "."))
                except ValueError as exc:
                    raise RecordError(
                        _("Line %(n)d of the persons: the share is not a number") % {"n": number}
                    ) from exc
            persons.append(person)
        return {
            "municipality": d["municipality"].code,
            "kind": d["kind"],
            "reference": d["reference"],
            "received_on": d["received_on"].isoformat(),
            "premises_address": d.get("premises_address", ""),
            "applicant": {"name": d["applicant_name"], "org_number": d["applicant_org_number"]},
            "persons": persons,
        }


@screening_officer
def case_new(request):
    form = CaseForm(request.POST or None, codes=access.screening_municipalities(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            case = case_service.create_case(form.case_data(), request.user)
        except RecordError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The case was created."))
            return redirect("screening:case", pk=case.pk)
    return render(request, "screening/case_new.html", {"form": form})


@screening_officer
def case_detail(request, pk: int):
    case = _case(request, pk)
    parties = list(case.parties.select_related("entity"))
    run = case.runs.prefetch_related("findings__matched__dataset", "findings__party__entity").first()
    severity = {"high": 0, "medium": 1, "low": 2, "info": 3}  # the serious first, as the officer reads them
    findings = sorted(run.findings.all(), key=lambda f: severity.get(f.severity, 4)) if run else []
    judged = case_service.current_judgements([f for f in findings if f.kind == Finding.Kind.WATCHLIST])
    for finding in findings:
        finding.current_judgement = judged.get(finding.pk, "")
    newest = case.decisions.order_by("-decided_at", "-id").first()
    new_hits = list(rescreen.unseen([case]))
    log.record(request.user, "view", case, summary="case viewed", purpose=case)
    return render(
        request,
        "screening/case.html",
        {
            "case": case,
            "parties": parties,
            "run": run,
            "as_of": case.received_on,
            "findings": findings,
            "seen_decision": newest.pk if newest else 0,
            "runs": case.runs.all(),
            "decisions": case.decisions.select_related("officer"),
            "judgements": MatchJudgement.Judgement.choices,
            "levels": Recommendation.choices,
            "history": log_entries(case),
            "new_hits": new_hits,
            "disclosures": case.disclosures.select_related("disclosed_by"),
            "disclosure_form": DisclosureForm(),
        },
    )


def log_entries(case: Case):
    from trygg.audit.models import AuditEvent

    return AuditEvent.objects.for_purpose(case).order_by("-at")[:50]


@screening_officer
@require_POST
def case_run(request, pk: int):
    case = _case(request, pk)
    as_of = None
    if request.POST.get("as_of"):
        try:
            as_of = dt.date.fromisoformat(request.POST["as_of"])
        except ValueError:
            messages.error(request, _("“%(value)s” is not a date (YYYY-MM-DD): nothing was screened.")
                           % {"value": request.POST["as_of"][:20]})  # fmt: skip
            return redirect("screening:case", pk=case.pk)
    try:
        run = engine.screen(case, request.user, as_of=as_of)
    except engine.AsOfError as exc:  # a day outside five years before the application … today: nothing screened
        messages.error(request, str(exc))
        return redirect("screening:case", pk=case.pk)
    messages.success(request, _("Screening done: %(level)s.") % {"level": run.get_recommendation_display()})
    return redirect("screening:case", pk=case.pk)


@screening_officer
@require_POST
def case_fetch_registry(request, pk: int):
    """Ask Bolagsverket's open API about the case's Swedish companies (status, form, address), on request."""
    case = _case(request, pk)
    try:
        result = case_service.fetch_registry(case, request.user)
    except bolagsverket.BolagsverketError as exc:
        messages.error(request, str(exc))
        return redirect("screening:case", pk=case.pk)
    text = _("Fetched from Bolagsverket: %(n)s companies.") % {"n": len(result.fetched)}
    if result.not_found:
        text += " " + _("Not known to Bolagsverket: %(numbers)s.") % {"numbers": ", ".join(result.not_found)}
    if result.fetched:
        text += " " + _("Screen again to take their status into account.")
    (messages.warning if result.failed else messages.success)(request, text)
    for failure in result.failed:
        messages.error(request, failure)
    return redirect("screening:case", pk=case.pk)


@screening_officer
@require_POST
def finding_judge(request, pk: int):
    finding = access.fetch(Finding.objects.select_related("run__case", "party__entity"), request.user, pk=pk)
    case = _case(request, finding.run.case_id)
    try:
        case_service.judge(
            finding,
            request.POST.get("judgement", ""),
            request.POST.get("note", ""),
            request.user,
            seen=request.POST.get("seen", ""),
        )
    except RecordError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The judgement was saved and will be used in later screenings."))
    return redirect("screening:case", pk=case.pk)


@screening_officer
@require_POST
def case_decide(request, pk: int):
    case = _case(request, pk)
    if not case.runs.exists():
        messages.error(request, _("Run a screening before deciding."))
        return redirect("screening:case", pk=case.pk)
    run = case.runs.filter(pk=_digits(request.POST.get("run"))).first()
    seen = request.POST.get("seen_decision") or ""
    if run is None or not seen.isdigit():
        messages.error(request, _("Open the case again and decide on the screening it shows; nothing was recorded."))
        return redirect("screening:case", pk=case.pk)
    try:
        case_service.decide(
            case,
            run,
            request.POST.get("decided", ""),
            request.POST.get("justification", ""),
            request.user,
            seen_decision=int(seen),
        )
    except RecordError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The assessment was recorded."))
    return redirect("screening:case", pk=case.pk)


class DisclosureForm(forms.ModelForm):
    class Meta:
        model = Disclosure
        fields = ["recipient", "content", "legal_basis", "reference"]
        help_texts = {
            "legal_basis": gettext_lazy(
                "The provision that allows or requires it, e.g. the duty to inform the police."
            ),
        }


@screening_officer
@require_POST
def case_disclose(request, pk: int):
    """Record information of the case given to an authority: its own audited event, shown on the case."""
    case = _case(request, pk)
    form = DisclosureForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items() if f in form.fields)
        messages.error(request, _("Nothing was recorded: %(errors)s") % {"errors": errors})
        return redirect("screening:case", pk=case.pk)
    disclosure = form.save(commit=False)
    disclosure.case, disclosure.disclosed_by = case, request.user
    with transaction.atomic():
        disclosure.save()
        log.record(request.user, "disclose", disclosure, purpose=case,
                   summary=f"to {disclosure.recipient}: {disclosure.content}"[:300])  # fmt: skip
    messages.success(request, _("The disclosure was recorded."))
    return redirect("screening:case", pk=case.pk)


@screening_officer
@require_POST
def rescreening_seen(request, pk: int):
    """The officer has read the new hits the re-screening job found on the case (audited; nothing else changes)."""
    case = _case(request, pk)
    marked = rescreen.unseen([case]).update(seen_at=timezone.now(), seen_by=request.user)
    if marked:
        log.record(request.user, "update", case, summary=f"new hits since the decision seen ({marked})", purpose=case)
    return redirect("screening:case", pk=case.pk)


# FollowTheMoney property names as the person reading their extract knows them.
FTM_LABELS = {
    "name": gettext_lazy("Name"),
    "full": gettext_lazy("Address"),
    "registrationNumber": gettext_lazy("Organisation number"),
    "idNumber": gettext_lazy("Personal identity number"),
    "birthDate": gettext_lazy("Date of birth"),
    "country": gettext_lazy("Country"),
    "address": gettext_lazy("Address"),
    "incorporationDate": gettext_lazy("Registered"),
    "topics": gettext_lazy("Listed as"),
}


def _readable(ftm_objects: list[dict]) -> list[list[tuple[str, str]]]:
    """Entities of an extract as (label, value) rows; relations are listed apart, by name."""
    return [
        [
            (str(FTM_LABELS.get(k, k)), ", ".join(str(x).upper() if k == "country" else str(x) for x in v))
            for k, v in obj["properties"].items()
        ]
        for obj in ftm_objects
        if obj["schema"] not in ("Ownership", "Directorship", "UnknownLink")
    ]


@screening_officer
def party_extract(request, pk: int, party: int):
    case = _case(request, pk)
    item = get_object_or_404(CaseParty.objects.select_related("entity"), pk=party, case=case)
    data = case_service.extract(case, item)
    log.record(request.user, "export", item, summary="register extract for the data subject", purpose=case)
    if request.GET.get("format") != "json":  # a printable page to send to the person; JSON for machines
        context = {"case": case, "x": data, "entered": _readable(data["data_entered_in_case"]),
                   "registered": _readable(data["registry_data"])}  # fmt: skip
        return render(request, "screening/extract.html", context)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=1), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="utdrag-{case.pk}-{item.pk}.json"'
    return response


@screening_officer
def entity_detail(request, pk: int):
    """A person or company as the case may see it: an entity of a registry or of a list the case may use, or
    one of the case's own parties — never another case's data or another municipality's own list."""
    from trygg.screening.search import search_datasets

    case = _case(request, _case_param(request))
    entity = get_object_or_404(Entity.objects.select_related("dataset"), pk=pk)
    own_party = case.parties.filter(entity=entity).exists()
    if not own_party and entity.dataset_id not in search_datasets(case):
        log.record(request.user, "denied", entity, summary="entity outside the case's data", purpose=case)
        raise Http404
    relations = Relation.objects.filter(Q(source=entity) | Q(target=entity)).select_related("source", "target")[:200]
    log.record(request.user, "view", entity, summary=f"{entity.schema} viewed", purpose=case)
    return render(request, "screening/entity.html", {"case": case, "entity": entity, "relations": relations})


@screening_officer
def search(request):
    """Companies by name or organisation number, persons by name, birth date or personal identity number, in
    the registries and the lists the case may use; each hit links to the case's network when it is in it."""
    from trygg.screening import network_view
    from trygg.screening import search as search_module

    case = _case(request, _case_param(request))
    query = " ".join((request.GET.get("q") or "").replace("\x00", " ").split())[:200]
    schema = request.GET.get("schema") if request.GET.get("schema") in ("company", "person") else ""
    hits, in_network = [], set()
    if query:
        hits = search_module.search_entities(case, query, schema)
        if hits:
            in_network = network_view.reached_ids(case) & {h.entity.pk for h in hits}
        log.record(
            request.user,
            "search",
            object_type="screening.entity",
            summary=f"search: {query} ({len(hits)} hits)"[:300],
            purpose=case,
        )
    network = reverse("screening:network", args=[case.pk])
    for hit in hits:
        hit.network_url = f"{network}?expand={hit.entity.pk}" if hit.entity.pk in in_network else ""
    context = {"case": case, "query": query, "schema": schema, "hits": hits,
               "results": [(h.score, h.entity) for h in hits]}  # fmt: skip
    return render(request, "screening/search.html", context)


class OwnListForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file (name, org_number, personal_number, birth_date, flag, date, reference)")
    )
    name = forms.CharField(max_length=200, label=gettext_lazy("Name of the list"))
    version = forms.CharField(
        max_length=100,
        required=False,
        label=gettext_lazy("Version or date of the list"),
        help_text=gettext_lazy("Recorded with every screening that reads it."),
    )


@screening_officer
def datasets(request):
    codes = access.screening_municipalities(request.user)
    owners = Organisation.objects.filter(
        kind="municipality",
        municipalities__code__in=codes,
        memberships__user=request.user,
        memberships__role="screening_officer",
    ).distinct()
    form = OwnListForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        owner = owners.first()
        cooperation = owner.cooperations.filter(share_watchlists=True).first() if owner else None
        try:
            upload = form.cleaned_data["file"].file
            upload.seek(0)
            report = import_own_list(upload, form.cleaned_data["name"], owner=owner, shared_with=cooperation,
                                     version=form.cleaned_data["version"].strip())  # fmt: skip
        except RecordError as exc:
            form.add_error("file", str(exc))
        else:
            if report.stored:
                from trygg.screening.crossmatch import crossmatch

                crossmatch(engine.thresholds())
                log.record(request.user, "import", object_type="screening.dataset", summary=report.summary()[:300])
                messages.success(request, report.summary())
                return redirect("screening:datasets")
            shown = "; ".join(str(r) for r in report.rejected[:10])
            more = len(report.rejected) - 10
            form.add_error(
                "file",
                _("Nothing was stored; the list is as before. Rejected: %(rows)s") % {"rows": shown}
                + (_(" … and %(n)d more") % {"n": more} if more > 0 else ""),
            )
    return render(
        request,
        "screening/datasets.html",
        {
            "datasets": engine.visible_datasets(codes).order_by("kind", "name"),
            "form": form,
        },
    )
