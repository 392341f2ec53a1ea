import gzip
import json

import pytest

from tests.conftest import POLICE_FILE
from trygg.analysis.change import ratio_test
from trygg.analysis.temporal import mann_kendall, poisson_interval, time_of_week
from trygg.incidents.polisen_format import occurred_from_name, parse_published


def test_time_of_week_matrix():
    m = time_of_week([0, 0, 6, 4], [0, 0, 23, 21])
    assert m.shape == (7, 24)
    assert m[0, 0] == 2 and m[6, 23] == 1 and m[4, 21] == 1 and m.sum() == 4
    with pytest.raises(ValueError):
        time_of_week([7], [1])


def test_the_exact_rate_comparison_hand_computed():
    # current 10 against one earlier period of the same length with 2: under equal rates 10 ~ Bin(12, ½);
    # P(X ≥ 10) = (66 + 12 + 1) / 4096, two-sided twice that.
    ratio, low, high, p = ratio_test(10, 7.0, 2.0, 7.0, 1.0, 0.95)
    assert p == pytest.approx(2 * 79 / 4096)
    assert ratio == 5.0
    assert low < 5.0 < high


def test_garwood_interval_for_zero_and_ten():
    assert poisson_interval(0) == pytest.approx((0.0, 3.689), abs=1e-3)  # the "rule of 3.7" for zero events
    low, high = poisson_interval(10)
    assert (low, high) == pytest.approx((4.795, 18.390), abs=1e-3)  # published exact 95 % limits


def test_mann_kendall():
    assert mann_kendall([1, 2, 3, 4, 5, 6, 7, 8]).trend == "increasing"
    assert mann_kendall([8, 7, 6, 5, 4, 3, 2, 1]).trend == "decreasing"
    assert mann_kendall([3, 3, 3, 3]).trend == "none"


def test_real_police_events_violence_and_drunkenness_are_more_frequent_on_friday_and_saturday():
    """Validation on the real police events (assault, fights, drunkenness, all of Sweden)."""
    weekday, hour = [], []
    with gzip.open(POLICE_FILE, "rt", encoding="utf-8") as fh:
        for line in fh:
            event = json.loads(line)
            if event["type"] in ("Fylleri/LOB", "Bråk", "Misshandel"):
                published = parse_published(event["datetime"])
                when = occurred_from_name(event["name"], published) or published
                weekday.append(when.weekday())
                hour.append(when.hour)
    matrix = time_of_week(weekday, hour)
    assert matrix.sum() == len(weekday) > 5000
    per_day = matrix.sum(axis=1)
    friday_saturday, monday_tuesday = int(per_day[4] + per_day[5]), int(per_day[0] + per_day[1])
    ratio, low, _, p = ratio_test(friday_saturday, 2.0, monday_tuesday, 2.0, 1.0, 0.95)
    assert ratio > 1 and low > 1 and p < 0.001
