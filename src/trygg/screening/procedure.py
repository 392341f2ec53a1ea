"""The licensing officer's procedure around the screening: the applicant's questionnaire through a one-time link,
requests to authorities (remiss) with deadlines, kommunicering of the findings relied on (förvaltningslagen
25 §), and the decision (beslut, 32–33 §§), which is refused against the applicant until they have been heard.

Everything is stored with the case, deleted with it, and audited with the case as purpose. Trygg fetches no
authority data: what an authority answers is recorded as it arrived and judged by the officer."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from trygg.audit import log
from trygg.core import mail
from trygg.core.importing import RecordError
from trygg.screening import cases as case_service
from trygg.screening import documents, engine
from trygg.screening.models import (
    ApplicantLink,
    AuthorityRequest,
    Case,
    CaseDocument,
    CaseParty,
    Disclosure,
    Finding,
    Hearing,
    LicenceDecision,
    QuestionnaireAnswer,
    ScreeningRun,
)

MAIL_KIND = "screening_procedure"
# the basis on which a request hands the parties' data to the authority (recorded as a disclosure)
REQUEST_BASIS = {
    "police": "8 kap. 17 § alkohollagen (Polismyndighetens yttrande)",
    "other": "Remiss i ärendet (utredningsskyldigheten, 23 § förvaltningslagen)",
}
LINK_DAYS = 21  # a questionnaire link works this long unless the officer sets another
HEARING_DAYS = 14  # the usual time to reply to a kommunicering
MAX_DOCUMENT = 10 * 1024 * 1024
MAX_DOCUMENTS = 10
APPLICANT = "sökanden (via länk)"  # the audit log's actor for what arrives through a link


def register() -> None:
    mail.register_kind(
        MAIL_KIND, "Handläggning: formulär, remisser och kommunicering", for_staff=False, transactional=True
    )


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class LinkError(Exception):
    """A link that is unknown, expired or used; the message says which, in Swedish and English."""


# --- documents received -----------------------------------------------------------------------------------------


def uploaded(files) -> list[tuple[str, bytes]]:
    """The uploaded files as (name, content), read only when within the limits: a file over 10 MB (or more than
    ``MAX_DOCUMENTS`` files) is refused by its size, before it is read into memory."""
    files = list(files)
    if len(files) > MAX_DOCUMENTS:
        raise RecordError(gettext("At most %(n)d documents.") % {"n": MAX_DOCUMENTS})
    for f in files:
        if f.size > MAX_DOCUMENT:
            raise RecordError(gettext("%(name)s: larger than 10 MB.") % {"name": f.name[:100]})
    return [(f.name, f.read()) for f in files]


def safe_name(name: str) -> str:
    """A received file's name as it may stand in a download's header: letters, digits, dot, dash, underscore."""
    cleaned = "".join(c if c.isalnum() or c in "._- " else "_" for c in name).strip() or "handling.pdf"
    return cleaned[:100]


def check_pdf(name: str, content: bytes) -> None:
    """A received document must be a PDF of at most 10 MB; the error names the file."""
    if len(content) > MAX_DOCUMENT:
        raise RecordError(gettext("%(name)s: larger than 10 MB.") % {"name": name[:100]})
    if not content.startswith(b"%PDF-"):
        raise RecordError(gettext("%(name)s: not a PDF file.") % {"name": name[:100]})


def _store_documents(case: Case, files: list[tuple[str, bytes]], **owner) -> None:
    if len(files) > MAX_DOCUMENTS:
        raise RecordError(gettext("At most %(n)d documents.") % {"n": MAX_DOCUMENTS})
    for name, content in files:
        check_pdf(name, content)
    for name, content in files:
        CaseDocument.objects.create(
            case=case,
            name=name[:200],
            content=content,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            **owner,
        )


# --- one-time links -------------------------------------------------------------------------------------------------


@dataclass
class SentLink:
    link: ApplicantLink
    url: str
    mailed: bool


def make_link(
    case: Case, purpose: str, user, *, email: str = "", language: str = "sv", days: int = LINK_DAYS
) -> tuple[ApplicantLink, str]:
    """A new one-time link (its token is shown once, in the URL returned; only its hash is kept)."""
    if language not in ("sv", "en"):
        raise RecordError(gettext("The language is Swedish or English."))
    if not 1 <= days <= 90:
        raise RecordError(gettext("A link works from 1 to 90 days."))
    token = secrets.token_urlsafe(24)
    link = ApplicantLink.objects.create(
        case=case,
        purpose=purpose,
        token_hash=_hash(token),
        language=language,
        sent_to=email,
        created_by=user if getattr(user, "is_authenticated", False) else None,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    return link, mail.absolute(reverse("screening_public:applicant", args=[token]))


def send_questionnaire(case: Case, user, *, email: str, language: str = "sv", days: int = LINK_DAYS) -> SentLink:
    """A questionnaire link for the applicant, e-mailed when an address is given (audited)."""
    with transaction.atomic():
        link, url = make_link(
            case, ApplicantLink.Purpose.QUESTIONNAIRE, user, email=email, language=language, days=days
        )
        log.record(user, "create", link, purpose=case, summary=f"questionnaire link to {email or '(shown)'}")
    mailed = _mail(
        f"link:{link.pk}",
        email,
        "Frågor om er ansökan / Questions about your application",
        "screening/mail/questionnaire",
        {"case": case, "url": url, "link": link},
        officer=user,
    )
    return SentLink(link, url, mailed)


def _mail(key: str, to: str, subject: str, template: str, context: dict, attachments=(), officer=None) -> bool:
    """Send to the applicant or an authority; a reply goes to the officer who sent it (their address, if set)."""
    if not to:
        return False
    return mail.send(
        mail.Outgoing(
            kind=MAIL_KIND,
            key=key,
            to=to,
            subject=subject,
            template=template,
            context={**context, "officer": officer},
            attachments=tuple(attachments),
            reply_to=getattr(officer, "email", "") or "",
        )
    )


def open_link(token: str, *, lock: bool = False) -> ApplicantLink:
    """The link a token names, if it still works. Raises LinkError otherwise."""
    links = ApplicantLink.objects.select_related("case__municipality", "case__applicant")
    if lock:
        links = links.select_for_update(of=("self",))
    link = links.filter(token_hash=_hash(token or "")).first()
    if link is None:
        raise LinkError("Länken finns inte. / The link does not exist.")
    if link.used_at is not None:
        raise LinkError("Länken är redan använd: svaret har kommit in. / The link has been used: the answer is in.")
    if link.expires_at < timezone.now():
        raise LinkError("Länken har gått ut. Kontakta kommunen. / The link has expired. Contact the municipality.")
    return link


# --- the questionnaire ----------------------------------------------------------------------------------------------


def _rows(value: Any, where: str) -> list[dict]:
    if not isinstance(value, list):
        raise RecordError(f"{where}: must be a list")
    return [row for row in value if isinstance(row, dict) and str(row.get("name") or "").strip()]


def _identity(name: str, identifier: str, country: str = "SE") -> dict:
    data: dict[str, Any] = {"name": name, "country": country}
    identifier = identifier.strip()
    if case_service.is_company(name, identifier, country):
        data |= {"company": True, "org_number": identifier} if identifier else {"company": True}
    elif identifier:
        data["personal_number"] = identifier
    return data


def clean_answers(answers: dict) -> dict:
    """The answers as stored: owners, financing, relations, refusals, extra answers, who signed. Raises
    RecordError naming every mistake in the applicant's words ("Owner 2: the share is …; Give at least …")."""
    out: dict[str, Any] = {"owners": [], "financing": [], "relations": [], "extra": []}
    errors: list[str] = []
    for i, row in enumerate(_rows(answers.get("owners", []), "owners")):
        share = row.get("share")
        if share not in (None, ""):
            try:
                share = float(str(share).replace(",", ".").rstrip("% "))
            except ValueError:
                errors.append(gettext("Owner %(n)d: the share is not a number.") % {"n": i + 1})
                share = None
            else:
                if not 0 < share <= 100:
                    errors.append(gettext("Owner %(n)d: the share is a number from 0 to 100.") % {"n": i + 1})
        out["owners"].append(
            {
                "name": str(row["name"]).strip()[:300],
                "identifier": str(row.get("identifier") or "").strip()[:20],
                "share": share if share != "" else None,
            }
        )
    for row in _rows(answers.get("financing", []), "financing"):
        out["financing"].append(
            {
                "name": str(row["name"]).strip()[:300],
                "identifier": str(row.get("identifier") or "").strip()[:20],
                "kind": str(row.get("kind") or "other")[:20],
                "amount": str(row.get("amount") or "")[:40],
            }
        )
    for row in _rows(answers.get("relations", []), "relations"):
        out["relations"].append(
            {
                "name": str(row["name"]).strip()[:300],
                "identifier": str(row.get("identifier") or "").strip()[:20],
                "relation": str(row.get("relation") or "")[:200],
            }
        )
    refusals = answers.get("refusals")
    if refusals not in (True, False):
        errors.append(gettext("Answer whether a licence has been refused or revoked before: yes or no."))
    out["refusals"] = refusals
    out["refusals_details"] = str(answers.get("refusals_details") or "")[:2000]
    for row in answers.get("extra", []) or []:
        if isinstance(row, dict):
            out["extra"].append(
                {"question": str(row.get("question") or "")[:1000], "answer": str(row.get("answer") or "")[:5000]}
            )
    out["signed_by"] = str(answers.get("signed_by") or "").strip()[:200]
    if not out["owners"]:
        errors.append(gettext("Give at least one owner."))
    if not out["signed_by"]:
        errors.append(gettext("Write your name at the end: it confirms the answers."))
    if errors:
        raise RecordError(" ".join(errors))
    return out


