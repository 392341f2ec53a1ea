import datetime as dt

import pytest

from trygg.core.periods import PeriodError, parse_period


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026-W10", dt.date(2026, 3, 2), dt.date(2026, 3, 9)),
        ("2026-W01", dt.date(2025, 12, 29), dt.date(2026, 1, 5)),
        ("2020-W53", dt.date(2020, 12, 28), dt.date(2021, 1, 4)),
        ("2026-03", dt.date(2026, 3, 1), dt.date(2026, 4, 1)),
        ("2026-12", dt.date(2026, 12, 1), dt.date(2027, 1, 1)),
        ("2026-T1", dt.date(2026, 1, 1), dt.date(2026, 5, 1)),
        ("2026-T3", dt.date(2026, 9, 1), dt.date(2027, 1, 1)),
        ("2025", dt.date(2025, 1, 1), dt.date(2026, 1, 1)),
    ],
)
def test_periods(text, start, end):
    period = parse_period(text)
    assert (period.start, period.end) == (start, end)


def test_previous_periods_and_slices():
    assert [p.key for p in parse_period("2026-W02").previous(3)] == ["2025-W51", "2025-W52", "2026-W01"]
    assert [p.key for p in parse_period("2026-T1").previous(2)] == ["2025-T2", "2025-T3"]
    assert [p.key for p in parse_period("2026-01").previous(2)] == ["2025-11", "2025-12"]
    assert len(parse_period("2025").slices()) == 12
    month = parse_period("2026-03").slices()
    assert month[0].start == dt.date(2026, 3, 1) and month[-1].end == dt.date(2026, 4, 1)  # cut at the edges


@pytest.mark.parametrize("text", ["2026-13", "2026-W54", "2026-T4", "vecka 10", ""])
def test_bad_periods_say_what_is_expected(text):
    with pytest.raises(PeriodError):
        parse_period(text)
