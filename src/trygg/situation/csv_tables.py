"""The lägesbild's tables as CSV for a spreadsheet in the reader's language.

A coordinator opens the file in Excel or LibreOffice with Swedish settings: the columns are named in words,
numbers have a decimal comma and the fields are separated by semicolons (the list separator where the comma
is the decimal sign), and the file starts with a byte-order mark so that the spreadsheet reads it as UTF-8.
Periods are named as on the page ("vecka 49, 30 nov – 6 dec") beside their code; verdicts are the page's
words. The JSON export keeps the machine-readable values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.formats import get_format
from django.utils.translation import gettext as _

from trygg.core.csv_export import SafeWriter
from trygg.core.numbers import number
from trygg.situation.charts import CLASS_LABEL_SV, WEEKDAYS_SV
from trygg.situation.templatetags.situation_extras import change_label

TABLES = ("categories", "series", "cells", "time_of_week")
BOM = "\ufeff"


def writer_for(stream) -> SafeWriter:
    """A CSV writer whose separator suits the active language's decimal sign (";" beside a decimal comma)."""
    comma_decimal = get_format("DECIMAL_SEPARATOR") == ","
    stream.write(BOM)
    return SafeWriter(stream, delimiter=";" if comma_decimal else ",")


def _num(value: Any, digits: int) -> str:
    """A number with the active language's decimal sign and no thousands separator; empty when missing."""
    if value is None:
        return ""
    return number(value, digits, use_l10n=True, force_grouping=False)


def write(table: str, report: dict, stream) -> None:
    """Write ``table`` (one of ``TABLES``) of ``report`` to ``stream``."""
    writers: dict[str, Callable[[dict, SafeWriter], None]] = {
        "categories": _categories,
        "series": _series,
        "cells": _cells,
        "time_of_week": _time_of_week,
    }
    writers[table](report, writer_for(stream))


def _categories(r: dict, writer: SafeWriter) -> None:
    writer.writerow([_("Category"), _("Code"), _("Count"), _("Expected"), _("Ratio"), _("Interval from"),
                     _("Interval to"), _("Confidence (%)"), _("p-value"), _("q-value (corrected)"),
                     _("Dispersion"), _("Assessment")])  # fmt: skip
    for row in r["categories"]:
        label = _("Total") if row["code"] == "_total" else row["label"]
        confidence = row.get("confidence")
        verdict = _("too uncertain to say") if row.get("wide") else change_label(row["direction"])  # as on the page
        writer.writerow([
            label, "" if row["code"] == "_total" else row["code"], row["count"], _num(row.get("expected"), 2),
            _num(row.get("ratio"), 2), _num(row.get("low"), 2), _num(row.get("high"), 2),
            _num(confidence * 100 if confidence is not None else None, 2), _num(row.get("p_value"), 4),
            _num(row.get("q_value"), 4), _num(row.get("dispersion"), 2), verdict,
        ])  # fmt: skip
    excluded = (r.get("sources_check") or {}).get("excluded") or []
    if excluded:  # the table's total is not the period's: say why, below it
        writer.writerow([_("Left out of the comparison: %(sources)s (missing in a period compared with)")
                         % {"sources": ", ".join(excluded)}])  # fmt: skip


def _series(r: dict, writer: SafeWriter) -> None:
    series = r["series"]
    codes = list(series["by_category"])
    labels = {**{row["code"]: row["label"] for row in r.get("categories", [])}, **(series.get("category_labels") or {})}
    covered = series.get("covered") or [True] * len(series["periods"])
    names = series.get("labels") or series["periods"]
    writer.writerow([_("Period"), _("Period code"), _("Complete data"), _("Total"), *[labels.get(c, c) for c in codes]])
    for i, key in enumerate(series["periods"]):
        counts = [series["by_category"][c][i] for c in codes]
        writer.writerow([names[i], key, _("yes") if covered[i] else _("no"), series["total"][i], *counts])