def _declared_parties(case: Case, answers: dict, tag: str) -> list[CaseParty]:
    """The owners, financiers and lessors the applicant declared, as parties of the case (screened against the
    lists like those in the application), marked with the answer (``tag``); one the application names in the same
    role is not added again. A later answer's parties replace an earlier answer's in the screening."""
    existing = list(case.parties.select_related("entity").filter(declared_in=""))
    known_ids = {(p.entity.org_number or p.entity.personal_number, p.role) for p in existing}
    known_names = {(" ".join(p.entity.name.casefold().split()), p.role) for p in existing}
    added = []
    rows = [(r, "owner", r.get("share")) for r in answers["owners"]]
    rows += [(r, "lessor" if r["kind"] == "lease" else "financier", None) for r in answers["financing"]]
    for i, (row, role, share) in enumerate(rows):
        data = _identity(row["name"], row["identifier"])
        try:
            entity = case_service._party_entity(data, f"{role}[{i}]", company=bool(data.get("company")))
        except RecordError as exc:
            raise RecordError(
                gettext("%(name)s: “%(number)s” is not a valid personal identity or organisation number.")
                % {"name": row["name"], "number": row["identifier"]}
            ) from exc
        key = entity.org_number or entity.personal_number
        name = " ".join(entity.name.casefold().split())
        if (key and (key, role) in known_ids) or (not key and (name, role) in known_names):
            continue  # named in that role already (a person may be named again in another: CEO and owner)
        entity.save()
        added.append(CaseParty.objects.create(case=case, entity=entity, role=role, share=share, declared_in=tag))
        known_ids.add((key, role))
        known_names.add((name, role))
    return added


