"""Monday's message to each screening officer: cases with a new hit since their decision or last screening (after a
list or registry update), requests to authorities past their deadline, kommuniceringar whose reply is in or whose
time has run out, and how many cases wait. Case references and counts only — no names of persons or companies
(reading them needs the second factor and is audited on the screening's pages); sent once per officer and week."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from trygg.core import jobs, mail
from trygg.core.periods import current
from trygg.orgs.models import Role
from trygg.screening import procedure, rescreen
from trygg.screening.models import Case, Hearing

KIND = "screening_digest"


def officer_context(user) -> dict:
    cases = Case.objects.restrict(user)
    today = timezone.localdate()
    new_hits = list(
        rescreen.unseen(cases)
        .select_related("case")
        .order_by("case__reference")
        .values_list("case__reference", "since_decision")
    )
    late = list(procedure.overdue_requests(cases).select_related("case").order_by("deadline"))
    hearings = [
        h
        for h in Hearing.objects.filter(case__in=cases, case__status=Case.Status.OPEN).select_related("case")
        if procedure.heard(h, today) and not h.case.licence_decisions.exists()
    ]
    return {
        "new_hits": sorted({(ref, since) for ref, since in new_hits}),
        "late_requests": [(r.case.reference, r.get_authority_display(), r.deadline) for r in late],
        "ready_to_decide": [(h.case.reference, h.replied_at is not None) for h in hearings],
        "waiting": cases.filter(status=Case.Status.OPEN).count(),
        "url": mail.absolute(reverse("screening:index")),
    }


def has_news(context: dict) -> bool:
    return bool(context["new_hits"] or context["late_requests"] or context["ready_to_decide"])


def screening_digest(context: jobs.JobContext) -> str:
    week = current("week", timezone.localtime(context.period).date())
    sent = 0
    users = get_user_model().objects.filter(is_active=True, memberships__role=Role.SCREENING_OFFICER).distinct()
    for user in users.order_by("pk"):
        body = officer_context(user)
        if not has_news(body):
            continue
        sent += mail.send(
            mail.Outgoing(
                KIND,
                f"{KIND}:{week.key}:user:{user.pk}",
                user.email,
                f"Granskning: nytt att ta ställning till ({week.label_sv})",
                "screening/mail/digest",
                {**body, "user": user},
                user=user,
            )
        )
    return f"{sent} granskningsbrev skickade ({week.key})"


def register() -> None:
    mail.register_kind(KIND, "Granskning: nya träffar, försenade remisser och kommuniceringar (måndagar)")
    jobs.register(
        KIND,
        screening_digest,
        "Veckobrev till granskare: nya träffar sedan beslut, remisser, kommuniceringar",
        "0 7 * * 1",
    )
