"""The weekly EST meeting: an agenda from the weekly lägesbild, decisions that become measures."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.audit import log
from trygg.core.periods import parse_period, reader_label
from trygg.measures.models import Decision, Measure, Meeting
from trygg.orgs.models import Municipality
from trygg.situation.builder import Options, ReportBuilder

AGENDA_OPTIONS = Options(knox_simulations=0)  # the agenda uses the weekly brief, which has no Knox table


def cooperation_municipalities(cooperation):
    return Municipality.objects.filter(
        organisations__cooperations=cooperation, organisations__kind="municipality"
    ).distinct()


def lagesbild_section(municipality, place, period=None) -> dict:
    """The lägesbild's measures (registered with :mod:`trygg.situation.sections`) — of the named place when the
    lägesbild is of one. For a period still running: the planned and ongoing measures. For one that has ended:
    the measures that ran during it (begun before its end, not ended before its start, not cancelled), with
    their dates, so that an annual report lists the year's work and not today's."""
    today = timezone.localdate()
    if period is None or period.end > today:
        qs = Measure.objects.filter(municipality=municipality,
                                    status__in=[Measure.Status.PLANNED, Measure.Status.ONGOING])  # fmt: skip
        past = False
    else:
        last = period.end - dt.timedelta(days=1)
        qs = (
            Measure.objects.filter(municipality=municipality, start__isnull=False, start__lte=last)
            .exclude(status=Measure.Status.CANCELLED)
            .filter(Q(end__isnull=True) | Q(end__gte=period.start))
        )
        past = True
    if place is not None:
        qs = qs.filter(problem_place__name=place.name) | qs.filter(title__icontains=place.name)
    items = [
        {
            "title": m.title,
            "owner": m.owner.name,
            "status": m.get_status_display(),
            "start": m.start.isoformat() if m.start else None,
            "end": m.end.isoformat() if m.end else None,
            "due": _due(m, past),
        }
        for m in qs.select_related("owner").order_by("start" if past else "due", "end")[:30]
    ]
    return {"available": True, "items": items, "during": past}


def _due(measure: Measure, past: bool) -> str | None:
    """When the measure is to be done: its due date, or its end for an open one; a past period's report gives the
    dates the measure ran beside it, so there only the due date (where it has no end yet)."""
    due = measure.due if past else (measure.due or measure.end)
    return due.isoformat() if due else None


def open_measures(municipalities):
    return Measure.objects.filter(
        municipality__in=municipalities, status__in=[Measure.Status.PLANNED, Measure.Status.ONGOING]
    )


def overdue(municipalities, today: dt.date):
    return open_measures(municipalities).filter(Q(due__lt=today) | Q(end__lt=today))


def build_agenda(cooperation, week: str, today: dt.date | None = None) -> dict:
    """Per municipality: sources missing this week, new hot spots (a test of change), hot spots and categories
    above the usual; overdue measures, and what happened to the previous meeting's decisions."""
    today = today or timezone.localdate()
    period = parse_period(week)
    items = []
    for municipality in cooperation_municipalities(cooperation):
        report = ReportBuilder(municipality, period, options=AGENDA_OPTIONS).build()
        spatial = report.get("spatial") or {}
        scan = spatial.get("new_hotspots") or {}
        items.append(
            {
                "municipality": municipality.name,
                "code": municipality.code,
                "incidents": report["totals"]["incidents"],
                "new_hotspots": [
                    {"where": c["where"], "observed": c["observed"], "expected": c["expected"], "since": c["since"]}
                    for c in scan.get("clusters", [])
                ],
                "new_hotspots_tested": bool(scan.get("enough_history")),
                "sources_missing": report.get("sources_check", {}).get("missing_now", []),
                "categories_up": [
                    {"label": c["label"], "count": c["count"], "expected": c["expected"]}
                    for c in report["categories"]
                    if c["direction"] == "up" and c["code"] != "_total"
                ],
                "hotspots": [{"where": h["where"], "count": h["count"]} for h in spatial.get("hotspots", [])[:5]],
            }
        )
    # the meeting before the one this agenda is for: held in the week the agenda goes through, or earlier
    previous = Meeting.objects.filter(cooperation=cooperation, week__lte=period.key).order_by("-week").first()
    follow = []
    if previous:
        for decision in previous.decisions.select_related("measure", "owner"):
            status = decision.measure.get_status_display() if decision.measure else "–"
            follow.append(
                {"text": decision.text, "owner": decision.owner.name, "due": decision.due.isoformat(), "status": status}
            )
    municipalities = cooperation_municipalities(cooperation)
    late = [
        {"title": m.title, "owner": m.owner.name, "due": (m.due or m.end).isoformat()}
        for m in overdue(municipalities, today).select_related("owner")
    ]
    return {
        "week": period.key,
        "label": reader_label(period),
        "municipalities": items,
        "overdue": late,
        "previous_week": previous.week_name if previous else None,
        "previous_decisions": follow,
    }


def decide(meeting: Meeting, text: str, owner, due: dt.date, municipality, kind: str, user) -> Decision:
    """A decision in the meeting becomes a measure with an owner and a due date, in one step."""
    text = text.strip()
    if not text:
        raise ValueError(_("Write the decision."))
    if due < (meeting.held_on or parse_period(meeting.week).start):
        raise ValueError(_("The due date is before the meeting."))
    with transaction.atomic():
        measure = Measure.objects.create(
            title=text[:200],
            kind=kind,
            municipality=municipality,
            owner=owner,
            due=due,
            status=Measure.Status.PLANNED,
            description=f"Beslut på EST-mötet {meeting.week_name}.",
        )
        decision = Decision.objects.create(meeting=meeting, text=text[:500], owner=owner, due=due, measure=measure)
        log.record(user, "create", measure, summary=f"from the EST meeting {meeting.week}")
    return decision
