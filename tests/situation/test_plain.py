"""The plain answers (trygg.situation.plain): each key point restates a tested result, no more."""

from __future__ import annotations

import pytest
from django.utils import translation

from trygg.core.periods import parse_period, week_label
from trygg.situation.plain import KEY_POINTS, key_points, year_on_year


def row(code, direction, count=10, expected=10.0, low=None, high=None, q=None):
    return {"code": code, "label": code.capitalize(), "direction": direction, "count": count, "expected": expected,
            "low": low, "high": high, "q_value": q}  # fmt: skip


@pytest.fixture(autouse=True)
def swedish():
    with translation.override("sv"):
        yield


def test_a_week_of_too_few_incidents_claims_nothing_about_categories():
    report = {"categories": [row("klotter", "too_few", 2, 1.0), row("_total", "too_few", 3, 2.0)]}
    assert key_points(report) == []


def test_nothing_stands_out_only_when_rows_were_tested():
    report = {"categories": [row("klotter", "no_change", 30, 28.0, 0.6, 1.6), row("_total", "no_change", 40, 38.0,
                                                                               0.7, 1.5)]}  # fmt: skip
    points = key_points(report)
    assert any(p.startswith("Inget sticker ut") for p in points)
    assert any("ingen säker skillnad" in p for p in points)


def test_a_flag_is_told_with_its_interval_and_a_silent_source_comes_first():
    report = {
        "sources_check": {"missing_now": ["Polisens händelser"], "excluded": ["Polisens händelser"]},
        "categories": [row("klotter", "up", 40, 12.0, 1.9, 5.2, 0.001), row("_total", "no_change", 60, 50.0, 0.8, 1.6)],
        "spatial": {"hotspots": [{"where": {"kind": "at", "place": "Stora torget"}, "count": 9, "level": 95}]},
    }
    points = key_points(report)
    assert points[0].startswith("Polisens händelser saknas")
    assert "Klotter: fler än vanligt, 40 mot ungefär 12" in points[1] and "+90 % till +420 %" in points[1]
    assert points[2].startswith("Utan Polisens händelser: totalt 60")
    assert "Stora torget: 9" in points[3] and "95 %" in points[3]
    assert len(points) <= KEY_POINTS and not any("∞" in p for p in points)


def test_weeks_are_named_by_their_dates():
    assert week_label(parse_period("2026-W49")) == "vecka 49, 30 nov – 6 dec 2026"
    assert week_label(parse_period("2026-W01")) == "vecka 1, 29 dec 2025 – 4 jan 2026"


def test_year_on_year_folds_small_rows_and_gives_no_percent_on_small_counts():
    table = year_on_year({"a": 30, "b": 3, "c": 6}, {"a": 20, "b": 1, "c": 2}, {"a": "A", "b": "B", "c": "C"})
    assert [(r["label"], r["change"], r["percent"]) for r in table["rows"]] == [("A", 10, 50), ("C", 4, None)]
    assert table["folded"] == {"now": 3, "last": 1, "categories": 1, "change": 2}
    assert table["total"] == {"now": 39, "last": 23, "change": 16, "percent": 70}
    assert year_on_year({"a": 1}, None, {})["available"] is False


def test_a_period_in_progress_says_so_first_with_the_last_day_counted():
    week = {"start": "2026-11-30", "end": "2026-12-06"}
    running = {"period": week, "coverage": {"days": 3}, "totals": {"incidents": 17},
               "categories": [row("_total", "too_few", 17, 20.0)]}  # fmt: skip
    said = "Perioden är inte slut: 17 händelser till och med 2 december, jämförda som antal per dag."
    assert key_points(running) == [said]
    over = {**running, "coverage": {"days": 7}}
    assert key_points(over) == []


def test_an_interval_from_a_halving_to_a_doubling_is_too_uncertain_not_as_usual():
    wide = {**row("_total", "no_change", 12, 13.0, 0.1, 9.4), "wide": True}
    points = key_points({"categories": [wide]})
    assert points == ["Totalt 12 händelser: för osäkert för att säga om det är fler eller färre än vanligt "
                      "(ungefär 13 väntade)."]  # fmt: skip


def test_when_the_main_source_is_left_out_the_report_says_no_comparison_was_possible():
    report = {"totals": {"incidents": 475}, "sources_check": {"excluded": ["Polisens händelser"]},
              "categories": [row("_total", "too_few", 0, 0.0)]}  # fmt: skip
    assert key_points(report)[0].startswith("Ingen jämförelse med tidigare perioder: utan Polisens händelser")


def test_one_earlier_period_only_is_said_with_the_counts_and_no_verdict():
    report = {"coverage": {"compared_labels": ["år 2024"]}, "categories": [row("_total", "short_history", 475, 395.9)]}
    said = ("Totalt 475 händelser, ungefär 396 väntade utifrån år 2024: bara en tidigare period, för kort historik för "
            "att skilja en förändring från den vanliga variationen mellan perioder.")  # fmt: skip
    assert key_points(report) == [said]


def test_chart_axes_name_periods_by_their_dates():
    from trygg.situation.plain import axis_label

    assert axis_label(parse_period("2026-W38")) == "v. 38 (14/9–20/9)"
    assert axis_label(parse_period("2026-W01")) == "v. 1 (29/12–4/1)"
    assert axis_label(parse_period("2025-T1")) == "T1 2025 (jan–apr)"
    assert axis_label(parse_period("2026-11")) == "nov 2026" and axis_label(parse_period("2025")) == "2025"


def test_a_row_is_too_uncertain_when_its_interval_is_wide_on_either_side():
    from trygg.situation.builder import too_uncertain

    assert too_uncertain(0.68, 18.28)  # a doubling and far more, no halving: still too wide to say "no difference"
    assert too_uncertain(0.01, 1.80) and too_uncertain(0.4, 2.5) and too_uncertain(None, 3.0)
    assert not too_uncertain(0.56, 2.14) and not too_uncertain(0.8, 1.3)


def test_a_period_without_any_source_says_there_are_no_data_not_zero_incidents():
    report = {"totals": {"incidents": 0}, "sources_check": {"sources": [], "excluded": []},
              "categories": [row("_total", "too_few", 0, 0.0)]}  # fmt: skip
    assert key_points(report) == [
        "Ingen källa har några händelser i perioden eller i perioderna den jämförs med: det "
        "finns inga uppgifter att redovisa, vilket inte är detsamma som inga händelser."
    ]
