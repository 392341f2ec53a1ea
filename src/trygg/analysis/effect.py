"""The main verdict of a measure evaluation: the treated area against its control, as a ratio of rate ratios.

Counts are taken before and after a measure in the treated area (``T0``, ``T1``) and in a comparable control
area (``C0``, ``C1``). The effect is the *ratio of rate ratios*

    ψ = (T1 / T0) / (C1 / C0),

the treated area's change relative to the control's (a difference-in-differences on the log scale). ``ψ = 0.52``
reads "48 % fewer events than the control's trend predicts"; the treated area's expected count after, had it
followed the control's trend, is ``T0 · C1 / C0``. Unlike the weighted displacement difference
(:mod:`trygg.analysis.evaluation`, Wheeler & Ratcliffe 2018), which compares differences of raw counts, a
common trend in a busier control area is not mistaken for an effect, and the variance of the control is
counted once.

* **Unequal periods.** With a before period of ``b`` days and an after period of ``a`` days, the rates are
  ``T1/a``, ``T0/b``, ``C1/a``, ``C0/b`` and ``ψ = (T1/a ÷ T0/b) / (C1/a ÷ C0/b) = (T1/T0) / (C1/C0)``: the lengths
  cancel, as long as both areas are counted over the same periods. The lengths are validated and reported but
  change no number.
* **Exact conditional test** (no evidence of overdispersion). Treat the four counts as independent Poisson.
  Given the treated total ``T0 + T1``, the control total ``C0 + C1`` and the after total ``T1 + C1``, the count
  ``T1`` follows Fisher's noncentral hypergeometric distribution whose odds ratio is exactly ψ (the periods'
  lengths and the areas' rates drop out), so inference on ψ is the exact conditional inference on the odds
  ratio of the 2 × 2 table ``[[T1, T0], [C1, C0]]`` (Breslow & Day 1980, §4.2; Agresti 2013, §§3.5–3.6). The
  two-sided p-value doubles the smaller tail at ψ = 1, and the interval is the set of ψ at which neither tail
  falls below ``α/2`` — the same tails (the "central" interval that scipy's
  ``odds_ratio(kind="conditional")`` returns), so the interval excludes 1 exactly when ``p < α`` (Fay 2010).
  (``scipy.stats.fisher_exact``'s default two-sided p-value sums the table probabilities no larger than the
  observed one instead; it can disagree with the central interval near α, so it is not used.) The estimate
  reported is the sample ratio ψ̂ = ``T1·C0 / (T0·C1)``.
* **Overdispersion from the before period's weeks.** Incident counts vary more than Poisson from week to week
  (weather, events, reporting). What matters for ψ is not the variation that both areas share — a busy week
  everywhere cancels in the ratio, and the conditional test conditions on it — but the variation of the
  treated area's *share* of the events from week to week: the area × week interaction of the log-linear model
  ``log μ = area + week`` fitted to the two areas' weekly counts in the before period. With ``n_w`` events in
  week ``w`` (both areas), ``N = Σ n_w`` and the treated share ``p̂``, the dispersion is the moment estimate

      φ̂ = Σ (t_w − n_w p̂)² / (p̂ (1 − p̂) (N − Σ n_w² / N)),   df = weeks − 1

  (weeks with events; the denominator is the expectation of the numerator under binomial variation, so ``φ̂ ≈ 1``
  without overdispersion). For independent gamma factors on each area's weekly rate it estimates exactly the factor
  by which the variance of log ψ̂ exceeds the Poisson variance; for factors common to both areas it is 1, as it
  should be. (Pearson's ``X²/df``, a sum of ratios, weights busy weeks — where the areas drift apart the most —
  down: with exponential factors it misses a third of the extra variance, and gave up to 8.5 % false verdicts in the
  calibration; the per-series estimate, each area around its own mean, also counts the shared variation and any
  shared trend within the before period, and so overstates the uncertainty.) Few weeks give a noisy φ̂; heavy-tailed
  weekly factors make it noisier than the χ² that the t reference assumes, so φ̂ is guarded as in
  :func:`trygg.analysis.change.guarded_dispersion`: multiplied by ``df/(df − 2)`` (by 3 when ``df ≤ 2``). When the
  guarded ``φ̂ > 1`` the verdict comes from the quasi-Poisson log-linear model ``log rate = area + period + area ×
  period``, whose interaction is log ψ with ``SE = √(φ̂ (1/T0 + 1/T1 + 1/C0 + 1/C1))`` and a t reference on ``df``
  degrees of freedom (McCullagh & Nelder 1989, §4.5 and ch. 6), the p-value and interval from the same t statistic;
  otherwise the exact test. Without the guard, shape-1 gamma factors on 8–26 weeks gave about 6.5 % false verdicts;
  with it about 4 % (``benchmarks/calibration_effect.py``). The weeks are assumed independent and the after period
  as dispersed as the before period. With no events in the treated area after (ψ̂ = 0) the model's test and upper
  bound add ½ to each count (Haldane 1956) and the interval reaches down to 0. Without a weekly history the exact
  test is used and the result says that the dispersion could not be checked.
* **Too little data.** As in :mod:`trygg.analysis.evaluation`: with fewer than ``MIN_CONTROL`` events in
  the control area in either period, or fewer than ``MIN_TREATED`` in the treated area before and after
  together, or none in the treated area or the control before (ψ undefined), the verdict is "cannot tell",
  whatever the interval says.
* **Displacement** (:func:`displacement`) is its own question, asked only when the user wants it: the buffer
  ring around the treated area against its own control (or the control area) with the same machinery. More
  events than the control's trend predicts is a sign of displacement; fewer is consistent with a diffusion
  of benefits (Bowers & Johnson 2003; Guerette 2009).

References
----------
* Agresti, A. (2013). Categorical Data Analysis, 3rd ed. Wiley, §§3.5–3.6 (small-sample inference for 2 × 2
  tables: the exact conditional test and interval for the odds ratio).
* Bowers, K. J. & Johnson, S. D. (2003). Measuring the geographical displacement and diffusion of benefit
  effects of crime prevention activity. Journal of Quantitative Criminology 19(3), 275–301.
* Breslow, N. E. & Day, N. E. (1980). Statistical Methods in Cancer Research, Vol. I: The Analysis of
  Case-Control Studies. IARC Scientific Publications 32, §4.2 (exact inference on the odds ratio).
* Fay, M. P. (2010). Confidence intervals that match Fisher's exact or Blaker's exact tests. Biostatistics
  11(2), 373–374.
* Guerette, R. T. (2009). Analyzing crime displacement and diffusion. Problem-Oriented Guides for Police,
  Tool Guide 10. Center for Problem-Oriented Policing.
* Haldane, J. B. S. (1956). The estimation and significance of the logarithm of a ratio of frequencies.
  Annals of Human Genetics 20, 309–311.
* McCullagh, P. & Nelder, J. A. (1989). Generalized Linear Models, 2nd ed. Chapman & Hall, §4.5
  (over-dispersion, its Pearson estimate and the F/t reference) and ch. 6 (log-linear models).
* Wheeler, A. P. & Ratcliffe, J. H. (2018). A simple weighted displacement difference test to evaluate
  place based crime interventions. Crime Science 7, 11.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
from scipy import optimize, special, stats

MIN_CONTROL = 10  # events in the control area in each period (as in trygg.analysis.evaluation)
MIN_TREATED = 10  # events in the treated area (or the buffer), before and after together

DECREASE, INCREASE, NO_CHANGE, CANNOT_TELL = "decrease", "increase", "no_detectable_change", "cannot_tell"
EXACT, QUASI_POISSON = "exact", "quasi-poisson"
TREATED, BUFFER = "treated", "buffer"

WeeklyCounts = Sequence[int] | np.ndarray


@dataclass(frozen=True)
class EffectResult:
    """The treated area (or the buffer, ``area == "buffer"``) against its control.

    ``ratio`` is ψ = (T1/T0)/(C1/C0); ``percent``, ``low`` and ``high`` are ψ, and its interval at
    ``confidence``, as percent change (ψ = 0.52 → −48). ``low``/``ratio_low`` may be 0 (−100 %); ``high`` and
    ``ratio_high`` are None when the interval is unbounded above, and all of them None when ψ is undefined.
    """

    ratio: float | None
    ratio_low: float | None
    ratio_high: float | None
    percent: float | None
    low: float | None
    high: float | None
    p_value: float | None
    method: str  # "exact" or "quasi-poisson"
    dispersion: float | None  # guarded φ̂ from the before period's weeks; None when not checked
    df: int | None  # degrees of freedom of φ̂ (weeks − 1); None without weekly history, 0 when too short
    verdict: str  # decrease, increase, no_detectable_change or cannot_tell
    expected_after: float | None  # T0 · C1 / C0: the after count had the area followed the control's trend
    observed_after: int
    counts: tuple[int, int, int, int]  # (T0, T1, C0, C1)
    reasons: tuple[str, ...]  # why the data cannot tell, English codes: see ``REASONS_SV``
    area: str = TREATED  # "treated" (the effect) or "buffer" (displacement)
    before_days: float | None = None
    after_days: float | None = None
    confidence: float = 0.95

    @property
    def dispersion_checked(self) -> bool:
        return self.dispersion is not None


# -- validation -----------------------------------------------------------------------------------------
def _count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 0:
        raise ValueError(f"{name} must be a count (a whole number ≥ 0), not {value!r}")
    return int(value)


def _weeks(name: str, values: WeeklyCounts | None) -> np.ndarray | None:
    if values is None:
        return None
    if isinstance(values, str | bytes):
        raise ValueError(f"{name} must be a sequence of weekly counts, not {values!r}")
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a sequence of weekly counts (whole numbers ≥ 0)") from None
    if array.ndim != 1:
        raise ValueError(f"{name} must be a one-dimensional sequence of weekly counts, not of shape {array.shape}")
    if np.asarray(values).dtype == bool:
        raise ValueError(f"{name} must hold weekly counts, not booleans")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must hold finite weekly counts")
    if np.any(array < 0):
        raise ValueError(f"{name} cannot hold negative counts (week {int(np.argmax(array < 0)) + 1})")
    if np.any(array != np.round(array)):
        raise ValueError(f"{name} must hold whole numbers (week {int(np.argmax(array != np.round(array))) + 1})")
    return array


def _days(before_days: float | None, after_days: float | None) -> tuple[float | None, float | None]:
    for name, value in (("before_days", before_days), ("after_days", after_days)):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value) or value <= 0:
            raise ValueError(f"{name} must be a positive number of days, not {value!r}")
    if (before_days is None) != (after_days is None):
        raise ValueError("give the lengths of both periods (before_days and after_days), or neither")
    return (None, None) if before_days is None else (float(before_days), float(after_days))


# -- dispersion -----------------------------------------------------------------------------------------
def dispersion(treated_weeks: WeeklyCounts, control_weeks: WeeklyCounts) -> tuple[float | None, int]:
    """``(φ̂, df)``: the guarded dispersion of the treated area's weekly share (module docstring).

    ``φ̂ = Σ (t_w − n_w p̂)² / (p̂ (1 − p̂) (N − Σ n_w²/N)) · df/(df − 2)`` over the weeks with events, ``df =
    weeks − 1``. φ̂ is None (``df`` 0) when it cannot be estimated: fewer than two weeks with events, or no
    events at all in one of the areas. The weeks must be the same calendar weeks in both areas.
    """
    t = _weeks("treated_weeks", treated_weeks)
    c = _weeks("control_weeks", control_weeks)
    if t.size != c.size:
        raise ValueError(f"treated_weeks and control_weeks must cover the same weeks (got {t.size} and {c.size} weeks)")
    n = t + c
    keep = n > 0
    t, n = t[keep], n[keep]
    df = int(n.size) - 1
    total = float(n.sum())
    if df < 1 or t.sum() <= 0 or t.sum() >= total:
        return None, 0
    share = float(t.sum()) / total
    expected = share * (1.0 - share) * (total - float(np.sum(n**2)) / total)
    phi = float(np.sum((t - n * share) ** 2)) / expected
    return phi * (df / (df - 2) if df > 2 else 3.0), df


# -- the exact conditional test -------------------------------------------------------------------------
def _log_weights(t0: int, t1: int, c0: int, c1: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Support and log-weights of ``T1`` given the margins of ``[[T1, T0], [C1, C0]]`` at ψ = 1."""
    n_treated, n_control, n_after = t0 + t1, c0 + c1, t1 + c1
    k = np.arange(max(0, n_after - n_control), min(n_treated, n_after) + 1)
    log_w = (special.gammaln(n_treated + 1) - special.gammaln(k + 1) - special.gammaln(n_treated - k + 1)
             + special.gammaln(n_control + 1) - special.gammaln(n_after - k + 1)
             - special.gammaln(n_control - n_after + k + 1))  # fmt: skip
    return k, log_w, t1


