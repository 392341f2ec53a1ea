"""The weighted displacement difference and quotient: the published worked examples, the variance in every
configuration, periods of unequal length, too small a control area, and a verdict phrased by its interval."""

import math

import numpy as np
import pytest

from trygg.analysis.evaluation import (
    CANNOT_TELL,
    Counts,
    verdict_sv,
    weighted_displacement,
    weighted_displacement_quotient,
)


def test_wheeler_and_ratcliffes_worked_example():
    # Wheeler & Ratcliffe (2018): treated 207 → 110, control 308 → 318, displacement 178 → 157 and its
    # control 150 → 140; WDD −118, SE √1568, z −2.98, 95 % interval −196 to −40
    result = weighted_displacement(Counts(207, 110, 308, 318, 178, 157, 150, 140))
    assert result.wdd == -118
    assert result.se == pytest.approx(math.sqrt(1568))
    assert round(result.z, 2) == -2.98
    assert (round(result.low), round(result.high)) == (-196, -40)
    assert result.verdict == "decrease"


def test_wheelers_example_with_a_longer_before_period():
    # Wheeler (2021), different pre/post periods: control 100 → 50, treated 80 → 20 with two years before
    # and one after: WDD (20 − 80/2) − (50 − 100/2) = −20, variance 20 + 80/4 + 50 + 100/4 = 115
    result = weighted_displacement(Counts(80, 20, 100, 50, before_days=730, after_days=365))
    assert result.wdd == pytest.approx(-20)
    assert result.se == pytest.approx(math.sqrt(115))


def test_without_a_buffer():
    # T 60 → 30, C 50 → 48: WDD = −30 + 2 = −28; Var = 60 + 30 + 50 + 48 = 188
    result = weighted_displacement(Counts(60, 30, 50, 48))
    assert result.wdd == -28 and result.se == pytest.approx(math.sqrt(188))
    assert result.verdict == "decrease" and result.wdq is None


def test_the_control_reused_for_the_buffer_counts_four_times_in_the_variance():
    # T 100 → 70, C 120 → 115, D 50 → 45, C also the buffer's control: WDD = ΔT + ΔD − 2ΔC = −30 − 5 + 10
    # Var = 100 + 70 + 50 + 45 + 4 · (120 + 115) = 1205 (counting C twice, 735, understates it)
    result = weighted_displacement(Counts(100, 70, 120, 115, 50, 45))
    assert result.wdd == -25
    assert result.se == pytest.approx(math.sqrt(1205))
    assert result.control_reused


def test_the_reused_control_gives_the_nominal_rate_of_false_verdicts():
    """Simulated measures with no effect: at most about 5 % 'decrease' or 'increase'."""
    rng = np.random.default_rng(13)
    false = 0
    trials = 4000
    for _ in range(trials):
        t, c, d = rng.poisson(60, 2), rng.poisson(60, 2), rng.poisson(60, 2)
        result = weighted_displacement(Counts(*map(int, (t[0], t[1], c[0], c[1], d[0], d[1]))))
        false += result.verdict in ("decrease", "increase")
    assert false / trials < 0.065  # with the control counted twice instead of four times: about 13 %


def test_unequal_periods_are_compared_as_rates():
    # 205 days before and 38 after at the same daily rate (1 a day treated, 2 a day control): no effect
    result = weighted_displacement(Counts(205, 38, 410, 76, before_days=205, after_days=38))
    assert result.wdd == pytest.approx(0)
    assert result.verdict == "no_detectable_change"
    assert "under efterperioden" in verdict_sv(result)
    with pytest.raises(ValueError, match="both periods"):
        Counts(1, 1, 1, 1, before_days=10)


def test_a_control_area_with_one_event_before_and_one_after_cannot_tell():
    counts = Counts(40, 10, 1, 1)
    result = weighted_displacement(counts)
    assert result.verdict == CANNOT_TELL
    assert result.high < 0  # the interval alone would have claimed a decrease
    text = verdict_sv(result, counts)
    assert text.startswith("Underlaget räcker inte") and "1 före, 1 efter" in text


def test_too_few_events_in_the_treated_area_cannot_tell():
    result = weighted_displacement(Counts(4, 3, 100, 100))
    assert result.verdict == CANNOT_TELL and "treated_too_small" in result.warnings


def test_bowers_and_johnsons_quotient():
    # WDQ = (D1/C1 − D0/C0) / (T1/C1 − T0/C0) (Bowers & Johnson 2003; Guerette 2009, appendix B)
    c = Counts(100, 70, 120, 115, 50, 45)
    assert weighted_displacement(c).wdq == pytest.approx((45 / 115 - 50 / 120) / (70 / 115 - 100 / 120))
    # Guerette (2009) appendix C: above 0 diffusion of benefits, 0 to −1 displacement smaller than the gain,
    # below −1 displacement larger than the gain
    assert weighted_displacement_quotient(Counts(100, 50, 100, 100, 100, 80)) == pytest.approx(0.4)
    assert weighted_displacement_quotient(Counts(100, 50, 100, 100, 100, 120)) == pytest.approx(-0.4)
    assert weighted_displacement_quotient(Counts(100, 50, 100, 100, 100, 170)) == pytest.approx(-1.4)
    assert weighted_displacement_quotient(Counts(100, 120, 100, 100, 40, 30)) is None  # no gain: undefined


def test_a_separate_control_for_the_buffer():
    # WDD = (20 − 40) − (33 − 30) + (25 − 20) − (21 − 18) = −21; each count once in the variance
    result = weighted_displacement(Counts(40, 20, 30, 33, 20, 25, 18, 21))
    assert result.wdd == -21
    assert result.se == pytest.approx(math.sqrt(40 + 20 + 30 + 33 + 20 + 25 + 18 + 21))
    assert not result.control_reused


def test_the_verdict_is_phrased_by_its_interval():
    decrease = weighted_displacement(Counts(60, 30, 50, 48))
    text = verdict_sv(decrease)
    assert text.startswith("Minskning: med 95 % säkerhet mellan")
    assert f"mellan {abs(decrease.high):.0f} och {abs(decrease.low):.0f} färre" in text
    unclear = weighted_displacement(Counts(30, 25, 40, 41))
    assert unclear.verdict == "no_detectable_change"
    assert verdict_sv(unclear).startswith("Ingen påvisbar förändring") and "kan den vara noll" in verdict_sv(unclear)
    assert verdict_sv(weighted_displacement(Counts(30, 60, 50, 48))).startswith("Ökning")


@pytest.mark.parametrize("bad", [{"treated_before": -1}, {"treated_before": 1.5}, {"buffer_before": 3}])
def test_counts_are_checked(bad):
    values = {"treated_before": 1, "treated_after": 1, "control_before": 1, "control_after": 1, **bad}
    with pytest.raises(ValueError):
        Counts(**values)