def questionnaire_tag(answer: QuestionnaireAnswer) -> str:
    """How a party declared in this answer is marked (``CaseParty.declared_in``)."""
    return f"questionnaire:{answer.pk}"


def submit_questionnaire(token: str, answers: dict, files: list[tuple[str, bytes]]) -> QuestionnaireAnswer:
    """Store the applicant's answers (once: the link is used up) with their documents and the declared parties,
    then screen the case again as of its date so that the answers are compared. Nothing is stored on an error."""
    cleaned = clean_answers(answers)
    with transaction.atomic():
        link = open_link(token, lock=True)
        if link.purpose != ApplicantLink.Purpose.QUESTIONNAIRE:
            raise LinkError("Länken gäller inte formuläret. / The link is not for the questionnaire.")
        case = link.case
        answer = QuestionnaireAnswer.objects.create(case=case, link=link, language=link.language, answers=cleaned)
        _store_documents(case, files, answer=answer)
        added = _declared_parties(case, cleaned, questionnaire_tag(answer))
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
        log.record(
            APPLICANT,
            "create",
            answer,
            purpose=case,
            summary=f"questionnaire answered: {len(added)} declared parties, {len(files)} documents",
        )
    with translation.override("sv"):  # the run is the officer's record, whatever language the applicant chose
        engine.screen(case, APPLICANT, as_of=latest_as_of(case))
    return answer


def latest_as_of(case: Case) -> dt.date:
    """The day the newest run answered for (the application's date when none)."""
    run = case.runs.first()
    return (run.as_of if run and run.as_of else None) or case.received_on


# --- requests to authorities ----------------------------------------------------------------------------------------