def _cells(r: dict, writer: SafeWriter) -> None:
    writer.writerow([_("Row"), _("Column"), _("Longitude"), _("Latitude"), _("Count"), _("Incidents in the window"),
                     _("z-score"), _("q-value (corrected)"), _("Class")])  # fmt: skip
    spatial = r.get("spatial") or {}
    for cell in spatial.get("hot_cells", []) + spatial.get("cold_cells", []):
        lon = sum(p[0] for p in cell["polygon"][:4]) / 4
        lat = sum(p[1] for p in cell["polygon"][:4]) / 4
        kind = CLASS_LABEL_SV.get(cell["class"], cell["class"])
        writer.writerow([cell["row"], cell["col"], _num(lon, 6), _num(lat, 6), cell["count"], cell["window"],
                         _num(cell["z"], 2), _num(cell["q"], 4), kind])  # fmt: skip


def _time_of_week(r: dict, writer: SafeWriter) -> None:
    writer.writerow([_("Weekday"), *[f"{h:02d}–{(h + 1) % 24:02d}" for h in range(24)]])
    for day, row in zip(WEEKDAYS_SV, r["time_of_week"], strict=True):
        writer.writerow([day, *row])


def comparison(result: dict, stream) -> None:
    """The municipality comparison's tables (as on its page) as one CSV: a row per figure, a column per
    municipality; the police's interval in columns of its own, every figure in the reader's decimal sign."""
    writer = writer_for(stream)
    towns = result["municipalities"]
    writer.writerow([_("Figure"), *[m["name"] for m in towns]])
    period = result.get("period") or {}
    writer.writerow([_("Period"), *[period.get("label", "") for _m in towns]])

    def line(label: str, values) -> None:
        writer.writerow([label, *values])

    if result.get("police_compared"):
        line(_("Police events placed in the municipality, per 10 000"),
             [_num((m["police"].get("placed") or {}).get("rate"), 1) for m in towns])  # fmt: skip
        line(_("Police events with the county's events shared by population, per 10 000"),
             [_num((m.get("rate") or {}).get("rate"), 1) for m in towns])  # fmt: skip
        line(_("Interval from"), [_num((m.get("rate") or {}).get("low"), 1) for m in towns])
        line(_("Interval to"), [_num((m.get("rate") or {}).get("high"), 1) for m in towns])
        line(_("Of which the county's events shared by population") + " (%)",
             [_num(None if m["police"].get("county_share") is None else 100 * m["police"]["county_share"], 0)
              for m in towns])  # fmt: skip
        line(_("Harm-weighted police events per 10 000 (the county's events shared by population; not tested, one "
               "grave event can decide it)"), [_num(m.get("harm_rate"), 1) for m in towns])  # fmt: skip
    ratio = result.get("police_ratio") or {}
    if result.get("police_compared") and ratio.get("enough"):
        label = _("Ratio of the police events per 10 000, %(a)s / %(b)s") % {"a": ratio["a"], "b": ratio["b"]}
        blank = [""] * (len(towns) - 1)
        line(label, [_num(ratio["ratio"], 2), *blank])
        line(_("The ratio's interval from"), [_num(ratio["low"], 2), *blank])
        line(_("The ratio's interval to"), [_num(ratio["high"], 2), *blank])
    if result.get("police_compared") and result.get("categories"):
        mix = _("Category mix of the police events (the county's events shared by population)")
        for category in result["categories"]:
            line(f"{mix}: {category['label']} (%)",
                 [_num(100 * m["mix"].get(category["code"], 0), 1) for m in towns])  # fmt: skip
        if result.get("more_categories"):
            line(f"{mix}: {_('Other categories')} (%)", [_num(100 * (m.get("mix_rest") or 0), 1) for m in towns])
    line(_("Reported crimes per 100 000 (official)"),
         [_num((m.get("official") or {}).get("value"), 0) for m in towns])  # fmt: skip
    if result.get("partners_compared"):
        line(_("Partner reports in the period"), [_num(m["partners"].get("count"), 0) for m in towns])
        line(_("Partner reports per 10 000"), [_num(m["partners"].get("rate"), 1) for m in towns])
        line(_("Organisations that reported"), [_num(m["partners"].get("organisations"), 0) for m in towns])
        line(_("Of them generated demo data"), [_num(m["partners"].get("generated"), 0) for m in towns])
