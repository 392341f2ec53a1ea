"""Effect evaluation of place-based measures: the weighted displacement difference and quotient.

Counts are taken before and after the measure in the treated area (T), a comparable control area (C), a
buffer around the treated area where crime could be displaced (D) and, optionally, a control area for the
buffer (Cd). When no buffer control is given, C serves for both, as is common.

* **WDD** (Wheeler & Ratcliffe 2018): ``WDD = ΔT − ΔC + ΔD − ΔCd`` with ``Δ = after − before``. Negative
  means fewer incidents than the control trend predicts, counting displacement. The counts are taken as
  independent Poisson, so the variance of this linear combination is ``Σ a_j² · count_j`` over its terms
  (Wheeler & Ratcliffe 2018, eq. 2). When C is reused as the buffer control its terms enter twice
  (``ΔT + ΔD − 2 ΔC``), so they count four times in the variance — not twice.
* **Unequal periods.** When the before and after periods differ in length, the before counts are scaled
  to the after period's length (``r = after days / before days``): ``Δ = after − r · before`` and the
  before term's variance is ``r² · before``, as in Wheeler's time-weighted WDD. The WDD is then the number
  of events in the after period, not a difference of raw counts.
* **Too little data.** The control area shows the general trend only when it has events: with fewer than
  ``MIN_CONTROL`` in either period (or fewer than ``MIN_TREATED`` in the treated area before and after
  together) the verdict is "cannot tell", whatever the interval says.
* **WDQ** (Bowers & Johnson 2003): ``WDQ = (D1/C1 − D0/C0) / (T1/C1 − T0/C0)``, defined when the treated
  area improved relative to the control (negative denominator). Above 0: diffusion of benefits to the
  buffer; below 0: displacement; below −1: displacement larger than the gain (Guerette 2009, appendix C).

References
----------
* Bowers, K. J. & Johnson, S. D. (2003). Measuring the geographical displacement and diffusion of benefit
  effects of crime prevention activity. Journal of Quantitative Criminology 19(3), 275–301.
* Guerette, R. T. (2009). Analyzing crime displacement and diffusion. Problem-Oriented Guides for Police,
  Tool Guide 10. Center for Problem-Oriented Policing.
* Ratcliffe, J. H. (2005). Detecting spatial movement of intra-region crime patterns over time. Journal of
  Quantitative Criminology 21(1), 103–123.
* Wheeler, A. P. & Ratcliffe, J. H. (2018). A simple weighted displacement difference test to evaluate
  place based crime interventions. Crime Science 7, 11.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from scipy import stats

MIN_CONTROL = 10  # events in the control area in each period
MIN_TREATED = 10  # events in the treated area, before and after together

DECREASE, INCREASE, NO_CHANGE, CANNOT_TELL = "decrease", "increase", "no_detectable_change", "cannot_tell"


@dataclass(frozen=True)
class Counts:
    treated_before: int
    treated_after: int
    control_before: int
    control_after: int
    buffer_before: int | None = None
    buffer_after: int | None = None
    buffer_control_before: int | None = None
    buffer_control_after: int | None = None
    before_days: float | None = None  # lengths of the periods; equal when both are None
    after_days: float | None = None

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name.endswith("_days"):
                if value is not None and not (isinstance(value, int | float) and value > 0):
                    raise ValueError(f"{f.name} must be a positive number of days, not {value!r}")
                continue
            if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
                raise ValueError(f"{f.name} must be a count (a whole number ≥ 0), not {value!r}")
        if (self.buffer_before is None) != (self.buffer_after is None):
            raise ValueError("give the buffer's counts both before and after, or neither")
        if (self.buffer_control_before is None) != (self.buffer_control_after is None):
            raise ValueError("give the buffer control's counts both before and after, or neither")
        if self.buffer_control_before is not None and self.buffer_before is None:
            raise ValueError("a buffer control needs a buffer")
        if (self.before_days is None) != (self.after_days is None):
            raise ValueError("give the lengths of both periods, or neither")

    @property
    def scale(self) -> float:
        """``r``: the before counts are multiplied by it to match the after period's length."""
        return 1.0 if self.before_days is None else self.after_days / self.before_days


@dataclass(frozen=True)
class WDDResult:
    wdd: float
    se: float
    low: float
    high: float
    z: float
    p_value: float
    wdq: float | None
    verdict: str  # decrease, increase, no_detectable_change or cannot_tell
    scale: float  # before → after length factor (1 for equal periods)
    buffer: bool  # a displacement buffer was counted
    control_reused: bool  # C served as the buffer's control too
    warnings: tuple[str, ...]  # why the data cannot tell, in English codes: see ``WARNINGS_SV``
    confidence: float = 0.95