def _tails(k: np.ndarray, log_w: np.ndarray, x: int, log_psi: float) -> tuple[float, float]:
    """``P(T1 ≤ x)`` and ``P(T1 ≥ x)`` under Fisher's noncentral hypergeometric with odds ratio ``e^log_psi``."""
    a = log_w + k * log_psi
    total = special.logsumexp(a)
    lower = float(np.exp(special.logsumexp(a[k <= x]) - total))
    upper = float(np.exp(special.logsumexp(a[k >= x]) - total))
    return min(lower, 1.0), min(upper, 1.0)


def exact_test(t0: int, t1: int, c0: int, c1: int, confidence: float = 0.95) -> tuple[float, float, float | None]:
    """``(p, low, high)`` of the exact conditional test of ψ: the two-sided p-value (twice the smaller tail at
    ψ = 1) and the interval of ψ from the same tails (``high`` None when unbounded)."""
    k, log_w, x = _log_weights(t0, t1, c0, c1)
    lower, upper = _tails(k, log_w, x, 0.0)
    p = min(1.0, 2.0 * min(lower, upper))
    half = (1.0 - confidence) / 2.0

    def solve(tail: int) -> float | None:
        def f(log_psi: float) -> float:
            return _tails(k, log_w, x, log_psi)[tail] - half

        lo, hi = -40.0, 40.0
        if f(lo) * f(hi) > 0:
            return None
        return float(np.exp(optimize.brentq(f, lo, hi, xtol=1e-10)))

    low = 0.0 if x <= k[0] else solve(1)  # P(T1 ≥ x) rises with ψ: the lowest ψ not rejected
    high = None if x >= k[-1] else solve(0)  # P(T1 ≤ x) falls with ψ: the highest ψ not rejected
    return p, 0.0 if low is None else low, high


