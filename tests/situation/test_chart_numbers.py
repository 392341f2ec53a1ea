"""Charts write numbers the Swedish way, as the tables do: decimal comma, a no-break space between thousands."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from tests.factories import make_incident
from trygg.core.rendering import number, plt, to_png, to_svg
from trygg.orgs.models import Municipality
from trygg.situation import charts
from trygg.situation.service import builder_for, options_from_settings

TZ = timezone.get_default_timezone()
DECIMAL_POINT = re.compile(r"\d\.\d")


def svg_texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


@pytest.mark.django_db
def test_the_series_chart_of_a_real_report_has_decimal_commas_on_its_axis(demo_orgs):
    org = demo_orgs["orgs"]["centrum-karlstad"]
    for day in (dt.date(2025, 2, 10), dt.date(2025, 3, 3), dt.date(2025, 3, 4)):
        make_incident(org=org, when=dt.datetime.combine(day, dt.time(12), TZ))
    builder = builder_for(
        Municipality.objects.get(code="1780"), "2025-03", options=options_from_settings(knox_simulations=19)
    )
    report = builder.build()
    assert max(v for v in report["series"]["total"] if v is not None) == 2  # so the axis needs half steps: 0,5 … 1,5
    texts = svg_texts(charts.series_chart(report))
    assert "1,5" in texts
    assert not [t for t in texts if DECIMAL_POINT.search(t)]


def test_text_labels_and_thousands_in_charts_are_swedish():
    comparison = {"municipalities": [
        {"name": "Karlstad", "rate": {"rate": 1.5, "low": 1.0, "high": 2.25}},
        {"name": "Örebro", "rate": {"rate": 1234.5, "low": 1000.0, "high": 1500.0}},
    ]}  # fmt: skip
    texts = svg_texts(charts.comparison_chart(comparison))
    assert "1,5" in texts and "1\u00a0234,5" in texts  # the labels at the points
    assert "1\u00a0000" in texts  # an axis tick
    assert not [t for t in texts if DECIMAL_POINT.search(t)]
    assert charts.comparison_chart(comparison, render=to_png).startswith(b"\x89PNG")


def test_any_figure_drawn_with_the_shared_pyplot_gets_swedish_ticks():
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0.25, 0.75])
    texts = svg_texts(to_svg(fig))
    assert "0,5" in texts and not [t for t in texts if DECIMAL_POINT.search(t)]


def test_number():
    assert number(1.5) == "1,5"
    assert number(-1.5) == "\u22121,5"
    assert number(1234567.25, 1) == "1\u00a0234\u00a0567,2"
    assert number(2000) == "2\u00a0000"
    assert number(-0.0, 1) == "0,0"
    assert number(0.30000000000000004) == "0,3"
