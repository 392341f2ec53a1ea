"""Reminders of measures past their due date and of meeting decisions that never became a measure.

A measure past due reminds the members of its owning organisation who may edit it the day after its due date
and then once a week while it stays open; from the second week the coordinators of the municipality's own
organisation are reminded too. A decision of the weekly meeting whose measure is gone reminds its owner once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from trygg.core import jobs, mail
from trygg.measures.models import Decision, Measure
from trygg.orgs import senders
from trygg.orgs.access import COORDINATING_ROLES, REPORTING_ROLES

KIND = "measure_reminders"


def reminder_due(due: dt.date, since: dt.date, today: dt.date, first_after: int = 1) -> bool:
    """Whether a reminder day — due + first_after, then every 7 days — falls in (since, today]."""

    def count(day: dt.date) -> int:  # reminder days up to and including ``day``
        over = (day - due).days
        return 0 if over < first_after else (over - first_after) // 7 + 1

    return count(today) > count(since)


def collect(today: dt.date, since: dt.date) -> dict[int, list[dict]]:
    """user id -> the items to remind them of."""
    items: dict[int, list[dict]] = defaultdict(list)
    overdue = Measure.objects.filter(
        status__in=[Measure.Status.PLANNED, Measure.Status.ONGOING], due__lt=today
    ).select_related("owner", "municipality")
    for measure in overdue:
        url = mail.absolute(reverse("measures:measure", args=[measure.pk]))
        item = {"title": measure.title, "due": measure.due, "days": (today - measure.due).days,
                "owner": measure.owner.name, "url": url}  # fmt: skip
        if reminder_due(measure.due, since, today):
            for user in members(Q(organisation=measure.owner, role__in=REPORTING_ROLES)):
                items[user].append({**item, "why": "owner"})
        if reminder_due(measure.due, since, today, first_after=8):
            coordinators = Q(organisation__kind="municipality", organisation__municipalities=measure.municipality,
                             role__in=COORDINATING_ROLES)  # fmt: skip
            for user in members(coordinators):
                items[user].append({**item, "why": "coordinator"})
    for decision in Decision.objects.filter(measure__isnull=True).select_related("owner"):  # reminded once
        for user in members(Q(organisation=decision.owner, role__in=REPORTING_ROLES)):
            url = mail.absolute(reverse("measures:meeting", args=[decision.meeting_id]))
            items[user].append({"title": decision.text, "due": decision.due, "days": None, "why": "decision",
                                "owner": decision.owner.name, "decision_id": decision.pk, "url": url})  # fmt: skip
    return items


def members(q: Q) -> list[int]:
    from trygg.orgs.models import Membership

    return list(Membership.objects.filter(q, user__is_active=True).values_list("user", flat=True).distinct())


def measure_reminders(context: jobs.JobContext) -> str:
    schedule = jobs.get(KIND).schedule
    today = timezone.localtime(context.period).date()
    since = timezone.localtime(jobs.previous_period(schedule, context.period)).date()
    wanted = collect(today, since)
    users = get_user_model().objects.in_bulk(list(wanted))
    sent = 0
    for user_id, items in wanted.items():
        user = users[user_id]
        decisions = [i for i in items if i["why"] == "decision"]
        others = [i for i in items if i["why"] != "decision"]
        # a decision is reminded once (its own key); measures once per reminder day
        for item in decisions:
            sent += mail.send(mail.Outgoing(
                KIND, f"{KIND}:decision:{item['decision_id']}:user:{user_id}", user.email,
                "Påminnelse: ett beslut saknar åtgärd", "measures/mail/reminder",
                {"user": user, "items": [item]}, user=user, sender_name=senders.sender_name(user),
            ))  # fmt: skip
        if others:
            sent += mail.send(mail.Outgoing(
                KIND, f"{KIND}:{context.period_key}:user:{user_id}", user.email,
                "Påminnelse: åtgärder efter sitt slutdatum", "measures/mail/reminder",
                {"user": user, "items": others}, user=user, sender_name=senders.sender_name(user),
            ))  # fmt: skip
    return f"{sent} påminnelser skickade"


def register() -> None:
    mail.register_kind(KIND, "Påminnelser om åtgärder efter sitt slutdatum")
    jobs.register(KIND, measure_reminders, "Påminner om åtgärder efter sitt slutdatum", "0 8 * * 1-5")