def quasi_poisson_test(
    t0: int, t1: int, c0: int, c1: int, phi: float, df: int, confidence: float = 0.95
) -> tuple[float, float, float, float]:
    """``(log ψ̂, p, low, high)`` from the quasi-Poisson log-linear model: the interaction's Wald t test on
    ``df`` degrees of freedom with ``SE = √(φ Σ 1/count)`` (½ added to each count when one is zero)."""
    cells = np.array([t0, t1, c0, c1], float)
    if (cells == 0).any():
        cells = cells + 0.5
    log_psi = float(np.log(cells[1]) - np.log(cells[0]) - np.log(cells[3]) + np.log(cells[2]))
    se = math.sqrt(phi * float(np.sum(1.0 / cells)))
    p = float(2.0 * stats.t.sf(abs(log_psi) / se, df))
    q = float(stats.t.ppf(0.5 + confidence / 2.0, df))
    return log_psi, p, math.exp(log_psi - q * se), math.exp(log_psi + q * se)


# -- the verdicts ---------------------------------------------------------------------------------------
def _compare(
    area: str,
    before: int,
    after: int,
    control_before: int,
    control_after: int,
    weeks: np.ndarray | None,
    control_weeks: np.ndarray | None,
    before_days: float | None,
    after_days: float | None,
    confidence: float,
) -> EffectResult:
    if isinstance(confidence, bool) or not isinstance(confidence, Real) or not 0.5 <= confidence < 1:
        raise ValueError(f"confidence must be a number in [0.5, 1), not {confidence!r}")
    if (weeks is None) != (control_weeks is None):
        name = "buffer_weeks" if area == BUFFER else "treated_weeks"
        raise ValueError(f"give the weekly counts of both areas ({name} and control_weeks), or neither")
    t0, t1, c0, c1 = before, after, control_before, control_after
    phi, df = (None, None)
    if weeks is not None:
        if weeks.size != control_weeks.size:
            name = "buffer_weeks" if area == BUFFER else "treated_weeks"
            raise ValueError(
                f"{name} and control_weeks must cover the same weeks (got {weeks.size} and {control_weeks.size})"
            )
        phi, df = dispersion(weeks, control_weeks)
    reasons = []
    if t0 + t1 < MIN_TREATED:
        reasons.append("buffer_too_small" if area == BUFFER else "treated_too_small")
    if min(c0, c1) < MIN_CONTROL:
        reasons.append("control_too_small")
    if t0 == 0:
        reasons.append("no_events_before")
    method = QUASI_POISSON if phi is not None and phi > 1.0 else EXACT
    ratio = ratio_low = ratio_high = p = None
    if t0 > 0 and c0 > 0 and c1 > 0:  # with T1 = 0, ψ = 0 is defined: none after
        ratio = (t1 * c0) / (t0 * c1)
        if method == EXACT:
            p, ratio_low, ratio_high = exact_test(t0, t1, c0, c1, confidence)
        else:
            _, p, ratio_low, ratio_high = quasi_poisson_test(t0, t1, c0, c1, phi, df, confidence)
            if t1 == 0:
                ratio_low = 0.0  # ψ̂ = 0 itself: the interval reaches down to it
    if reasons or ratio is None:
        verdict = CANNOT_TELL
    elif ratio_high is not None and ratio_high < 1.0:
        verdict = DECREASE
    elif ratio_low is not None and ratio_low > 1.0:
        verdict = INCREASE
    else:
        verdict = NO_CHANGE

    def percent(value: float | None) -> float | None:
        return None if value is None else 100.0 * (value - 1.0)

    return EffectResult(
        ratio=ratio, ratio_low=ratio_low, ratio_high=ratio_high, percent=percent(ratio), low=percent(ratio_low),
        high=percent(ratio_high), p_value=p, method=method, dispersion=phi, df=df, verdict=verdict,
        expected_after=None if c0 == 0 else t0 * c1 / c0, observed_after=t1, counts=(t0, t1, c0, c1),
        reasons=tuple(reasons), area=area, before_days=before_days, after_days=after_days, confidence=confidence,
    )  # fmt: skip