def send_request(case: Case, user, *, authority: str, address: str, text: str, deadline: dt.date) -> AuthorityRequest:
    """Store a request and e-mail it with its document (PDF) to the authority. Sending the parties' data to the
    authority is recorded as a disclosure in the audit log."""
    if authority not in AuthorityRequest.Authority.values:
        raise RecordError(gettext("Choose an authority."))
    if deadline <= timezone.localdate():
        raise RecordError(gettext("The deadline must be after today."))
    if len(text.strip()) < 20:
        raise RecordError(gettext("Write the request (20 characters or more)."))
    with transaction.atomic():
        request = AuthorityRequest.objects.create(
            case=case, authority=authority, address=address, text=text.strip(), deadline=deadline, sent_by=user
        )
        log.record(
            user,
            "disclose",
            request,
            purpose=case,
            summary=f"request to {request.get_authority_display()} ({address}), answer by {deadline}",
        )
        with translation.override("sv"):
            Disclosure.objects.create(
                case=case,
                recipient=f"{request.get_authority_display()} ({address})"[:200],
                content=f"Begäran om yttrande med sökandens och personernas namn och person- eller "
                f"organisationsnummer (remiss {request.pk}).",
                legal_basis=str(REQUEST_BASIS.get(authority, REQUEST_BASIS["other"])),
                disclosed_by=user if getattr(user, "is_authenticated", False) else None,
            )
    pdf = documents.request_pdf(request)
    _mail(
        f"request:{request.pk}",
        address,
        f"Begäran om yttrande, ärende {case.reference}",
        "screening/mail/request",
        {"request": request, "case": case},
        [(f"begaran-{request.pk}.pdf", pdf, "application/pdf")],
        officer=user,
    )
    return request


def record_answer(
    request: AuthorityRequest,
    user,
    *,
    answered_on: dt.date,
    text: str,
    severity: str,
    judgement: str,
    their_reference: str = "",
    files=(),
) -> ScreeningRun:
    """The authority's answer as it arrived, the officer's judgement of it, and a new screening as of the case's
    date in which it is a finding with its source. An answer already recorded is not overwritten."""
    if severity not in Finding.Severity.values:
        raise RecordError(gettext("Judge the answer: what it means for the case."))
    if not text.strip() and not files:
        raise RecordError(gettext("Record the answer: its text or the document the authority sent."))
    if len(judgement.strip()) < 10:
        raise RecordError(gettext("Write in a sentence what the answer means for the case."))
    if answered_on > timezone.localdate() or answered_on < request.sent_at.date():
        raise RecordError(gettext("The answer's date is between the request's and today."))
    with transaction.atomic():
        locked = AuthorityRequest.objects.select_for_update().get(pk=request.pk)
        if locked.recorded_at is not None:
            raise RecordError(
                gettext("The answer was recorded already, by %(officer)s at %(when)s; nothing was changed.")
                % {
                    "officer": locked.recorded_by or "–",
                    "when": timezone.localtime(locked.recorded_at).strftime("%Y-%m-%d %H:%M"),
                }
            )
        locked.answered_on, locked.answer_text, locked.severity = answered_on, text.strip(), severity
        locked.judgement, locked.their_reference = judgement.strip(), their_reference.strip()
        locked.recorded_by, locked.recorded_at = user, timezone.now()
        locked.save()
        _store_documents(request.case, list(files), request=locked)
        log.record(
            user,
            "update",
            locked,
            purpose=request.case,
            summary=f"answer from {locked.get_authority_display()} recorded: {severity}",
        )
    return engine.screen(request.case, user, as_of=latest_as_of(request.case))


def overdue_requests(cases) -> Any:
    return AuthorityRequest.objects.filter(case__in=cases, recorded_at__isnull=True, deadline__lt=timezone.localdate())


# --- kommunicering ------------------------------------------------------------------------------------------------


def finding_snapshot(f: Finding, run: ScreeningRun) -> dict:
    """A finding as it read when it was relied on: what, how serious, from which source and data versions."""
    return {
        "id": f.pk,
        "kind": f.get_kind_display(),
        "code": f.code,
        "severity": f.get_severity_display(),
        "summary": f.evidence.get("text") or f.summary,
        "source": f.source,
        "run": run.pk,
        "as_of": run.as_of.isoformat() if run.as_of else "",
        "versions": versions_of(f, run),
    }


def _version_words(v: dict) -> str:
    version = v.get("version") or (f"inläst {v['imported_at'][:10]}" if v.get("imported_at") else "")
    return f"{v['dataset']} {version}".strip()


