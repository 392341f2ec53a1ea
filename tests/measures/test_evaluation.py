"""The weighted displacement difference and quotient on worked examples, computed by hand from the formulas
of Wheeler & Ratcliffe (2018) and Bowers & Johnson (2003)."""

import math

import pytest

from trygg.analysis.evaluation import Counts, verdict_sv, weighted_displacement, weighted_displacement_quotient


def test_wdd_without_a_buffer():
    # treated 60 → 30, control 50 → 48: WDD = (30 − 60) − (48 − 50) = −28; Var = 60 + 30 + 50 + 48 = 188
    result = weighted_displacement(Counts(60, 30, 50, 48))
    assert result.wdd == -28
    assert result.se == pytest.approx(math.sqrt(188))
    assert (result.low, result.high) == pytest.approx(
        (-28 - 1.959964 * math.sqrt(188), -28 + 1.959964 * math.sqrt(188))
    )
    assert result.verdict == "decrease"
    assert result.wdq is None


def test_wdd_with_displacement_buffer_and_its_quotient():
    # T 100 → 70, C 120 → 115, D 50 → 45, buffer control = C
    # WDD = (70 − 100) − (115 − 120) + (45 − 50) − (115 − 120) = −30 + 5 − 5 + 5 = −25
    # Var = 100 + 70 + 120 + 115 + 50 + 45 + 120 + 115 = 735
    result = weighted_displacement(Counts(100, 70, 120, 115, 50, 45))
    assert result.wdd == -25 and result.se == pytest.approx(math.sqrt(735))
    assert result.verdict == "no_detectable_change"  # −25 ± 53: the interval spans zero
    # WDQ = (45/115 − 50/120) / (70/115 − 100/120)
    assert result.wdq == pytest.approx((45 / 115 - 50 / 120) / (70 / 115 - 100 / 120))
    assert result.wdq > 0  # some diffusion of benefits into the buffer


def test_wdq_sign_shows_displacement():
    # the buffer gets worse while the treated area improves: displacement, a negative quotient
    assert weighted_displacement_quotient(Counts(100, 60, 100, 100, 40, 70)) == pytest.approx((0.7 - 0.4) / (0.6 - 1.0))
    # no improvement in the treated area: the quotient is undefined
    assert weighted_displacement_quotient(Counts(100, 120, 100, 100, 40, 30)) is None


def test_separate_control_for_the_buffer():
    # WDD = (20 − 40) − (33 − 30) + (25 − 20) − (21 − 18) = −20 − 3 + 5 − 3 = −21
    result = weighted_displacement(Counts(40, 20, 30, 33, 20, 25, 18, 21))
    assert result.wdd == -21
    assert result.se == pytest.approx(math.sqrt(40 + 20 + 30 + 33 + 20 + 25 + 18 + 21))


def test_the_verdict_never_claims_more_than_the_interval():
    unclear = weighted_displacement(Counts(12, 9, 10, 11))
    assert unclear.verdict == "no_detectable_change"
    assert verdict_sv(unclear).startswith("Ingen påvisbar förändring")
    assert verdict_sv(weighted_displacement(Counts(60, 30, 50, 48))).startswith("Minskning")
    assert verdict_sv(weighted_displacement(Counts(30, 60, 50, 48))).startswith("Ökning")


@pytest.mark.parametrize("bad", [{"treated_before": -1}, {"treated_before": 1.5}, {"buffer_before": 3}])
def test_counts_are_checked(bad):
    values = {"treated_before": 1, "treated_after": 1, "control_before": 1, "control_after": 1, **bad}
    with pytest.raises(ValueError):
        Counts(**values)
