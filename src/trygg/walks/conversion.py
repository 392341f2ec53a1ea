"""A stop becomes an incident or a measure — once. Two clicks at the same moment: the first wins; the second finds
the stop converted (the row is locked with SELECT … FOR UPDATE on PostgreSQL, SQLite writes one at a time, and the
update is conditional on the stop being unconverted), and the incident's external id ``walk-stop-<id>`` is unique."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.audit import log
from trygg.incidents.models import Category, Incident, Precision, Source, Status, Visibility
from trygg.measures.models import Measure
from trygg.walks.models import Answer, Stop

STOP_AREA_M = 50  # half side of the treated area of a measure made from a stop


class AlreadyConverted(ValueError):
    pass


def problems(stop: Stop) -> list[dict]:
    """The stop's problem answers with their questions (from the walk's snapshot), in checklist order."""
    by_code = {a.code: a for a in stop.answers.all() if a.verdict == Answer.Verdict.PROBLEM}
    return [{**q, "comment": by_code[q["code"]].comment} for q in stop.walk.questions if q["code"] in by_code]


def suggested_category(stop: Stop) -> str:
    for problem in problems(stop):
        if problem.get("category") and Category.objects.est().filter(code=problem["category"]).exists():
            return problem["category"]
    return "otrygg_plats"


def suggested_kind(stop: Stop) -> str:
    for problem in problems(stop):
        if problem.get("measure_kind") in Measure.Kind.values:
            return problem["measure_kind"]
    return Measure.Kind.OTHER


def describe(stop: Stop) -> str:
    """The stop's note with its problems, as the incident's or measure's text."""
    walk = stop.walk
    lines = [stop.note.strip()] if stop.note.strip() else []
    for problem in problems(stop):
        lines.append(f"– {problem['text']}" + (f" {problem['comment']}" if problem["comment"] else ""))
    lines.append(
        _("From the safety walk “%(walk)s” %(date)s, stop %(n)s.")
        % {"walk": walk.title, "date": timezone.localtime(walk.starts_at).date().isoformat(), "n": stop.number}
    )
    return "\n".join(lines)


def _claim(stop_id: int) -> Stop:
    """Lock the stop; refuse if it has become something already."""
    stop = Stop.objects.select_for_update().select_related("walk").get(pk=stop_id)
    if stop.converted:
        raise AlreadyConverted(_("Stop %(n)s has already been turned into something.") % {"n": stop.number})
    return stop


def _mark(stop: Stop, user, **target) -> None:
    done = Stop.objects.filter(pk=stop.pk, incident__isnull=True, measure__isnull=True).update(
        converted_by=user, converted_at=timezone.now(), **target
    )
    if done != 1:
        raise AlreadyConverted(_("Stop %(n)s has already been turned into something.") % {"n": stop.number})


def to_incident(stop_id: int, category: Category, user) -> Incident:
    with transaction.atomic():
        stop = _claim(stop_id)
        walk = stop.walk
        incident = Incident.objects.create(
            category=category,
            source=Source.WALK,
            external_id=f"walk-stop-{stop.pk}",
            url=reverse("walks:report", args=[walk.pk]) + f"#stopp-{stop.number}",  # "the original": the stop
            title=_("Safety walk: stop %(n)s") % {"n": stop.number},
            description=describe(stop),
            municipality_id=walk.municipality_id,
            county_id=walk.municipality.county_id,
            place=stop.place,
            lat=stop.lat,
            lon=stop.lon,
            precision=Precision.EXACT,
            occurred_start=stop.created_at,
            reported_at=timezone.now(),
            reporter_org=walk.organiser,
            reported_by=user,
            visibility=Visibility.PARTNERS,
            status=Status.NEW,
            is_generated=stop.is_generated,  # a stop a person added to a demo walk is real input
        )
        _mark(stop, user, incident=incident)
        log.record(user, "create", incident, summary=f"from safety walk {walk.pk} stop {stop.number}")
        log.record(user, "update", stop, summary=f"became incident {incident.pk}")
    return incident


def _box(lat: float, lon: float, half_m: float) -> dict:
    dlat, dlon = half_m / 111_320, half_m / 56_700
    ring = [[lon - dlon, lat - dlat], [lon + dlon, lat - dlat], [lon + dlon, lat + dlat], [lon - dlon, lat + dlat]]
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]}


def to_measure(stop_id: int, kind: str, owner, user) -> Measure:
    with transaction.atomic():
        stop = _claim(stop_id)
        walk = stop.walk
        title = (stop.proposal.strip().splitlines() or [""])[0][:200] or _("Measure from stop %(n)s of %(walk)s") % {
            "n": stop.number,
            "walk": walk.title,
        }
        link = reverse("walks:report", args=[walk.pk]) + f"#stopp-{stop.number}"
        measure = Measure.objects.create(
            title=title[:200],
            description=f"{stop.proposal.strip()}\n\n{describe(stop)}\n{link}".strip(),
            kind=kind,
            municipality_id=walk.municipality_id,
            owner=owner,
            status=Measure.Status.PLANNED,
            treated_area=_box(stop.lat, stop.lon, STOP_AREA_M),
            is_generated=stop.is_generated,  # a stop a person added to a demo walk is real input
        )
        _mark(stop, user, measure=measure)
        log.record(user, "create", measure, summary=f"from safety walk {walk.pk} stop {stop.number}")
        log.record(user, "update", stop, summary=f"became measure {measure.pk}")
    return measure