def treatment_effect(
    treated_before: int,
    treated_after: int,
    control_before: int,
    control_after: int,
    *,
    treated_weeks: WeeklyCounts | None = None,
    control_weeks: WeeklyCounts | None = None,
    before_days: float | None = None,
    after_days: float | None = None,
    confidence: float = 0.95,
) -> EffectResult:
    """The measure's effect: the treated area against the control (module docstring).

    ``treated_weeks`` and ``control_weeks`` are the two areas' counts in the same weeks of the before period;
    without them the exact test is used and the dispersion is not checked. ``before_days``/``after_days``
    are the periods' lengths (both or neither); they cancel in ψ.
    """
    counts = [
        _count(name, value)
        for name, value in (("treated_before", treated_before), ("treated_after", treated_after),
                            ("control_before", control_before), ("control_after", control_after))
    ]  # fmt: skip
    days = _days(before_days, after_days)
    weeks = _weeks("treated_weeks", treated_weeks)
    control = _weeks("control_weeks", control_weeks)
    return _compare(TREATED, *counts, weeks, control, *days, confidence)


def displacement(
    buffer_before: int,
    buffer_after: int,
    control_before: int,
    control_after: int,
    *,
    buffer_weeks: WeeklyCounts | None = None,
    control_weeks: WeeklyCounts | None = None,
    before_days: float | None = None,
    after_days: float | None = None,
    confidence: float = 0.95,
) -> EffectResult:
    """Displacement, "Förflyttning till omgivningen?": the buffer ring against its control (or the control).

    The same test as :func:`treatment_effect`, a question of its own: ``increase`` is a sign of displacement,
    ``decrease`` is consistent with a diffusion of benefits. Ask it only when the user wants displacement;
    it does not change the measure's own verdict.
    """
    counts = [
        _count(name, value)
        for name, value in (("buffer_before", buffer_before), ("buffer_after", buffer_after),
                            ("control_before", control_before), ("control_after", control_after))
    ]  # fmt: skip
    days = _days(before_days, after_days)
    weeks = _weeks("buffer_weeks", buffer_weeks)
    control = _weeks("control_weeks", control_weeks)
    return _compare(BUFFER, *counts, weeks, control, *days, confidence)


