"""A source's gaps judged by its own volume (trygg.analysis.sources), on seeded simulations with a known answer."""

from __future__ import annotations

import numpy as np
import pytest

from trygg.analysis.sources import SHORT, SILENT, check_source

DAYS = 3 * 365
MONTHS = [(a, min(a + 30, DAYS)) for a in range(0, DAYS, 30)]
QUARTERS = [(a, min(a + 90, DAYS)) for a in range(0, DAYS - 90, 30)]


def simulate(rng, rate: float, shape: float, days: int = DAYS, season: float = 0.3) -> np.ndarray:
    """Daily counts: a ±``season`` yearly cycle times a gamma factor (shape ``shape``, mean 1) per week."""
    t = np.arange(days)
    week = np.repeat(rng.gamma(shape, 1 / shape, size=days // 7 + 1), 7)[:days]
    return rng.poisson(rate * (1 + season * np.sin(2 * np.pi * t / 365)) * week)


@pytest.mark.parametrize(("rate", "shape"), [(0.3, 1.0), (1.0, 1.0), (1.0, 2.0), (3.0, 4.0), (10.0, 2.0)])
def test_a_complete_source_has_no_gap_beyond_the_nominal_rate(rate, shape):
    rng = np.random.default_rng(int(rate * 100 + shape))
    flagged = sum(bool(check_source(simulate(rng, rate, shape), MONTHS + QUARTERS).gaps) for _ in range(150))
    assert flagged / 150 <= 0.03  # the bound is 0.1 % per source; 3 % allows the approximations of k and λ


@pytest.mark.parametrize(("rate", "shape"), [(1.1, 2.0), (0.3, 1.0), (5.0, 4.0)])
def test_a_feed_silent_for_seven_months_is_found_with_its_dates(rate, shape):
    rng = np.random.default_rng(7)
    for _ in range(30):
        y = simulate(rng, rate, shape)
        y[DAYS - 240 : DAYS - 30] = 0  # the format change: nothing arrives for seven months
        gaps = check_source(y, MONTHS + QUARTERS).gaps
        silent = [g for g in gaps if g.kind == SILENT and g.end > DAYS - 200]
        assert silent, gaps
        assert silent[0].start <= DAYS - 240 + 14 and silent[0].end >= DAYS - 30 - 1
        assert silent[0].expected > 0.5 * rate * 210  # what the source's own rate would have brought


def test_a_source_that_starts_late_is_missing_before_it_starts():
    rng = np.random.default_rng(3)
    y = np.r_[np.zeros(400, int), rng.poisson(0.5, DAYS - 400)]
    gaps = check_source(y, MONTHS).gaps
    assert gaps and gaps[0].start == 0 and gaps[0].end >= 400 - 7 and gaps[0].kind == SILENT


def test_three_bursty_weeks_before_a_source_began_are_missing_not_quiet():
    """A feed imported from a date, read over a span that starts three weeks earlier: with bursty weeks (gamma
    shape 1) three silent weeks are not unlikely enough to be called silent, yet the source had not begun."""
    rng = np.random.default_rng(11)
    hidden = found = 0
    for _ in range(40):
        y = simulate(rng, 1.5, 1.0, days=13 * 7, season=0.0)
        while y[21] == 0:  # the first event on day 21
            y[21] = rng.poisson(1.5)
        y[:21] = 0
        hidden += not check_source(y).gaps
        gaps = check_source(y, began_in_span=True).gaps
        found += bool(gaps) and gaps[0].start == 0 and gaps[0].end == 21 and gaps[0].kind == SILENT
    assert hidden >= 10  # the reason for the rule: read as a quiet stretch of a bursty source
    assert found == 40


def test_a_few_days_before_a_source_began_are_no_gap():
    y = np.r_[[0, 0], np.ones(60, int)]  # two days would have held two events: too few to say anything
    assert check_source(y, began_in_span=True).gaps == ()
    assert check_source(np.zeros(30, int), began_in_span=True).gaps == ()  # never began: nothing to judge by


def test_the_days_after_a_feed_stopped_are_missing_not_quiet():
    """The police file ends on day 80 of a 91-day span, with bursty weeks: eleven silent days are not unlikely
    enough to be called silent, but the feed has nothing after the span: it stopped."""
    rng = np.random.default_rng(12)
    found = 0
    for _ in range(40):
        y = simulate(rng, 1.5, 1.0, days=91, season=0.0)
        while y[79] == 0:
            y[79] = rng.poisson(1.5)
        y[80:] = 0
        gaps = check_source(y, ended_in_span=True).gaps
        found += bool(gaps) and gaps[-1].start == 80 and gaps[-1].end == 91
    assert found == 40


def test_two_silent_stretches_do_not_hide_each_other():
    """A feed that starts, sends one stray event and goes silent again for five weeks, then runs: each silence is
    judged by the rate of the days outside it, so neither makes the weeks look bursty enough to hide the other
    (the real police file's Örebro in January–March 2023)."""
    rng = np.random.default_rng(8)
    found = 0
    for _ in range(40):
        y = np.r_[np.zeros(40, int), [1], np.zeros(36, int), np.maximum(1, rng.poisson(3.0, 8))]
        health = check_source(y, began_in_span=True)
        found += health.missing_share(0, 77) >= 76 / 77 and health.missing_share(77, 85) == 0  # all but the stray day
    assert found == 40


def test_a_lasting_drop_to_a_fifth_is_a_shortfall():
    rng = np.random.default_rng(5)
    found = 0
    for _ in range(50):
        y = simulate(rng, 4.0, 4.0, season=0.0)
        y[600:690] = rng.poisson(0.8, 90)
        found += any(g.start < 690 and g.end > 600 for g in check_source(y, MONTHS + QUARTERS).gaps)
    assert found >= 45


def test_a_shortfall_reports_what_was_seen_and_expected():
    y = np.full(DAYS, 3)
    y[300:330] = 1  # a month at a third
    gaps = check_source(y, MONTHS).gaps
    assert len(gaps) == 1 and gaps[0].kind == SHORT and gaps[0].observed == 30
    assert gaps[0].expected == pytest.approx(90, rel=0.02)


def test_a_sparse_source_is_never_called_silent_on_a_few_quiet_weeks():
    y = np.zeros(DAYS, int)
    y[::40] = 1  # one report every forty days: long quiet stretches are its normal
    assert check_source(y, MONTHS).gaps == ()


def test_empty_and_bad_input():
    assert check_source([0] * 30).gaps == ()
    assert check_source([]).events == 0
    with pytest.raises(ValueError, match="negative"):
        check_source([1, -1, 2])
    with pytest.raises(ValueError, match=r"block \(5, 40\)"):
        check_source([1] * 30, [(5, 40)])
