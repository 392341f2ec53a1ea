"""The applicant's pages, reached through a one-time link without logging in: the questionnaire and the reply
to a kommunicering, in Swedish or English. The page shows only what the link is for: the case's reference, the
applicant's name and, for a reply, the findings that were sent."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from trygg.core import ratelimit
from trygg.core.importing import RecordError
from trygg.screening import procedure
from trygg.screening.models import ApplicantLink, Hearing
from trygg.screening.procedure_views import questionnaire_of

TOO_MANY = "För många försök med länkar som inte fungerar. Försök igen om en stund. / Too many tries; try later."


def _rows(post, prefix: str, fields: tuple[str, ...]) -> list[dict]:
    columns = [post.getlist(f"{prefix}_{f}") for f in fields]
    return [dict(zip(fields, values, strict=True)) for values in zip(*columns, strict=False)]


def answers_from(post, questions: list[str]) -> dict:
    """The questionnaire's form as the answers :func:`procedure.clean_answers` checks; the extra questions are the
    municipality's own (as shown), whatever the form sends back."""
    refusals = {"yes": True, "no": False}.get(post.get("refusals", ""))
    extra = [{"question": q, "answer": a} for q, a in zip(questions, post.getlist("extra_answer"), strict=False)]
    return {
        "owners": _rows(post, "owner", ("name", "identifier", "share")),
        "financing": _rows(post, "financing", ("name", "identifier", "kind", "amount")),
        "relations": _rows(post, "relation", ("name", "identifier", "relation")),
        "refusals": refusals,
        "refusals_details": post.get("refusals_details", ""),
        "extra": extra,
        "signed_by": post.get("signed_by", ""),
    }


@login_not_required
@never_cache
@sensitive_post_parameters()
def applicant(request, token: str):
    try:
        link = procedure.open_link(token)
    except procedure.LinkError as exc:
        # only the links that do not work are counted: guessing is slowed, applicants sharing an address are not
        if not ratelimit.allow(request, "applicant_link_miss"):
            return render(request, "screening/applicant/closed.html", {"message": TOO_MANY}, status=429)
        return render(request, "screening/applicant/closed.html", {"message": str(exc)}, status=410)
    language = request.GET.get("lang") or request.POST.get("lang") or link.language
    language = language if language in ("sv", "en") else "sv"
    with translation.override(language):
        if link.purpose == ApplicantLink.Purpose.HEARING:
            return _reply(request, token, link, language)
        return _questionnaire(request, token, link, language)


def _padded(answers: dict) -> dict:
    """The rows of the form: what was posted (after an error), and empty rows to fill in."""
    blank = {"name": "", "identifier": "", "share": "", "kind": "", "amount": "", "relation": ""}
    return {
        key: [*answers.get(key, []), *[blank] * max(2, 4 - len(answers.get(key, [])))]
        for key in ("owners", "financing", "relations")
    }


def _questionnaire(request, token: str, link: ApplicantLink, language: str):
    context = {
        "case": link.case,
        "link": link,
        "lang": language,
        "error": "",
        "posted": {},
        "rows": _padded({}),
        "form": questionnaire_of(link.case.municipality, link.case.kind),
    }
    if request.method == "POST":
        questions = [q["en"] if language == "en" else q["sv"] for q in context["form"]["questions"]]
        answers = answers_from(request.POST, questions)
        try:
            procedure.submit_questionnaire(
                token,
                answers,
                procedure.uploaded(request.FILES.getlist("documents")),
            )
        except (RecordError, procedure.LinkError) as exc:
            context |= {"error": str(exc), "posted": answers, "rows": _padded(answers),
                        "files_again": bool(request.FILES.getlist("documents"))}  # fmt: skip
            return render(request, "screening/applicant/questionnaire.html", context, status=400)
        return render(request, "screening/applicant/thanks.html", context)
    return render(request, "screening/applicant/questionnaire.html", context)


def _reply(request, token: str, link: ApplicantLink, language: str):
    hearing = Hearing.objects.filter(link=link).first()
    context = {"case": link.case, "link": link, "lang": language, "hearing": hearing, "error": ""}
    if request.method == "POST":
        try:
            procedure.reply_by_link(
                token,
                request.POST.get("reply", "")[:20000],
                procedure.uploaded(request.FILES.getlist("documents")),
            )
        except (RecordError, procedure.LinkError) as exc:
            context["error"] = str(exc)
            return render(request, "screening/applicant/reply.html", context, status=400)
        return render(request, "screening/applicant/thanks.html", context)
    return render(request, "screening/applicant/reply.html", context)
