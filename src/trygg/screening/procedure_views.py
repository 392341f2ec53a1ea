"""The officer's pages of the licensing procedure (questionnaire, requests, kommunicering, decision, court file).
Screening officers of the case's municipality only, with the second factor; every read and change audited."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trygg.audit import log
from trygg.core.importing import RecordError
from trygg.orgs import access
from trygg.orgs.models import Municipality
from trygg.screening import documents, procedure, procedure_texts
from trygg.screening.models import (
    AuthorityRequest,
    Case,
    CaseDocument,
    Finding,
    Hearing,
    LicenceDecision,
    Questionnaire,
)
from trygg.screening.views import _case, _digits, screening_officer


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return None


def _files(request) -> list[tuple[str, bytes]]:
    return procedure.uploaded(request.FILES.getlist("documents"))


def _back(case: Case):
    return redirect("screening:procedure", pk=case.pk)


def _ids(request) -> list[int]:
    return [int(v) for v in request.POST.getlist("findings") if v.isdigit()]


def questionnaire_of(municipality: Municipality, kind: str) -> dict:
    """The questionnaire applicants of this kind are sent: the municipality's own texts, else the defaults."""
    own = Questionnaire.objects.filter(municipality=municipality, kind=kind).first()
    return {
        "intro_sv": own.intro_sv if own else "",
        "intro_en": (own.intro_en or own.intro_sv) if own else "",
        "notice": procedure_texts.DEFAULT_INTRO,  # always shown: why, the ground of untrue answers, retention
        "questions": own.questions if own else [],
        "sections": procedure_texts.QUESTIONNAIRE_SECTIONS,
        "financing_kinds": procedure_texts.FINANCING_KINDS,
    }


def _request_text(case: Case, authority: str, persons: str) -> str:
    return (
        f"{case.municipality.name} prövar en ansökan om {case.get_kind_display().lower()} från "
        f"{case.applicant.name}{f' ({case.applicant.org_number})' if case.applicant.org_number else ''}"
        f"{f', {case.premises_address}' if case.premises_address else ''}. Personer med betydande inflytande: "
        f"{persons or '–'} (se bilagan).\n\n{procedure_texts.AUTHORITY_QUESTIONS[authority]}"
    )


def sent_keys(case: Case, findings: list[Finding]) -> set[int]:
    """The findings of the newest screening that were sent to the applicant in a kommunicering (by their text)."""
    sent = {(f["code"], f["summary"]) for h in case.hearings.all() for f in h.findings}
    return {f.pk for f in findings if procedure.finding_key(f) in sent}


@screening_officer
def procedure_page(request, pk: int):
    case = _case(request, pk)
    run = case.runs.first()
    findings = list(run.findings.exclude(severity="info").select_related("party__entity")) if run else []
    hearing = case.hearings.first()
    today = timezone.localdate()
    persons = ", ".join(p.entity.name for p in case.parties.select_related("entity").exclude(role="applicant"))
    log.record(request.user, "view", case, summary="procedure viewed", purpose=case)
    return render(
        request,
        "screening/procedure.html",
        {
            "case": case,
            "run": run,
            "findings": findings,
            "links": case.links.all(),
            "answers": case.answers.prefetch_related("documents"),
            "requests": case.requests.prefetch_related("documents").select_related("sent_by", "recorded_by"),
            "authorities": AuthorityRequest.Authority.choices,
            "request_texts": {a: _request_text(case, a, persons) for a in AuthorityRequest.Authority.values},
            "severities": Finding.Severity.choices,
            "hearings": case.hearings.prefetch_related("documents"),
            "hearing": hearing,
            "heard": hearing is not None and procedure.heard(hearing, today),
            "sent_in_hearing": sent_keys(case, findings),
            "decisions": case.licence_decisions.select_related("decided_by"),
            "outcomes": LicenceDecision.Outcome.choices,
            "today": today,
            "default_deadline": today + dt.timedelta(days=procedure.HEARING_DAYS),
            "request_deadline": today + dt.timedelta(days=21),
            "appeal": procedure_texts.appeal_text(
                procedure_texts.authority_name(case.municipality), case.municipality.county_id
            ),
            "new_link": request.session.pop(f"link-{case.pk}", ""),
        },
    )