def versions_of(f: Finding, run: ScreeningRun) -> list[str]:
    """The data a finding rests on: the list it matched (a hit), the registry (the applicant's answers against it,
    a red flag), the registry and the lists (a network link); an authority's answer rests on no data of Trygg's."""
    if f.kind == Finding.Kind.AUTHORITY:
        return []
    if f.kind == Finding.Kind.WATCHLIST and f.matched_id is not None:
        name = f.matched.dataset.name
        return [_version_words(v) for v in run.versions if v["dataset"] == name] or [name]
    kinds = {"registry"} if f.kind in (Finding.Kind.DECLARATION, Finding.Kind.RED_FLAG) else None
    return [_version_words(v) for v in run.versions if kinds is None or v.get("kind") in kinds]


def _chosen(run: ScreeningRun, finding_ids: list[int]) -> list[Finding]:
    chosen = list(run.findings.filter(pk__in=finding_ids).order_by("id"))
    if not chosen or len(chosen) != len(set(finding_ids)):
        raise RecordError(gettext("Choose the findings from the case's newest screening."))
    return chosen


def send_hearing(
    case: Case, run: ScreeningRun, user, *, finding_ids: list[int], deadline: dt.date, email: str, letter: str
) -> Hearing:
    """Send the applicant the findings a decision against them would rest on, with a deadline for their reply; the
    letter goes as a PDF by e-mail with a one-time link for the reply."""
    if case.runs.first() != run:
        raise RecordError(gettext("The case was screened again: choose the findings from the newest screening."))
    chosen = _chosen(run, finding_ids)
    if deadline < timezone.localdate() + dt.timedelta(days=7):
        raise RecordError(gettext("Give the applicant at least a week to reply."))
    with transaction.atomic():
        link, url = make_link(
            case, ApplicantLink.Purpose.HEARING, user, email=email, days=(deadline - timezone.localdate()).days + 1
        )
        hearing = Hearing.objects.create(
            case=case,
            run=run,
            findings=[finding_snapshot(f, run) for f in chosen],
            letter=letter.strip(),
            sent_to=email,
            deadline=deadline,
            sent_by=user,
            link=link,
        )
        log.record(
            user,
            "disclose",
            hearing,
            purpose=case,
            summary=f"kommunicering of {len(chosen)} findings to {email or '(letter)'}, reply by {deadline}",
        )
    pdf = documents.hearing_pdf(hearing, reply_url=url)
    _mail(
        f"hearing:{hearing.pk}",
        email,
        f"Underrättelse före beslut, ärende {case.reference}",
        "screening/mail/hearing",
        {"hearing": hearing, "case": case, "url": url},
        [(f"kommunicering-{hearing.pk}.pdf", pdf, "application/pdf")],
        officer=user,
    )
    hearing.reply_url = url  # shown once to the officer, for a letter sent by post
    return hearing


def record_reply(hearing: Hearing, text: str, *, user=None, files=()) -> Hearing:
    """The applicant's reply: through the link (``user`` None) or recorded by the officer from a letter."""
    if not text.strip() and not files:
        raise RecordError(gettext("Write the reply or attach it."))
    with transaction.atomic():
        locked = Hearing.objects.select_for_update().get(pk=hearing.pk)
        if locked.replied_at is not None:
            raise RecordError(gettext("A reply was recorded already; nothing was changed."))
        locked.reply, locked.replied_at, locked.reply_recorded_by = text.strip()[:20000], timezone.now(), user
        locked.save(update_fields=["reply", "replied_at", "reply_recorded_by"])
        _store_documents(hearing.case, list(files), hearing=locked)
        log.record(user or APPLICANT, "update", locked, purpose=hearing.case, summary="reply to the kommunicering")
    return locked


def reply_by_link(token: str, text: str, files=()) -> Hearing:
    with transaction.atomic():
        link = open_link(token, lock=True)
        hearing = Hearing.objects.filter(link=link).first()
        if hearing is None:
            raise LinkError("Länken gäller inte ett yttrande. / The link is not for a reply.")
        hearing = record_reply(hearing, text, files=files)
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
    return hearing


def heard(hearing: Hearing, today: dt.date | None = None) -> bool:
    """The applicant has been heard: they replied, or the time to reply has passed."""
    return hearing.replied_at is not None or hearing.deadline < (today or timezone.localdate())


