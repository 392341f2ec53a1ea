"""Monday's digest: each reporter hears what their organisation reported last week and what became of it, what
the weekly meeting decided and which measures are open near where they report; each coordinator gets last
week's numbers and this week's meeting agenda, prepared. One message per person and week, sent once.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import numpy as np
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from trygg.core import geo, jobs, mail
from trygg.core.periods import current
from trygg.incidents.models import Incident
from trygg.measures import meetings
from trygg.measures.models import Decision, Measure, Meeting
from trygg.orgs import senders
from trygg.orgs.access import COORDINATING_ROLES
from trygg.orgs.models import Cooperation, Membership, Municipality

KIND = "weekly_digest"
NEAR_METRES = 500.0
STATUS_SV = {"new": "ny", "confirmed": "bekräftad", "handled": "hanterad", "rejected": "avvisad"}


def weekly_digest(context: jobs.JobContext) -> str:
    today = timezone.localtime(context.period).date()
    week = current("week", today)
    last = week.shifted(-1)
    sent = 0
    User = get_user_model()
    agendas = prepare_meetings(week.key, last.key, today)
    for user in User.objects.filter(is_active=True, memberships__isnull=False).distinct().order_by("pk"):
        roles = dict(Membership.objects.filter(user=user).values_list("organisation_id", "role"))
        coordinating = any(role in COORDINATING_ROLES for role in roles.values())
        if coordinating:
            body = coordinator_context(user, last, agendas)
        elif "reporter" in roles.values():
            body = reporter_context(user, [o for o, r in roles.items() if r == "reporter"], last, today)
        else:
            continue
        sent += mail.send(mail.Outgoing(
            KIND, f"{KIND}:{week.key}:user:{user.pk}", user.email, f"Veckobrev {last.label_sv}",
            "measures/mail/digest", {**body, "user": user, "week": last, "coordinating": coordinating},
            user=user, sender_name=senders.sender_name(user),
        ))  # fmt: skip
    return f"{sent} veckobrev skickade ({last.key})"


def prepare_meetings(week: str, last_week: str, today: dt.date) -> dict[int, Meeting]:
    """This week's meeting of every cooperation, its agenda built from last week's lägesbild (kept if present)."""
    prepared = {}
    for cooperation in Cooperation.objects.all():
        meeting, _ = Meeting.objects.get_or_create(cooperation=cooperation, week=week)
        if not meeting.agenda:
            meeting.agenda = meetings.build_agenda(cooperation, last_week, today)
            meeting.save(update_fields=["agenda"])
        prepared[cooperation.pk] = meeting
    return prepared


def reporter_context(user, org_ids: list[int], last, today: dt.date) -> dict:
    start, end = _bounds(last)
    reported = Incident.objects.restrict(user).filter(
        reporter_org__in=org_ids, reported_at__gte=start, reported_at__lt=end
    )
    statuses = Counter(dict(reported.values_list("status").annotate(n=Count("id"))))
    categories = list(reported.values_list("category__label_sv").annotate(n=Count("id")).order_by("-n")[:5])
    coops = Cooperation.objects.filter(organisations__in=org_ids).distinct()
    decisions = Decision.objects.filter(meeting__cooperation__in=coops, meeting__week=last.key).select_related("owner")
    return {
        "reported": sum(statuses.values()),
        "statuses": [(STATUS_SV.get(s, s), n) for s, n in sorted(statuses.items())],
        "categories": categories,
        "decisions": list(decisions),
        "nearby": open_measures_near(user, org_ids, today),
        "reports": report_links(Municipality.objects.filter(incidents__reporter_org__in=org_ids).distinct(), last),
    }


def open_measures_near(user, org_ids: list[int], today: dt.date) -> list[dict]:
    """Open measures the user may see whose problem place is within 500 m of the organisations' reports of the last
    12 weeks."""
    since = timezone.now() - dt.timedelta(weeks=12)
    points = np.array(
        list(Incident.objects.filter(reporter_org__in=org_ids, reported_at__gte=since).values_list("lon", "lat")), float
    )
    if not len(points):
        return []
    found = []
    for measure in (
        Measure.objects.restrict(user)
        .filter(status__in=[Measure.Status.PLANNED, Measure.Status.ONGOING], problem_place__isnull=False)
        .select_related("problem_place", "owner")
    ):
        shape = geo.shape_from_geojson(measure.problem_place.geometry)
        point = shape.representative_point()
        distance = geo.haversine_m(point.x, point.y, points[:, 0], points[:, 1])
        if float(distance.min()) <= NEAR_METRES:
            found.append({"title": measure.title, "owner": measure.owner.name, "place": measure.problem_place.name,
                          "url": mail.absolute(reverse("measures:measure", args=[measure.pk]))})  # fmt: skip
    return found[:10]


def coordinator_context(user, last, agendas: dict[int, Meeting]) -> dict:
    coops = Cooperation.objects.filter(organisations__memberships__user=user).distinct()
    prepared = [
        {"meeting": agendas[c.pk], "url": mail.absolute(reverse("measures:meeting", args=[agendas[c.pk].pk]))}
        for c in coops
        if c.pk in agendas
    ]
    municipalities = Municipality.objects.filter(organisations__memberships__user=user).distinct()
    overdue = meetings.overdue(municipalities, timezone.localdate()).count()
    return {"meetings": prepared, "overdue": overdue, "reports": report_links(municipalities, last)}


def report_links(municipalities, period) -> list[dict]:
    return [
        {"name": m.name, "url": mail.absolute(reverse("situation:report", args=[m.code, period.key]))}
        for m in municipalities.defer("boundary")
    ]


def _bounds(period) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(period.start, dt.time.min, tz),
        dt.datetime.combine(period.end, dt.time.min, tz),
    )


def register() -> None:
    mail.register_kind(KIND, "Veckobrev från samverkan (måndagar)")
    jobs.register(KIND, weekly_digest, "Veckobrev till inrapportörer och samordnare", "0 7 * * 1")
