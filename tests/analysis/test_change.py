"""Change flags: calibrated under season and overdispersion, rates per day, BH across rows, and a p-value and
interval that always agree."""

import datetime as dt

import numpy as np
import pytest
from scipy import stats

from trygg.analysis.change import (
    MIN_COUNT,
    Row,
    compare_table,
    guarded_dispersion,
    pearson_dispersion,
    pooled_theta,
    ratio_test,
)

START = dt.date(2023, 1, 1)
DAYS = np.array([START + dt.timedelta(days=i) for i in range(3 * 365 + 1)])
YEAR, MONTH = np.array([d.year for d in DAYS]), np.array([d.month for d in DAYS])


def three_year_log(rng, categories=20, amplitude=0.3, shape=4.0):
    """Daily counts with a ±30 % season and a gamma factor per week (overdispersion), no real change."""
    base = rng.uniform(0.2, 3.0, categories)
    season = 1 + amplitude * np.sin(2 * np.pi * np.array([d.timetuple().tm_yday for d in DAYS]) / 365.25)
    week = np.arange(DAYS.size) // 7
    return np.array([rng.poisson(b * season * rng.gamma(shape, 1 / shape, week.max() + 1)[week]) for b in base])


def month_mask(year, month):
    """The days of a month given as any (year, month) with months beyond 1–12 rolling over."""
    index = year * 12 + month - 1
    return (index // 12 == YEAR) & (index % 12 + 1 == MONTH)


def seasonal_baseline(year, month):
    """Masks of the same month and its neighbours in the two earlier years of the log."""
    masks = [month_mask(y, month + step) for y in (year - 2, year - 1) for step in (-1, 0, 1)]
    return [m for m in masks if m.any()]


def table_for(log, year, month):
    now = month_mask(year, month)
    baseline = seasonal_baseline(year, month)
    rows = {c: Row(int(log[c, now].sum()), [int(log[c, m].sum()) for m in baseline]) for c in range(log.shape[0])}
    return compare_table(rows, int(now.sum()), [int(m.sum()) for m in baseline])


def new_flags(log, month):
    return [c.direction in ("up", "down") for c in table_for(log, 2025, month).values()]


def old_flags(log, month):
    """Counts against the plain mean of the 12 months before (no season, no dispersion), p < 0.05."""
    now = month_mask(2025, month)
    earlier = [month_mask(2025, month - k) for k in range(1, 13)]
    flags = []
    for c in range(log.shape[0]):
        k, previous = int(log[c, now].sum()), sum(int(log[c, m].sum()) for m in earlier)
        flags.append(bool(k + previous) and stats.binomtest(k, k + previous, 1 / 13).pvalue < 0.05)
    return flags


def flag_rate(flags_of, logs: int, seed: int = 2026) -> tuple[float, int]:
    """The share of category-months flagged over ``logs`` simulated logs, and how many there were."""
    rng = np.random.default_rng(seed)
    flags = [f for _ in range(logs) for log in [three_year_log(rng)] for m in range(1, 13) for f in flags_of(log, m)]
    return sum(flags) / len(flags), len(flags)


def test_no_change_under_season_and_weekly_overdispersion_flags_at_most_five_percent():
    rate, tested = flag_rate(new_flags, logs=8)
    assert tested == 8 * 12 * 20
    assert rate <= 0.05


def test_the_old_comparison_with_the_mean_of_earlier_months_cries_wolf_on_the_same_logs():
    rate, _ = flag_rate(old_flags, logs=4)
    assert rate > 0.10


def test_a_planted_rise_is_found():
    rng = np.random.default_rng(7)
    found = 0
    for _ in range(40):
        log = three_year_log(rng)
        now = (YEAR == 2025) & (MONTH == 6)
        # six more incidents a day in one category: three to thirty times its usual June, against heavy
        # week-to-week variation (the dispersion of such months is 4–9)
        log[0, now] += rng.poisson(6.0, now.sum())
        found += table_for(log, 2025, 6)[0].direction == "up"
    assert found >= 34


def test_twenty_unchanged_categories_rarely_show_any_flag():
    rng = np.random.default_rng(20)
    tables_with_a_flag = 0
    for _ in range(60):
        rows = {c: Row(int(rng.poisson(40)), [int(v) for v in rng.poisson(40, 8)]) for c in range(20)}
        table = compare_table(rows, 7, [7] * 8)
        tables_with_a_flag += any(c.direction in ("up", "down") for c in table.values())
    assert tables_with_a_flag <= 6  # about 5 % expected; without the correction 64 % of tables would have one


def test_february_is_not_down_when_the_rate_per_day_is_the_same():
    rows = {"a": Row(56, [62, 62, 60])}  # 2 a day in February; 2 a day in months of 31, 31, 30 days
    change = compare_table(rows, 28, [31, 31, 30])["a"]
    assert change.expected == pytest.approx(56.0, rel=0.02)
    assert change.direction == "no_change"
    assert change.ratio == pytest.approx(1.0, abs=0.03)


def test_a_week_with_three_against_a_mean_of_a_quarter_is_too_few_to_say():
    change = compare_table({"a": Row(3, [1, 0, 0, 0])}, 7, [7, 7, 7, 7])["a"]
    assert change.direction == "too_few" and change.p_value is None and change.low is None


@pytest.mark.parametrize("count", range(0, 41, 3))
@pytest.mark.parametrize("phi", [1.0, 2.5])
def test_p_value_and_interval_always_agree(count, phi):
    for base in (5, 20, 60, 200):
        for level in (0.95, 0.99):
            ratio, low, high, p = ratio_test(count, 7.0, base, 28.0, phi, level)
            excludes_one = (low is not None and low > 1) or (high is not None and high < 1)
            assert excludes_one == (p < 1 - level), (count, base, level, ratio, low, high, p)


def test_flags_and_the_table_intervals_agree():
    rng = np.random.default_rng(3)
    for _ in range(30):
        rows = {c: Row(int(rng.poisson(rng.uniform(5, 60))), [int(v) for v in rng.poisson(30, 6)]) for c in range(12)}
        table = compare_table(rows, 30, [30] * 6)
        for change in table.values():
            if change.direction in ("too_few", "no_data"):
                continue
            excludes_one = (change.low is not None and change.low > 1) or (change.high is not None and change.high < 1)
            assert excludes_one == (change.direction in ("up", "down"))
            assert (change.q_value <= 0.05) == (change.direction in ("up", "down"))


def test_the_exact_test_without_overdispersion_is_the_binomial_test():
    ratio, low, high, p = ratio_test(18, 7.0, 40.0, 28.0, 1.0, 0.95)
    assert ratio == pytest.approx((18 / 7) / (40 / 28))
    # central two-sided p of X ~ Bin(58, 7/35) at 18
    tails = stats.binom.sf(17, 58, 0.2), stats.binom.cdf(18, 58, 0.2)
    assert p == pytest.approx(min(1, 2 * min(tails)))
    ci = stats.binomtest(18, 58, 0.2).proportion_ci(0.95, method="exact")
    assert low == pytest.approx(ci.low / (1 - ci.low) * 4) and high == pytest.approx(ci.high / (1 - ci.high) * 4)


def test_dispersion_estimates_recover_a_known_overdispersion():
    rng = np.random.default_rng(5)
    mu, k = 50.0, 10.0  # negative binomial: variance μ + μ²/k → φ = 1 + μ/k = 6
    counts = rng.negative_binomial(k, k / (k + mu), 400)
    assert pearson_dispersion(counts, [7] * counts.size) == pytest.approx(6.0, rel=0.2)
    rows = [(rng.negative_binomial(k, k / (k + m), 8), [7] * 8) for m in rng.uniform(5, 80, 40)]
    assert pooled_theta(rows) == pytest.approx(1 / k, rel=0.35)
    assert pearson_dispersion([10, 10, 10], [7, 7, 7]) == 0.0 and pearson_dispersion([3], [7]) == 1.0
    # guarded: X² / (df − 2); X² of 10, 20, 30, 40 around 25 is (225 + 25 + 25 + 225) / 25 = 20, df 3
    assert pearson_dispersion([10, 20, 30, 40], [7] * 4) == pytest.approx(20 / 3)
    assert guarded_dispersion([10, 20, 30, 40], [7] * 4) == pytest.approx(20 / 1)
    assert guarded_dispersion([10, 20, 30], [7] * 3) == pytest.approx(10 / 2 * 3)  # df 2: the df-3 factor


def test_rows_below_the_minimum_are_not_tested_and_do_not_count_in_the_correction():
    rows = {"big": Row(90, [50, 52, 48, 50]), "tiny": Row(1, [0, 1, 0, 0])}
    table = compare_table(rows, 7, [7] * 4)
    assert table["tiny"].direction == "too_few" and MIN_COUNT == 5
    assert table["big"].q_value == pytest.approx(table["big"].p_value)  # one test: BH leaves its p as it is


def test_no_baseline_and_bad_input():
    assert compare_table({"a": Row(4, [])}, 7, [])["a"].direction == "no_data"
    with pytest.raises(ValueError, match="baseline counts"):
        compare_table({"a": Row(4, [1, 2])}, 7, [7])
    with pytest.raises(ValueError, match="negative"):
        compare_table({"a": Row(-1, [1])}, 7, [7])
    with pytest.raises(ValueError, match="positive"):
        compare_table({"a": Row(1, [1])}, 0, [7])


def test_heavy_overdispersion_with_few_baseline_periods_keeps_tables_near_the_nominal_rate():
    """Gamma factor of shape 4 per period (relative SD 50 %), five baseline periods, 15 unchanged rows of
    3–300 a month: the share of tables with any flag stays near 5 % (the row's own dispersion is guarded
    against the optimism of few periods; without that guard it was 12 %)."""
    rng = np.random.default_rng(1)
    tables, flagged_tables = 200, 0
    for _ in range(tables):
        rows = {}
        for i, mu in enumerate(np.exp(rng.uniform(np.log(3), np.log(300), 15))):
            counts = rng.poisson(mu * rng.gamma(4.0, 0.25, 6))
            rows[i] = Row(int(counts[0]), [int(c) for c in counts[1:]])
        flagged_tables += any(c.direction in ("up", "down") for c in compare_table(rows, 30, [30] * 5).values())
    assert flagged_tables / tables <= 0.08


def short_history_table(rng, earlier: int, shape: float, common: bool, rows: int = 15):
    """``rows`` categories of 0.03–4 a day over ``earlier`` + 1 years with a ±30 % season and a gamma factor of
    ``shape`` per week — one factor for every row (``common``, the weather or the whole feed) or one per row —
    and no change: each row's yearly counts, the last year being the current one."""
    rate = np.geomspace(0.03, 4.0, rows)
    days = (earlier + 1) * 365
    t = np.arange(days)
    season = 1 + 0.3 * np.sin(2 * np.pi * t / 365)
    weeks = days // 7 + 1
    week = rng.gamma(shape, 1 / shape, (1 if common else rows, weeks))
    daily = rng.poisson(rate[:, None] * season[None, :] * np.repeat(week, 7, axis=1)[:, :days])
    years = daily.reshape(rows, earlier + 1, 365).sum(axis=2)
    table = {str(i): Row(int(y[-1]), [int(v) for v in y[:-1]]) for i, y in enumerate(years)}
    table["_total"] = Row(int(years[:, -1].sum()), [int(v) for v in years[:, :-1].sum(axis=0)])
    return table


@pytest.mark.parametrize("earlier", [2, 3, 5])
@pytest.mark.parametrize("shape", [1.0, 4.0])
@pytest.mark.parametrize("common", [True, False])
def test_short_histories_flag_at_most_five_percent_of_rows_and_ten_percent_of_tables(earlier, shape, common):
    rng = np.random.default_rng(earlier * 100 + int(shape * 10) + common)
    tables, cells, flagged_cells, flagged_tables = 40, 0, 0, 0
    for _ in range(tables):
        result = compare_table(short_history_table(rng, earlier, shape, common), 365, [365] * earlier,
                               not_pooled=["_total"])  # fmt: skip
        flags = [c.direction in ("up", "down") for c in result.values()]
        cells += len(flags)
        flagged_cells += sum(flags)
        flagged_tables += any(flags)
    assert flagged_cells / cells <= 0.05
    assert flagged_tables / tables <= 0.10 + 0.07  # 40 tables: the Monte-Carlo error of 10 % is about 5 points


def test_with_three_earlier_periods_the_old_plug_in_dispersion_cries_wolf_and_the_new_test_does_not():
    """15 unchanged rows of 3–300, each period's mean times its own gamma factor of shape 1 (a swing of ±100 %):
    the old test, which took the estimated dispersion as known, flags about a quarter of the tables."""
    from trygg.analysis.change import compare_table_beta_binomial

    rng = np.random.default_rng(1)
    old = new = 0
    for _ in range(60):
        table = {}
        for i, mu in enumerate(np.exp(rng.uniform(np.log(3), np.log(300), 15))):
            counts = rng.poisson(mu * rng.gamma(1.0, 1.0, 4))
            table[str(i)] = Row(int(counts[-1]), [int(c) for c in counts[:-1]])
        old += any(c.direction in ("up", "down") for c in compare_table_beta_binomial(table, 30, [30] * 3).values())
        new += any(c.direction in ("up", "down") for c in compare_table(table, 30, [30] * 3).values())
    assert old / 60 > 0.15
    assert new / 60 <= 0.10


def test_one_earlier_period_judges_nothing_and_says_why():
    table = compare_table({"a": Row(40, [20]), "b": Row(2, [1])}, 30, [30])
    assert table["a"].direction == "short_history" and table["a"].low is None
    assert table["b"].direction == "too_few"


def test_a_doubling_is_still_found_with_three_earlier_years():
    rng = np.random.default_rng(11)
    found = 0
    for _ in range(30):
        table = short_history_table(rng, 3, 4.0, False)
        big = table["13"]
        table["13"] = Row(big.count * 2, big.baseline)
        found += compare_table(table, 365, [365] * 3, not_pooled=["_total"])["13"].direction == "up"
    assert found >= 27