# --- the decision -------------------------------------------------------------------------------------------------


def finding_key(f: Finding) -> tuple[str, str]:
    """What identifies a finding across screenings of the case: its rule and its whole text."""
    return (f.code, f.evidence.get("text") or f.summary)


def relied_hearing(case: Case, cited: list[Finding]) -> Hearing:
    """The kommunicering in which the applicant was heard on every finding cited: each of them sent in a hearing
    whose reply is in or whose deadline has passed (the newest such hearing is returned). Raises RecordError saying
    what is missing: no hearing at all, a reply still awaited, or findings never sent."""
    hearings = list(case.hearings.all())  # newest first
    if not hearings:
        raise RecordError(
            gettext(
                "The applicant has not been heard: send the findings for comment "
                "(kommunicering) before a decision against them."
            )
        )
    today = timezone.localdate()
    heard_on = {}  # finding key -> the newest heard hearing that sent it
    waiting = {}  # finding key -> the deadline of a hearing not yet heard that sent it
    for h in hearings:
        for f in h.findings:
            key = (f["code"], f["summary"])
            if heard(h, today):
                heard_on.setdefault(key, h)
            else:
                waiting.setdefault(key, h.deadline)
    never = [f for f in cited if finding_key(f) not in heard_on and finding_key(f) not in waiting]
    if never:
        raise RecordError(
            gettext("These findings were not sent to the applicant and cannot be relied on before they are: %(list)s")
            % {"list": "; ".join(f.summary[:120] for f in never)}
        )
    pending = [waiting[finding_key(f)] for f in cited if finding_key(f) not in heard_on]
    if pending:
        raise RecordError(
            gettext(
                "The applicant may reply until %(day)s: a decision against them waits until "
                "the reply is in or the deadline has passed."
            )
            % {"day": max(pending).isoformat()}
        )
    used = {heard_on[finding_key(f)].pk for f in cited}
    return next(h for h in hearings if h.pk in used)


def decide(
    case: Case,
    run: ScreeningRun,
    user,
    *,
    outcome: str,
    reasons: str,
    finding_ids: list[int],
    reply_considered: str = "",
    conditions: str = "",
    decided_under: str = "",
) -> LicenceDecision:
    """The decision on the application. One against the applicant (refusal, or conditions) must cite the findings
    it rests on, each of them communicated in a hearing the applicant has had its chance to answer: the reply is
    in or the deadline has passed; a reply must be considered in writing."""
    if outcome not in LicenceDecision.Outcome.values:
        raise RecordError(gettext("Choose the decision."))
    if len(reasons.strip()) < 20:
        raise RecordError(gettext("Write the reasons for the decision (20 characters or more)."))
    if outcome == LicenceDecision.Outcome.GRANTED_WITH_CONDITIONS and len(conditions.strip()) < 10:
        raise RecordError(gettext("Write the conditions of the licence."))
    if case.runs.first() != run:
        raise RecordError(
            gettext(
                "The case was screened again while you were writing; read the new screening and "
                "decide again. Nothing was recorded."
            )
        )
    cited = _chosen(run, finding_ids) if finding_ids else []
    against = outcome != LicenceDecision.Outcome.GRANTED
    hearing = None
    if against:
        if not cited:
            raise RecordError(gettext("A decision against the applicant must cite the findings it rests on."))
        hearing = relied_hearing(case, cited)
        if hearing.replied_at is not None and len(reply_considered.strip()) < 20:
            raise RecordError(gettext("Write how the applicant's reply was considered (20 characters or more)."))
    with transaction.atomic():
        Case.objects.select_for_update().get(pk=case.pk)
        decision = LicenceDecision.objects.create(
            case=case,
            run=run,
            hearing=hearing if against else None,
            outcome=outcome,
            reasons=reasons.strip(),
            cited=[finding_snapshot(f, run) for f in cited],
            reply_considered=reply_considered.strip(),
            conditions=conditions.strip() if outcome == LicenceDecision.Outcome.GRANTED_WITH_CONDITIONS else "",
            decided_under=decided_under.strip()[:300],
            decided_by=user,
        )
        case.status = Case.Status.DECIDED
        case.retention_until = max(
            case.retention_until, timezone.localdate() + dt.timedelta(days=case_service.retention_days())
        )
        case.save(update_fields=["status", "retention_until"])
        log.record(user, "decide", decision, purpose=case, summary=f"beslut: {outcome}, {len(cited)} findings cited")
    return decision