def _terms(c: Counts) -> list[tuple[float, float, float]]:
    """``(coefficient, before count, after count)`` of each area in the WDD."""
    reused = c.buffer_before is not None and c.buffer_control_before is None
    terms = [(1.0, c.treated_before, c.treated_after), (-2.0 if reused else -1.0, c.control_before, c.control_after)]
    if c.buffer_before is not None:
        terms.append((1.0, c.buffer_before, c.buffer_after))
        if not reused:
            terms.append((-1.0, c.buffer_control_before, c.buffer_control_after))
    return terms


def weighted_displacement(c: Counts, confidence: float = 0.95) -> WDDResult:
    r = c.scale
    wdd = 0.0
    variance = 0.0
    for a, before, after in _terms(c):
        wdd += a * (after - r * before)
        variance += a * a * (after + r * r * before)
    se = math.sqrt(variance)
    zcrit = float(stats.norm.ppf(0.5 + confidence / 2))
    z = wdd / se if se > 0 else 0.0
    p = float(2 * stats.norm.sf(abs(z))) if se > 0 else 1.0
    low, high = wdd - zcrit * se, wdd + zcrit * se
    warnings = []
    if min(c.control_before, c.control_after) < MIN_CONTROL:
        warnings.append("control_too_small")
    if c.buffer_control_before is not None and min(c.buffer_control_before, c.buffer_control_after) < MIN_CONTROL:
        warnings.append("buffer_control_too_small")
    if c.treated_before + c.treated_after < MIN_TREATED:
        warnings.append("treated_too_small")
    verdict = CANNOT_TELL if warnings else DECREASE if high < 0 else INCREASE if low > 0 else NO_CHANGE
    reused = c.buffer_before is not None and c.buffer_control_before is None
    return WDDResult(
        wdd=float(wdd), se=se, low=low, high=high, z=z, p_value=p, wdq=weighted_displacement_quotient(c),
        verdict=verdict, scale=r, buffer=c.buffer_before is not None, control_reused=reused,
        warnings=tuple(warnings), confidence=confidence,
    )  # fmt: skip


def weighted_displacement_quotient(c: Counts) -> float | None:
    """Bowers & Johnson's WDQ with the control area C (periods of unequal length cancel in the ratios)."""
    if c.buffer_before is None or c.control_before == 0 or c.control_after == 0:
        return None
    success = c.treated_after / c.control_after - c.treated_before / c.control_before
    if success >= 0:
        return None  # no improvement in the treated area: the quotient is not defined
    buffer = c.buffer_after / c.control_after - c.buffer_before / c.control_before
    return buffer / success


WARNINGS_SV = {
    "control_too_small": "Kontrollområdet har för få händelser ({cb} före, {ca} efter) för att visa den allmänna "
    f"utvecklingen; minst {MIN_CONTROL} i varje period behövs. Välj ett större kontrollområde.",
    "buffer_control_too_small": "Buffertens kontrollområde har för få händelser; minst "
    f"{MIN_CONTROL} i varje period behövs.",
    "treated_too_small": "Åtgärdsområdet har för få händelser ({tb} före, {ta} efter) för att en förändring ska "
    "gå att skilja från slumpen.",
}


def verdict_sv(result: WDDResult, counts: Counts | None = None, unit: str = "händelser") -> str:
    """A plain-Swedish verdict phrased by the interval, never beyond it."""
    if result.verdict == CANNOT_TELL:
        values = {}
        if counts is not None:
            values = {"cb": counts.control_before, "ca": counts.control_after,
                      "tb": counts.treated_before, "ta": counts.treated_after}  # fmt: skip
        reasons = " ".join(
            WARNINGS_SV[w].format(**values) if values else WARNINGS_SV[w].split(" (")[0] + "." for w in result.warnings
        )
        return f"Underlaget räcker inte för att säga något om effekten. {reasons}"
    level = f"{result.confidence * 100:.0f} %"
    period = " under efterperioden" if result.scale != 1 else ""
    if result.verdict == NO_CHANGE:
        return (
            f"Ingen påvisbar förändring: med {level} säkerhet ligger effekten mellan {_signed(result.low)} och "
            f"{_signed(result.high)} {unit}{period} jämfört med kontrollområdets utveckling, alltså kan den vara noll."
        )
    displacement = ", med hänsyn till förflyttning till bufferten" if result.buffer else ""
    if result.verdict == DECREASE:
        return (
            f"Minskning: med {level} säkerhet mellan {abs(result.high):.0f} och {abs(result.low):.0f} färre {unit}"
            f"{period} än kontrollområdets utveckling förutsäger{displacement}."
        )
    return (
        f"Ökning: med {level} säkerhet mellan {result.low:.0f} och {result.high:.0f} fler {unit}{period} än "
        f"kontrollområdets utveckling förutsäger{displacement}."
    )


def _signed(value: float) -> str:
    rounded = round(value)
    return f"+{rounded}" if rounded > 0 else f"−{abs(rounded)}" if rounded < 0 else "0"
