"""Exposure weighted by the season (trygg.analysis.season), on seeded simulations with a known answer."""

from __future__ import annotations

import numpy as np
import pytest

from trygg.analysis.season import exposure, month_weights


def year_months(days: int = 365, first_month: int = 1) -> np.ndarray:
    dates = np.datetime64(f"2023-{first_month:02d}-01") + np.arange(days)
    return dates.astype("datetime64[M]").astype(int) % 12 + 1


def test_a_whole_period_weighs_its_days_and_a_part_its_share_of_the_incidents():
    rng = np.random.default_rng(4)
    months = year_months(730)
    t = np.arange(730)
    mean = 30 * (1 + 0.5 * np.cos(2 * np.pi * (t - 196) / 365))  # summer twice the winter
    weights = month_weights(months, rng.poisson(mean))
    assert exposure(months[:365], np.ones(365, bool), weights) == pytest.approx(365, rel=0.01)
    spring_on = np.arange(365) >= 59  # March–December
    share = mean[:365][spring_on].sum() / mean[:365].sum()
    assert exposure(months[:365], spring_on, weights) == pytest.approx(365 * share, rel=0.01)
    assert exposure(months[:365], spring_on, weights) > 306 * 1.05  # more than its plain days


def test_a_thin_history_makes_no_season_of_its_noise():
    months = year_months()
    counts = np.zeros(365, int)
    counts[200] = 3  # three incidents, all in July
    weights = month_weights(months, counts)
    assert weights[7] < 1.3 and weights[1:].min() > 0.95
    assert month_weights(months, np.zeros(365, int))[1:] == pytest.approx(np.ones(12))  # nothing: an even year


def test_bad_input():
    with pytest.raises(ValueError, match="one value per day"):
        month_weights(np.array([1, 2]), np.array([1]))
    with pytest.raises(ValueError, match="1–12"):
        month_weights(np.array([0, 13]), np.array([1, 1]))
    with pytest.raises(ValueError, match="one value per day"):
        exposure(np.array([1, 2]), np.array([True]), np.ones(13))
