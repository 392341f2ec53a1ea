"""Evaluating a measure: before/after counts in treated, control and buffer areas; the effect as treated against
control (:mod:`trygg.analysis.effect`: exact conditional difference-in-differences, or quasi-Poisson when the
before period's weeks vary more than chance), displacement to the buffer as a separate answer, the weighted
displacement difference beside them for comparison; and a chart."""

from __future__ import annotations

import datetime as dt

from django.db.models import Min
from django.utils.translation import gettext as _

from trygg.analysis import effect
from trygg.analysis.evaluation import Counts, weighted_displacement
from trygg.core.rendering import plt, to_svg
from trygg.incidents.models import Incident
from trygg.measures.areas import AreaError, buffer_ring, count_in, validate_areas, weekly_counts


def evaluate(measure, before_start: dt.date, before_end: dt.date, after_start: dt.date, after_end: dt.date) -> dict:
    """Raises AreaError (areas) or ValueError (periods) with a message for the user."""
    if before_end <= before_start or after_end <= after_start:
        raise ValueError(_("Each period must end after it starts."))
    if after_start < before_end:
        raise ValueError(_("The period after must start when the period before ends, or later."))
    first = Incident.objects.filter(municipality=measure.municipality).aggregate(m=Min("occurred_start"))["m"]
    if first is None or before_start < first.date():
        raise ValueError(
            _("The period before starts before the data do (%(first)s).")
            % {"first": first.date().isoformat() if first else _("no data")}
        )
    if after_end > dt.date.today() + dt.timedelta(days=1):
        raise ValueError(_("The period after ends in the future."))
    treated = measure.treated_area or (measure.problem_place.geometry if measure.problem_place else None)
    validate_areas(treated, measure.control_area)
    ring = buffer_ring(treated, measure.buffer_m)
    areas = {"treated": treated, "control": measure.control_area, "buffer": ring}
    incidents = Incident.objects.shared()  # the result is stored and read by everyone who sees the measure
    before = count_in(incidents, areas, measure.municipality, measure.categories, before_start, before_end)
    after = count_in(incidents, areas, measure.municipality, measure.categories, after_start, after_end)
    before_days = (before_end - before_start).days
    after_days = (after_end - after_start).days
    counts = Counts(
        before["treated"],
        after["treated"],
        before["control"],
        after["control"],
        before.get("buffer") if ring else None,
        after.get("buffer") if ring else None,
        before_days=before_days if before_days != after_days else None,
        after_days=after_days if before_days != after_days else None,
    )
    result = weighted_displacement(counts)
    _counts, weeks = weekly_counts(incidents, areas, measure.municipality, measure.categories, before_start, before_end)
    lengths = {"before_days": before_days, "after_days": after_days}
    main = effect.treatment_effect(
        before["treated"],
        after["treated"],
        before["control"],
        after["control"],
        treated_weeks=weeks["treated"],
        control_weeks=weeks["control"],
        **lengths,
    )
    moved = None
    if ring:
        moved = effect.displacement(
            before["buffer"],
            after["buffer"],
            before["control"],
            after["control"],
            buffer_weeks=weeks["buffer"],
            control_weeks=weeks["control"],
            **lengths,
        )
    return {
        "periods": {
            "before": [before_start.isoformat(), before_end.isoformat()],
            "after": [after_start.isoformat(), after_end.isoformat()],
            "before_days": before_days,
            "after_days": after_days,
        },
        "scale": round(result.scale, 4),
        "control_reused": result.control_reused,
        "warnings": list(result.warnings),
        "counts": {"before": before, "after": after},
        "wdd": result.wdd,
        "se": round(result.se, 3),
        "low": round(result.low, 2),
        "high": round(result.high, 2),
        "z": round(result.z, 3),
        "p_value": round(result.p_value, 4),
        "wdq": None if result.wdq is None else round(result.wdq, 3),
        "verdict": main.verdict,
        "verdict_sv": effect.verdict_sv(main),
        "effect": _effect_json(main),
        "displacement": None if moved is None else {**_effect_json(moved), "verdict_sv": effect.verdict_sv(moved)},
        "wdd_verdict": result.verdict,
        "buffer_m": measure.buffer_m,
        "categories": measure.categories,
    }


def _effect_json(result: effect.EffectResult) -> dict:
    def r(value, digits=4):
        return None if value is None else round(float(value), digits)

    return {
        "ratio": r(result.ratio),
        "ratio_low": r(result.ratio_low),
        "ratio_high": r(result.ratio_high),
        "percent": r(result.percent, 1),
        "low": r(result.low, 1),
        "high": r(result.high, 1),
        "p_value": r(result.p_value, 5),
        "method": result.method,
        "dispersion": r(result.dispersion, 3),
        "df": result.df,
        "expected_after": r(result.expected_after, 1),
        "verdict": result.verdict,
        "reasons": list(result.reasons),
    }


def chart(measure, start: dt.date, end: dt.date) -> str:
    treated = measure.treated_area or (measure.problem_place.geometry if measure.problem_place else None)
    areas = {
        "Behandlat område": treated,
        "Kontrollområde": measure.control_area,
        "Buffert": buffer_ring(treated, measure.buffer_m) if treated else None,
    }
    incidents = Incident.objects.shared()
    weeks, series = weekly_counts(incidents, areas, measure.municipality, measure.categories, start, end)
    fig, ax = plt.subplots(figsize=(7.2, 2.8))
    for (label, values), style in zip(series.items(), ["-o", "--s", ":^"], strict=False):
        ax.plot(weeks, values, style, label=label, markersize=3, linewidth=1.2)
    if measure.start:
        ax.axvline(measure.start, color="black", linewidth=1.5)
        ax.annotate(
            "Åtgärden börjar",
            (measure.start, ax.get_ylim()[1]),
            xytext=(4, -12),
            textcoords="offset points",
            fontsize=8,
        )
    ax.set_ylabel("Händelser per vecka")
    ax.legend(fontsize=7, frameon=False)
    fig.autofmt_xdate()
    return to_svg(fig)


__all__ = ["AreaError", "chart", "evaluate"]