@screening_officer
@require_POST
def questionnaire_send(request, pk: int):
    case = _case(request, pk)
    try:
        sent = procedure.send_questionnaire(
            case,
            request.user,
            email=request.POST.get("email", "").strip()[:254],
            language=request.POST.get("language", "sv"),
            days=_digits(request.POST.get("days")) if request.POST.get("days", "").strip() else procedure.LINK_DAYS,
        )
    except RecordError as exc:
        messages.error(request, str(exc))
        return _back(case)
    request.session[f"link-{case.pk}"] = sent.url  # shown once, for giving it another way
    messages.success(
        request,
        _("The questionnaire link was e-mailed.")
        if sent.mailed
        else _("The questionnaire link was made: give it to the applicant."),
    )
    return _back(case)


@screening_officer
@require_POST
def request_send(request, pk: int):
    case = _case(request, pk)
    deadline = _date(request.POST.get("deadline"))
    if deadline is None:
        messages.error(request, _("Give the deadline as a date (YYYY-MM-DD); nothing was sent."))
        return _back(case)
    try:
        sent = procedure.send_request(
            case,
            request.user,
            authority=request.POST.get("authority", ""),
            address=request.POST.get("address", "").strip()[:254],
            text=request.POST.get("text", ""),
            deadline=deadline,
        )
    except RecordError as exc:
        messages.error(request, str(exc))
        return _back(case)
    messages.success(request, _("The request to %(authority)s was sent.") % {"authority": sent.get_authority_display()})
    return _back(case)


def _request(request, pk: int, rid: int) -> AuthorityRequest:
    case = _case(request, pk)
    found = AuthorityRequest.objects.restrict(request.user).filter(case=case, pk=rid).select_related("case").first()
    if found is None:
        raise Http404
    return found