# -- in Swedish -----------------------------------------------------------------------------------------
REASONS_SV = {
    "treated_too_small": "Åtgärdsområdet har för få {unit} ({t0} före, {t1} efter) för att en förändring ska gå "
    f"att skilja från slumpen; minst {MIN_TREATED} sammanlagt behövs.",
    "buffer_too_small": "Omgivningen har för få {unit} ({t0} före, {t1} efter) för att en förändring ska gå att "
    f"skilja från slumpen; minst {MIN_TREATED} sammanlagt behövs.",
    "control_too_small": "Kontrollområdet har för få {unit} ({c0} före, {c1} efter) för att visa den allmänna "
    f"utvecklingen; minst {MIN_CONTROL} i varje period behövs. Välj ett större kontrollområde.",
    "no_events_before": "{where} hade inga {unit} före åtgärden, så förändringen kan inte anges som en andel.",
}


def _number(value: float, decimals: int = 0) -> str:
    text = f"{value:.{decimals}f}".replace(".", ",")
    return text


def _inner(value: float) -> str:
    """A bound nearer zero, rounded towards zero (never past the interval) but not to zero."""
    for decimals in range(4):
        scaled = math.floor(value * 10**decimals + 1e-9) / 10**decimals
        if scaled > 0:
            return _number(scaled, decimals)
    return "mindre än 0,001"


