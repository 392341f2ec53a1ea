import pytest

from trygg.analysis.harm import DEFAULT_WEIGHTS, harm_total, harm_weights
from trygg.analysis.rates import rate
from trygg.incidents.taxonomy import V1_CATEGORIES


def test_every_category_has_a_default_harm_weight():
    assert {c.code for c in V1_CATEGORIES} == set(DEFAULT_WEIGHTS)


def test_harm_weights_and_overrides():
    assert harm_weights(["ran", "klotter", "unknown"]).tolist() == [365, 1, 1]
    assert harm_total(["ran", "ran"], {"ran": 2}) == 4


def test_rate_per_ten_thousand_with_exact_interval():
    r = rate(10, 50_000)
    assert r.rate == pytest.approx(2.0)
    assert (r.low, r.high) == pytest.approx((4.795 / 5, 18.390 / 5), abs=1e-3)
    with pytest.raises(ValueError):
        rate(1, 0)
