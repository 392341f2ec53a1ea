"""Effect evaluation of place-based measures: the weighted displacement difference and quotient.

Counts are taken before and after the measure in the treated area (T), a comparable control area (C), a
buffer around the treated area where crime could be displaced (D) and, optionally, a control area for the
buffer (Cd; when none is given, C is used for both, as is common).

* **WDD** (Ratcliffe 2005; Wheeler & Ratcliffe 2018): ``WDD = ΔT − ΔC + ΔD − ΔCd`` where ``Δ = after −
  before``. Negative means fewer incidents than the control trend predicts, counting displacement. Under
  independent Poisson counts its variance is the sum of all counts involved (Wheeler & Ratcliffe 2018,
  eq. 2), so ``SE = sqrt(T0 + T1 + C0 + C1 + D0 + D1 + Cd0 + Cd1)`` and the 95 % interval is ``WDD ± 1.96 SE``.
  Without a buffer the displacement terms are left out.
* **WDQ** (Bowers & Johnson 2003): ``WDQ = (D1/C1 − D0/C0) / (T1/C1 − T0/C0)``, defined when the treated
  area improved relative to the control (negative denominator). Above 0: diffusion of benefits to the
  buffer; below 0: displacement; below −1: displacement larger than the gain.

References
----------
* Bowers, K. J. & Johnson, S. D. (2003). Measuring the geographical displacement and diffusion of benefit
  effects of crime prevention activity. Journal of Quantitative Criminology 19(3), 275–301.
* Ratcliffe, J. H. (2005). Detecting spatial movement of intra-region crime patterns over time. Journal of
  Quantitative Criminology 21(1), 103–123.
* Wheeler, A. P. & Ratcliffe, J. H. (2018). A simple weighted displacement difference test to evaluate
  place based crime interventions. Crime Science 7, 11.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats


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

    def __post_init__(self):
        for name, value in self.__dict__.items():
            if value is not None and (not isinstance(value, int) or value < 0):
                raise ValueError(f"{name} must be a count (a whole number ≥ 0), not {value!r}")
        if (self.buffer_before is None) != (self.buffer_after is None):
            raise ValueError("give the buffer's counts both before and after, or neither")


@dataclass(frozen=True)
class WDDResult:
    wdd: float
    se: float
    low: float
    high: float
    z: float
    p_value: float
    wdq: float | None
    verdict: str  # "decrease", "increase" or "no_detectable_change"


def weighted_displacement(c: Counts, confidence: float = 0.95) -> WDDResult:
    d_t = c.treated_after - c.treated_before
    d_c = c.control_after - c.control_before
    wdd = d_t - d_c
    variance = c.treated_before + c.treated_after + c.control_before + c.control_after
    wdq = None
    if c.buffer_before is not None:
        cd_before = c.control_before if c.buffer_control_before is None else c.buffer_control_before
        cd_after = c.control_after if c.buffer_control_after is None else c.buffer_control_after
        wdd += (c.buffer_after - c.buffer_before) - (cd_after - cd_before)
        variance += c.buffer_before + c.buffer_after + cd_before + cd_after
        wdq = weighted_displacement_quotient(c)
    se = math.sqrt(variance)
    zcrit = float(stats.norm.ppf(0.5 + confidence / 2))
    z = wdd / se if se > 0 else 0.0
    p = float(2 * stats.norm.sf(abs(z))) if se > 0 else 1.0
    low, high = wdd - zcrit * se, wdd + zcrit * se
    verdict = "decrease" if high < 0 else "increase" if low > 0 else "no_detectable_change"
    return WDDResult(float(wdd), se, low, high, z, p, wdq, verdict)


def weighted_displacement_quotient(c: Counts) -> float | None:
    if c.buffer_before is None or c.control_before == 0 or c.control_after == 0:
        return None
    success = c.treated_after / c.control_after - c.treated_before / c.control_before
    if success >= 0:
        return None  # no improvement in the treated area: the quotient is not defined
    buffer = c.buffer_after / c.control_after - c.buffer_before / c.control_before
    return buffer / success


def verdict_sv(result: WDDResult, unit: str = "händelser") -> str:
    """A plain-Swedish verdict that never claims more than the interval allows."""
    interval = f"95 % intervall {result.low:+.0f} till {result.high:+.0f}"
    if result.verdict == "no_detectable_change":
        return f"Ingen påvisbar förändring: intervallet spänner över noll ({interval}, uppskattning {result.wdd:+.0f})."
    if result.verdict == "decrease":
        return (
            f"Minskning: uppskattningsvis {abs(result.wdd):.0f} färre {unit} än kontrollområdets utveckling "
            f"förutsäger, med hänsyn till förflyttning ({interval})."
        )
    return (
        f"Ökning: uppskattningsvis {result.wdd:.0f} fler {unit} än kontrollområdets utveckling förutsäger ({interval})."
    )
