"""The documents of the licensing procedure as PDF and Word: the request to an authority, the letter of
kommunicering, the decision (beslut) — and the court file: one PDF with a table of contents plus a JSON bundle
(FollowTheMoney entities for the parties) of everything stored on the case, built from the stored rows only, so
that building it again gives the same bundle."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

from django.utils import timezone, translation

from trygg.audit.models import AuditEvent
from trygg.core import rendering
from trygg.core.documents_docx import html_to_docx
from trygg.screening import procedure_texts
from trygg.screening.importers import export_ftm
from trygg.screening.models import (
    AuthorityRequest,
    Case,
    Hearing,
    LicenceDecision,
)


def _html(template: str, context: dict) -> str:
    case = context["case"]
    return rendering.print_html(template, {**context, "authority": procedure_texts.authority_name(case.municipality)})


def _number(entity) -> str:
    """A party's identifier as a letter writes it: 556677-8899, 19800101-1234, or the birth date."""
    if entity.org_number:
        return entity.org_number
    if len(entity.personal_number) == 12:
        return f"{entity.personal_number[:8]}-{entity.personal_number[8:]}"
    return entity.personal_number or entity.birth_date or "–"


def request_context(request: AuthorityRequest) -> dict:
    parties = _parties(request.case)
    for p in parties:
        p.number = _number(p.entity)
    return {"request": request, "case": request.case, "parties": parties}


def request_pdf(request: AuthorityRequest) -> bytes:
    return rendering.pdf_from_html(_html("screening/print/request.html", request_context(request)))


def request_docx(request: AuthorityRequest) -> bytes:
    return html_to_docx(_html("screening/print/request.html", request_context(request)))


def hearing_context(hearing: Hearing, reply_url: str = "") -> dict:
    return {"hearing": hearing, "case": hearing.case, "reply_url": reply_url}


def hearing_pdf(hearing: Hearing, reply_url: str = "") -> bytes:
    return rendering.pdf_from_html(_html("screening/print/hearing.html", hearing_context(hearing, reply_url)))


def decision_context(decision: LicenceDecision) -> dict:
    case = decision.case
    return {
        "decision": decision,
        "case": case,
        "hearing": decision.hearing,
        "rules": procedure_texts.RULES_APPLIED.get(case.kind, procedure_texts.RULES_APPLIED["other"]),
        "appeal": procedure_texts.appeal_text(
            procedure_texts.authority_name(case.municipality), case.municipality.county_id
        ),
    }


def decision_pdf(decision: LicenceDecision) -> bytes:
    return rendering.pdf_from_html(_html("screening/print/decision.html", decision_context(decision)))


def decision_docx(decision: LicenceDecision) -> bytes:
    return html_to_docx(_html("screening/print/decision.html", decision_context(decision)))


def _parties(case: Case):
    return list(case.parties.select_related("entity").order_by("id"))