def _outer(value: float) -> str:
    """A bound farther from zero, rounded away from zero (the shown interval contains the computed one)."""
    return _number(math.ceil(value - 1e-9))


def verdict_sv(result: EffectResult, unit: str = "händelser") -> str:
    """The verdict in plain Swedish, phrased by the interval and never beyond it."""
    buffer = result.area == BUFFER
    where = "Omgivningen" if buffer else "Åtgärdsområdet"
    lead = "Förflyttning till omgivningen? " if buffer else ""
    t0, t1, c0, c1 = result.counts
    if result.verdict == CANNOT_TELL:
        values = {"unit": unit, "t0": t0, "t1": t1, "c0": c0, "c1": c1, "where": where}
        reasons = " ".join(REASONS_SV[r].format(**values) for r in result.reasons)
        about = "förflyttning" if buffer else "effekten"
        return f"{lead}Underlaget räcker inte för att säga något om {about}. {reasons}".strip()
    level = f"{result.confidence * 100:.0f} %"
    place = "i omgivningen" if buffer else "i åtgärdsområdet"
    compared = "än kontrollområdets utveckling förutsäger"
    point = round(result.percent)
    if result.verdict == DECREASE:
        interval = f"med {level} säkerhet mellan {_inner(-result.high)} och {_outer(-result.low)} % färre"
        body = f"{place} blev det {abs(point)} % färre {unit} {compared} ({interval})"
        head = "Nej, snarare tvärtom: " if buffer else "Minskning: "
        tail = ", förenligt med att nyttan spred sig dit" if buffer else ""
        text = f"{lead}{head}{body}{tail}."
    elif result.verdict == INCREASE:
        if result.high is None:
            interval = f"med {level} säkerhet minst {_inner(result.low)} % fler"
        else:
            interval = f"med {level} säkerhet mellan {_inner(result.low)} och {_outer(result.high)} % fler"
        body = f"{place} blev det {point} % fler {unit} {compared} ({interval})"
        head = "Tecken på förflyttning: " if buffer else "Ökning: "
        text = f"{lead}{head}{body}."
    else:
        if point == 0:
            body = f"{place} blev det ungefär så många {unit} som kontrollområdets utveckling förutsäger"
        else:
            body = f"{place} blev det {abs(point)} % {'färre' if point < 0 else 'fler'} {unit} {compared}"
        fewer = f"{_outer(-result.low)} % färre" if result.low < 0 else "0 %"
        if result.high is None:
            interval = f"med {level} säkerhet från {fewer} och uppåt"
        else:
            interval = f"med {level} säkerhet mellan {fewer} och {_outer(result.high)} % fler"
        head = "Ingen påvisbar förflyttning: " if buffer else "Ingen påvisbar förändring: "
        text = f"{lead}{head}{body}, men {interval}, så förändringen kan vara noll."
    notes = []
    if result.expected_after is not None:
        notes.append(
            f"Efter åtgärden: {t1} {unit} {place}, mot omkring {_number(result.expected_after)} om "
            f"{'omgivningen' if buffer else 'området'} hade följt kontrollområdets utveckling."
        )
    if result.before_days is not None and result.before_days != result.after_days:
        notes.append(
            f"Perioderna är olika långa ({_number(result.before_days)} och {_number(result.after_days)} dagar); "
            "jämförelsen gäller takten i båda områdena, så längderna tar ut varandra."
        )
    if result.dispersion is None:
        why = "ingen veckohistorik före åtgärden" if result.df is None else "för kort veckohistorik före åtgärden"
        notes.append(
            f"Variationen från vecka till vecka kunde inte kontrolleras ({why}), så bedömningen förutsätter att "
            "antalet bara varierar slumpmässigt."
        )
    elif result.method == QUASI_POISSON:
        notes.append(
            f"Antalet varierar mer från vecka till vecka än slumpen ger (ungefär {_number(result.dispersion, 1)} "
            "gånger), och det har intervallet räknat med."
        )
    else:
        notes.append("Veckorna före åtgärden varierar inte mer än slumpen ger.")
    return " ".join([text, *notes])
