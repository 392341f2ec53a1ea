"""The lägesbild's CSV tables as a Swedish spreadsheet reads them."""

from __future__ import annotations

import csv
import io

from django.utils import translation

from trygg.situation import csv_tables

ROW = {"code": "klotter", "label": "Klotter", "count": 30, "expected": 12.5, "ratio": 2.4, "low": 1.61, "high": 3.57,
       "confidence": 0.9667, "p_value": 0.00012, "q_value": 0.0018, "dispersion": 1.25, "direction": "up"}  # fmt: skip
TOTAL = {**ROW, "code": "_total", "label": "Totalt", "count": 31, "expected": None, "ratio": None, "low": None,
         "high": None, "direction": "too_few"}  # fmt: skip


def read(table: str, report: dict, language: str) -> list[list[str]]:
    stream = io.StringIO()
    with translation.override(language):
        csv_tables.write(table, report, stream)
    text = stream.getvalue()
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";" if language == "sv" else ","))


def test_categories_in_swedish_with_decimal_commas_and_words():
    rows = read("categories", {"categories": [ROW, TOTAL]}, "sv")
    assert rows[0][:5] == ["Kategori", "Kod", "Antal", "Förväntat", "Kvot"]
    assert rows[1] == ["Klotter", "klotter", "30", "12,50", "2,40", "1,61", "3,57", "96,67", "0,0001", "0,0018",
                       "1,25", "fler än vanligt"]  # fmt: skip
    assert rows[2][:5] == ["Totalt", "", "31", "", ""]  # nothing computed is left empty, not "None"
    assert len(rows) == 3  # no note when no source was left out


def test_a_wide_interval_reads_as_on_the_page_and_a_left_out_source_is_said():
    wide = {**ROW, "direction": "no_change", "wide": True}
    report = {"categories": [wide], "sources_check": {"excluded": ["Polisens händelser"]}}
    rows = read("categories", report, "sv")
    assert rows[1][-1] == "för osäkert för att säga"
    assert rows[-1][0].startswith("Utelämnat ur jämförelsen: Polisens händelser")


def test_in_english_the_decimal_point_and_commas():
    rows = read("categories", {"categories": [ROW]}, "en")
    assert rows[0][:3] == ["Category", "Code", "Count"] and rows[1][3:5] == ["12.50", "2.40"]


def test_series_names_periods_as_on_the_page():
    report = {
        "categories": [ROW],
        "series": {"periods": ["2026-W48", "2026-W49"], "labels": ["vecka 48", "vecka 49"], "covered": [True, False],
                   "total": [5, 7], "by_category": {"klotter": [2, 3], "trafik": [1, 1]},
                   "category_labels": {"trafik": "Trafik"}},
    }  # fmt: skip
    rows = read("series", report, "sv")
    assert rows == [
        ["Period", "Periodkod", "Fullständiga data", "Totalt", "Klotter", "Trafik"],
        ["vecka 48", "2026-W48", "ja", "5", "2", "1"],
        ["vecka 49", "2026-W49", "nej", "7", "3", "1"],
    ]


def test_a_label_that_would_be_a_formula_is_neutralised():
    rows = read("categories", {"categories": [{**ROW, "label": "=HYPERLINK(1)"}]}, "sv")
    assert rows[1][0] == "'=HYPERLINK(1)"
