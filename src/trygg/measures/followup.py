"""Following up the goals of a cooperation agreement, computed from the data.

A goal is a target relative change in an indicator — incidents of chosen categories in an area (per day,
so periods of different length compare), or a safety-survey index — from a baseline period. The status is
honest about uncertainty: "achieved" only when the whole 95 % interval of the change is at or beyond the
target, "on track" when the estimate is but the interval is not, otherwise "not yet".
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from trygg.analysis.rates import rate_ratio
from trygg.analysis.survey import change_between_waves, respondent_index
from trygg.citizens.models import Survey
from trygg.citizens.surveys import INDICES
from trygg.incidents.models import Incident
from trygg.measures.areas import count_in
from trygg.measures.models import Goal

MIN_DAYS = 28


def follow_up(goal: Goal, today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    if goal.indicator == Goal.Indicator.SURVEY_INDEX:
        return _survey(goal)
    agreement = goal.agreement
    start, end = max(agreement.period_start, goal.baseline_end), min(agreement.period_end, today)
    municipality = agreement.municipality
    area = goal.area.geometry if goal.area else municipality.boundary
    incidents = Incident.objects.shared()  # a goal's follow-up reads alike for everyone who sees the agreement
    base = count_in(incidents, {"a": area}, municipality, goal.categories, goal.baseline_start, goal.baseline_end)["a"]
    base_days = (goal.baseline_end - goal.baseline_start).days
    days = (end - start).days
    out = {
        "indicator": "incident_rate",
        "baseline": base,
        "baseline_days": base_days,
        "target": goal.target_change,
        "period": [start.isoformat(), end.isoformat()],
    }
    if days < MIN_DAYS:
        return out | {"status": "too_early", "status_sv": "För tidigt att följa upp", "current": None}
    current = count_in(incidents, {"a": area}, municipality, goal.categories, start, end)["a"]
    rr = rate_ratio(current, days, base, base_days)
    change = None if rr.ratio is None else rr.ratio - 1
    low = None if rr.low is None else rr.low - 1
    high = None if rr.high is None else rr.high - 1
    out |= {
        "current": current,
        "current_days": days,
        "change": change,
        "change_low": low,
        "change_high": high,
        "p_value": rr.p_value,
    }
    return out | _status(change, low, high, goal.target_change)


def _status(change, low, high, target) -> dict:
    if change is None:
        return {"status": "no_data", "status_sv": "Underlag saknas"}
    decrease = target < 0
    bound = high if decrease else low
    if bound is not None and (bound <= target if decrease else bound >= target):
        return {"status": "achieved", "status_sv": "Uppnått (hela 95 %-intervallet når målet)"}
    if change <= target if decrease else change >= target:
        return {"status": "on_track", "status_sv": "På väg: skattningen når målet men osäkerheten är stor"}
    return {"status": "not_yet", "status_sv": "Inte uppnått ännu"}


def _survey(goal: Goal) -> dict:
    municipality = goal.agreement.municipality
    items = INDICES.get(goal.survey_index, INDICES["otrygghet"])[1]
    waves = list(Survey.objects.filter(municipality=municipality).order_by("wave"))
    baseline = next((s for s in waves if goal.baseline_start <= s.closes_on <= goal.baseline_end), None)
    latest = waves[-1] if waves else None
    out = {"indicator": "survey_index", "index": goal.survey_index, "target": goal.target_change}
    if baseline is None or latest is None or latest.pk == baseline.pk:
        return out | {"status": "too_early", "status_sv": "Ingen ny undersökningsvåg sedan utgångsläget"}

    def values(survey):
        return [respondent_index(r.answers, items) for r in survey.responses.all()]

    before, after = values(baseline), values(latest)
    change = change_between_waves(before, after)
    base_mean = sum(v for v in before if v is not None) / max(1, sum(1 for v in before if v is not None))
    if change.difference is None or base_mean == 0:
        return out | {"status": "no_data", "status_sv": "För få svar för att följa upp"}
    relative = change.difference / base_mean
    out |= {
        "baseline_mean": round(base_mean, 3),
        "change": relative,
        "change_low": change.low / base_mean,
        "change_high": change.high / base_mean,
        "waves": [baseline.wave, latest.wave],
    }
    return out | _status(relative, change.low / base_mean, change.high / base_mean, goal.target_change)