@screening_officer
def request_document(request, pk: int, rid: int):
    item = _request(request, pk, rid)
    log.record(request.user, "view", item, purpose=item.case, summary="request document")
    if request.GET.get("format") == "docx":
        return _download(
            documents.request_docx(item),
            f"begaran-{item.pk}.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
    return _download(documents.request_pdf(item), f"begaran-{item.pk}.pdf", "application/pdf")


@screening_officer
@require_POST
def request_answer(request, pk: int, rid: int):
    item = _request(request, pk, rid)
    answered = _date(request.POST.get("answered_on"))
    if answered is None:
        messages.error(request, _("Give the day the answer arrived (YYYY-MM-DD); nothing was recorded."))
        return _back(item.case)
    try:
        run = procedure.record_answer(
            item,
            request.user,
            answered_on=answered,
            text=request.POST.get("answer", ""),
            severity=request.POST.get("severity", ""),
            judgement=request.POST.get("judgement", ""),
            their_reference=request.POST.get("their_reference", "")[:100],
            files=_files(request),
        )
    except RecordError as exc:
        messages.error(request, str(exc))
        return _back(item.case)
    messages.success(
        request,
        _("The answer was recorded and the case screened again: %(level)s.")
        % {"level": run.get_recommendation_display()},
    )
    return _back(item.case)


@screening_officer
@require_POST
def hearing_send(request, pk: int):
    case = _case(request, pk)
    run = case.runs.filter(pk=_digits(request.POST.get("run"))).first()
    deadline = _date(request.POST.get("deadline"))
    if run is None or deadline is None:
        messages.error(request, _("Open the case again and choose the findings and a deadline; nothing was sent."))
        return _back(case)
    try:
        hearing = procedure.send_hearing(
            case,
            run,
            request.user,
            finding_ids=_ids(request),
            deadline=deadline,
            email=request.POST.get("email", "").strip()[:254],
            letter=request.POST.get("letter", "")[:5000],
        )
    except RecordError as exc:
        messages.error(request, str(exc))
        return _back(case)
    request.session[f"link-{case.pk}"] = hearing.reply_url
    messages.success(
        request, _("The findings were sent to the applicant; reply by %(day)s.") % {"day": hearing.deadline.isoformat()}
    )
    return _back(case)


def _hearing(request, pk: int, hid: int) -> Hearing:
    case = _case(request, pk)
    found = Hearing.objects.restrict(request.user).filter(case=case, pk=hid).select_related("case").first()
    if found is None:
        raise Http404
    return found


@screening_officer
def hearing_document(request, pk: int, hid: int):
    hearing = _hearing(request, pk, hid)
    log.record(request.user, "view", hearing, purpose=hearing.case, summary="kommunicering letter")
    return _download(documents.hearing_pdf(hearing), f"kommunicering-{hearing.pk}.pdf", "application/pdf")


@screening_officer
@require_POST
def hearing_reply(request, pk: int, hid: int):
    hearing = _hearing(request, pk, hid)
    try:
        procedure.record_reply(hearing, request.POST.get("reply", ""), user=request.user, files=_files(request))
    except RecordError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The applicant's reply was recorded."))
    return _back(hearing.case)


@screening_officer
@require_POST
def licence_decide(request, pk: int):
    case = _case(request, pk)
    run = case.runs.filter(pk=_digits(request.POST.get("run"))).first()
    if run is None:
        messages.error(request, _("Open the case again and decide on the screening it shows; nothing was recorded."))
        return _back(case)
    try:
        decision = procedure.decide(
            case,
            run,
            request.user,
            outcome=request.POST.get("outcome", ""),
            reasons=request.POST.get("reasons", ""),
            finding_ids=_ids(request),
            reply_considered=request.POST.get("reply_considered", ""),
            conditions=request.POST.get("conditions", ""),
            decided_under=request.POST.get("decided_under", ""),
        )
    except RecordError as exc:
        messages.error(request, str(exc))
        return _back(case)
    messages.success(
        request, _("The decision was recorded: %(outcome)s.") % {"outcome": decision.get_outcome_display()}
    )
    return _back(case)


@screening_officer
def decision_document(request, pk: int, did: int):
    case = _case(request, pk)
    decision = LicenceDecision.objects.restrict(request.user).filter(case=case, pk=did).first()
    if decision is None:
        raise Http404
    log.record(request.user, "view", decision, purpose=case, summary="decision document")
    if request.GET.get("format") == "docx":
        return _download(
            documents.decision_docx(decision),
            f"beslut-{decision.pk}.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
    return _download(documents.decision_pdf(decision), f"beslut-{decision.pk}.pdf", "application/pdf")


@screening_officer
def court_file(request, pk: int):
    """The case for the administrative court: a PDF with a table of contents, the JSON bundle and the documents
    received, in one archive (``?format=json``: the bundle alone)."""
    case = _case(request, pk)
    log.record(request.user, "export", case, purpose=case, summary="court file")
    safe = "".join(c if c.isalnum() else "-" for c in case.reference)
    if request.GET.get("format") == "json":
        return _download(documents.bundle_json(case), f"akt-{safe}.json", "application/json")
    return _download(documents.court_file_zip(case), f"akt-{safe}.zip", "application/zip")


@screening_officer
def case_document(request, pk: int, doc: int):
    case = _case(request, pk)
    item = CaseDocument.objects.restrict(request.user).filter(case=case, pk=doc).first()
    if item is None:
        raise Http404
    log.record(request.user, "view", item, purpose=case, summary=f"document {item.name}"[:300])
    return _download(bytes(item.content), procedure.safe_name(item.name), "application/pdf")


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@screening_officer
def questionnaire_edit(request, code: str, kind: str):
    """The introduction and extra questions of one kind of case's questionnaire, for the municipality's
    applicants; the fixed questions (ownership, financing, relations, refusals, documents) are always asked."""
    municipality = access.fetch(Municipality.objects.all(), request.user, "screen", code=code)
    if kind not in Case.Kind.values:
        raise Http404
    own = Questionnaire.objects.restrict(request.user).filter(municipality=municipality, kind=kind).first()
    own = own or Questionnaire(municipality=municipality, kind=kind)
    if request.method == "POST":
        questions = []
        for sv, en in zip(request.POST.getlist("question_sv"), request.POST.getlist("question_en"), strict=False):
            if sv.strip() or en.strip():
                questions.append({"sv": sv.strip()[:1000], "en": en.strip()[:1000] or sv.strip()[:1000]})
        own.intro_sv = request.POST.get("intro_sv", "").strip()[:3000]
        own.intro_en = request.POST.get("intro_en", "").strip()[:3000]
        own.questions, own.updated_by = questions[:20], request.user
        own.save()
        log.record(request.user, "update", own, summary=f"questionnaire {kind} of {code}")
        messages.success(request, _("The questionnaire was saved."))
        return redirect("screening:questionnaire_edit", code=code, kind=kind)
    return render(
        request,
        "screening/questionnaire_edit.html",
        {
            "municipality": municipality,
            "kind": kind,
            "kind_label": dict(Case.Kind.choices)[kind],
            "own": own,
            "defaults": procedure_texts.DEFAULT_INTRO,
            "sections": procedure_texts.QUESTIONNAIRE_SECTIONS,
            "kinds": Case.Kind.choices,
        },
    )