def _iso(value) -> str | None:
    """A date as YYYY-MM-DD; a moment in local time with its offset (what the letters and pages show)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="minutes")
    return value.isoformat()


def bundle(case: Case) -> dict:
    """:func:`contents` with the Swedish words beside the codes (a court reads the words, a program the codes)."""
    with translation.override("sv"):
        return contents(case)


def contents(case: Case) -> dict:
    """Everything stored on the case, as plain data: the application, its parties (as FollowTheMoney entities),
    every screening run with its findings, evidence, sources and data versions, the judgements and assessments,
    questionnaire answers, requests and answers, kommunicering and reply, decisions, disclosures, the documents
    received (name and SHA-256) and the audit trail."""
    parties = _parties(case)
    runs = list(
        case.runs.order_by("created_at", "id").prefetch_related("findings__party__entity", "findings__matched__dataset")
    )
    return {
        "case": {
            "reference": case.reference,
            "kind": case.kind,
            "municipality": {"code": case.municipality.code, "name": case.municipality.name},
            "received_on": _iso(case.received_on),
            "premises_address": case.premises_address,
            "status": case.status,
            "retention_until": _iso(case.retention_until),
            "generated": case.is_generated,
        },
        "parties": [
            {
                "role": p.role,
                "share": p.share,
                "declared_in": p.declared_in or "application",
                "entity": next(iter(export_ftm([p.entity])), None),
            }
            for p in parties
        ],
        "screenings": [
            {
                "id": r.pk,
                "created_at": _iso(r.created_at),
                "as_of": _iso(r.as_of),
                "by": str(r.created_by or "trygg screen"),
                "data_versions": r.versions,
                "thresholds": r.config,
                "recommendation": r.recommendation,
                "recommendation_label": r.get_recommendation_display(),
                "reasons": r.reasons,
                "findings": [
                    {
                        "id": f.pk,
                        "kind": f.kind,
                        "code": f.code,
                        "severity": f.severity,
                        "severity_label": f.get_severity_display(),
                        "score": f.score,
                        "party": f.party.entity.name if f.party else None,
                        "matched": {
                            "name": f.matched.name,
                            "list": f.matched.dataset.name,
                            "version": f.matched.dataset.version,
                        }
                        if f.matched
                        else None,
                        "summary": f.evidence.get("text") or f.summary,
                        "evidence": f.evidence,
                        "source": f.source,
                    }
                    for f in sorted(r.findings.all(), key=lambda f: f.pk)
                ],
            }
            for r in runs
        ],
        "assessments": [
            {
                "run": d.run_id,
                "recommended": d.recommended,
                "assessed": d.decided,
                "recommended_label": d.get_recommended_display(),
                "assessed_label": d.get_decided_display(),
                "justification": d.justification,
                "officer": str(d.officer or ""),
                "at": _iso(d.decided_at),
            }
            for d in case.decisions.order_by("decided_at", "id")
        ],
        "questionnaire": [
            {
                "submitted_at": _iso(a.submitted_at),
                "language": a.language,
                "answers": _labelled(a.answers),
                "documents": [{"name": d.name, "sha256": d.sha256, "size": d.size} for d in a.documents.all()],
            }
            for a in case.answers.order_by("submitted_at", "id")
        ],
        "requests": [
            {
                "authority": r.authority,
                "authority_label": r.get_authority_display(),
                "address": r.address,
                "text": r.text,
                "deadline": _iso(r.deadline),
                "sent_at": _iso(r.sent_at),
                "sent_by": str(r.sent_by or ""),
                "answered_on": _iso(r.answered_on),
                "their_reference": r.their_reference,
                "answer": r.answer_text,
                "judged_as": r.severity,
                "judged_as_label": r.get_severity_display(),
                "judgement": r.judgement,
                "recorded_by": str(r.recorded_by or ""),
                "documents": [{"name": d.name, "sha256": d.sha256, "size": d.size} for d in r.documents.all()],
            }
            for r in case.requests.order_by("sent_at", "id")
        ],
        "hearings": [
            {
                "run": h.run_id,
                "findings": h.findings,
                "letter": h.letter,
                "sent_to": h.sent_to,
                "sent_at": _iso(h.sent_at),
                "deadline": _iso(h.deadline),
                "reply": h.reply,
                "replied_at": _iso(h.replied_at),
                "reply_recorded_by": str(h.reply_recorded_by or "") if h.replied_at else None,
                "documents": [{"name": d.name, "sha256": d.sha256, "size": d.size} for d in h.documents.all()],
            }
            for h in case.hearings.order_by("sent_at", "id")
        ],
        "decisions": [
            {
                "outcome": d.outcome,
                "outcome_label": d.get_outcome_display(),
                "decided_under": d.decided_under,
                "conditions": d.conditions,
                "run": d.run_id,
                "hearing": d.hearing_id,
                "reasons": d.reasons,
                "cited": d.cited,
                "reply_considered": d.reply_considered,
                "decided_by": str(d.decided_by or ""),
                "decided_at": _iso(d.decided_at),
            }
            for d in case.licence_decisions.order_by("decided_at", "id")
        ],
        "disclosures": [
            {
                "recipient": d.recipient,
                "content": d.content,
                "legal_basis": d.legal_basis,
                "reference": d.reference,
                "by": str(d.disclosed_by or ""),
                "at": _iso(d.disclosed_at),
            }
            for d in case.disclosures.order_by("disclosed_at", "id")
        ],
        "audit_trail": [
            {
                "at": _iso(e.at),
                "actor": e.actor_label,
                "action": e.action,
                "summary": e.summary,
                "text": f"{e.action_text} {e.subject}",
            }
            for e in AuditEvent.objects.for_purpose(case).order_by("at", "id")
        ],
    }


def _labelled(answers: dict) -> dict:
    """The answers as stored, each financing row with the Swedish word for its kind."""
    kinds = procedure_texts.FINANCING_KINDS
    financing = [{**row, "kind_label": kinds.get(row.get("kind"), {}).get("sv", row.get("kind"))}
                 for row in answers.get("financing", [])]  # fmt: skip
    return {**answers, "financing": financing}


def bundle_json(case: Case) -> bytes:
    return json.dumps(bundle(case), ensure_ascii=False, indent=1, sort_keys=True, default=str).encode()


def court_file_pdf(case: Case, data: dict | None = None) -> bytes:
    data = data or bundle(case)
    context = {"case": case, "data": data, "made_at": timezone.localtime(), "appeal": None}
    return rendering.pdf_from_html(_html("screening/print/court_file.html", context))


def court_file_zip(case: Case) -> bytes:
    """The PDF, the JSON bundle and every document received, in one archive."""
    data = bundle(case)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("domstolsakt.pdf", court_file_pdf(case, data))
        archive.writestr(
            "domstolsakt.json", json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True, default=str)
        )
        for d in case.documents.order_by("received_at", "id"):
            archive.writestr(f"handlingar/{d.pk}-{d.name}", bytes(d.content))
        # the letters as sent, made again from the stored rows (the same text)
        for r in case.requests.order_by("sent_at", "id"):
            archive.writestr(f"skickat/begaran-{r.pk}.pdf", request_pdf(r))
        for h in case.hearings.order_by("sent_at", "id"):
            archive.writestr(f"skickat/kommunicering-{h.pk}.pdf", hearing_pdf(h))
        for d in case.licence_decisions.order_by("decided_at", "id"):
            archive.writestr(f"skickat/beslut-{d.pk}.pdf", decision_pdf(d))
    return buffer.getvalue()
