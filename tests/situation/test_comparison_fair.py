"""Karlstad against Örebro like for like (issue 24, scope 5).

Hand-placed police events — placed in a municipality, or published only for its county — and partner reports,
with populations set in the test; and the pure statistics of :mod:`trygg.analysis.ratio` on seeded weekly
counts. Before this change the comparison counted only the events placed in a municipality, put the partners'
reports into an "all incidents" ratio, gave Poisson-only intervals and showed a Gini over whole municipalities.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from django.template.defaultfilters import floatformat
from django.utils import timezone, translation

from tests.factories import make_incident
from trygg.analysis import ratio
from trygg.analysis.rates import rate_ratio
from trygg.incidents.models import Category, Incident
from trygg.orgs.models import Municipality

TZ = timezone.get_default_timezone()
URL = "/lagesbild/jamforelse/?m=1780&m=1880&period=2026-03"


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), TZ)


def set_populations(county: str, own: str, own_population: int, other_population: int) -> str:
    """The municipality ``own`` gets ``own_population``, one other municipality of the county all the rest of
    ``other_population``, every other one 0; returns the other's code."""
    others = list(Municipality.objects.filter(county_id=county).exclude(code=own).order_by("code"))
    Municipality.objects.filter(county_id=county).update(population=0)
    Municipality.objects.filter(code=own).update(population=own_population)
    Municipality.objects.filter(code=others[0].code).update(population=other_population)
    return others[0].code


def police(municipality: str | None, county: str, day: int, n: int, tag: str) -> None:
    where = {"municipality": municipality} if municipality else {"municipality": None, "county": county}
    for i in range(n):
        make_incident(**where, source="police", visibility="public", category="trafik",
                      precision="county" if municipality is None else "municipality",
                      external_id=f"{tag}{i}", when=at(dt.date(2026, 3, 1 + (day + 3 * i) % 28)))  # fmt: skip


@pytest.fixture
def world(demo_orgs):
    """Karlstad 100 000 of Värmland's 400 000 (weight 1/4), Örebro 150 000 of Örebro län's 250 000 (3/5).
    March 2026: Karlstad 8 placed + 12 county-level police events, Örebro 9 placed + 5 county-level."""
    set_populations("17", "1780", 100_000, 300_000)
    set_populations("18", "1880", 150_000, 100_000)
    police("1780", "17", 2, 8, "k")
    police(None, "17", 3, 12, "v")
    police("1880", "18", 2, 9, "o")
    police(None, "18", 4, 5, "l")
    return demo_orgs


def fetch(client, query: str = "") -> dict:
    return client.get(URL + "&format=json" + query).json()


@pytest.mark.django_db
def test_county_events_are_shared_by_population(login, world):
    data = fetch(login(world["users"]["karlstad.samordnare"]))
    rows = {m["code"]: m for m in data["municipalities"]}
    # by hand: Karlstad 8 + 12 · 100 000/400 000 = 11, Örebro 9 + 5 · 150 000/250 000 = 12
    karlstad, orebro = rows["1780"], rows["1880"]
    assert karlstad["county"]["weight"] == pytest.approx(0.25)
    assert orebro["county"]["weight"] == pytest.approx(0.6)
    assert karlstad["police"]["placed"] == {"count": 8, "rate": 0.8}
    assert orebro["police"]["placed"] == {"count": 9, "rate": 0.6}
    assert karlstad["police"]["apportioned"]["count"] == pytest.approx(11.0)
    assert orebro["police"]["apportioned"]["count"] == pytest.approx(12.0)
    assert karlstad["police"]["apportioned"]["rate"] == pytest.approx(1.1)
    assert orebro["police"]["apportioned"]["rate"] == pytest.approx(0.8)
    assert karlstad["police"]["county_share"] == pytest.approx(3 / 11, abs=1e-4)
    assert orebro["police"]["county_share"] == pytest.approx(3 / 12, abs=1e-4)


@pytest.mark.django_db
def test_the_headline_ratio_uses_the_shared_counts_and_partner_reports_stay_apart(login, world):
    client = login(world["users"]["karlstad.samordnare"])
    before = fetch(client)
    for i in range(30):  # a busy partner in Karlstad: the police comparison must not move
        make_incident(org=world["orgs"]["centrum-karlstad"], when=at(dt.date(2026, 3, 1 + i % 28)))
    make_incident(source="tip", when=at(dt.date(2026, 3, 9)))
    data = fetch(client)
    r = data["police_ratio"]
    assert r["basis"] == "apportioned"
    assert r["ratio"] == pytest.approx((11 / 100_000) / (12 / 150_000), abs=1e-3)  # 1.375
    assert r["placed_ratio"] == pytest.approx((8 / 100_000) / (9 / 150_000), abs=1e-3)  # 1.333
    assert r == before["police_ratio"]
    assert [m["rate"] for m in data["municipalities"]] == [m["rate"] for m in before["municipalities"]]
    karlstad = next(m for m in data["municipalities"] if m["code"] == "1780")
    assert karlstad["partners"]["count"] == 31 and karlstad["partners"]["organisations"] == 1
    assert karlstad["partners"]["rate"] == pytest.approx(31 * 10_000 / 100_000)
    assert "rate_ratio" not in data and "all" not in karlstad  # no ratio mixes the police and the partners
    assert all(set(m["partners"]) == {"count", "rate", "organisations", "by_source", "generated"}
               for m in data["municipalities"])  # fmt: skip
    # the interval is never narrower than chance alone, and finite
    assert r["low"] <= r["poisson_low"] < r["ratio"] < r["poisson_high"] <= r["high"] < math.inf
    assert r["different"] is False  # 11 against 12 events
    # the CSV table carries the same ratio and interval (Swedish decimals)
    table = client.get(URL + "&format=csv").content.decode("utf-8-sig").splitlines()
    rows = {line.split(";")[0]: line.split(";")[1:] for line in table}
    ratio = rows[f"Kvot av polisens händelser per 10 000, {r['a']} / {r['b']}"]
    assert ratio[0] == f"{r['ratio']:.2f}".replace(".", ",")
    assert rows["Kvotens intervall från"][0] == f"{r['low']:.2f}".replace(".", ",")
    mix = {key.split(": ", 1)[1]: values for key, values in rows.items() if key.startswith("Kategorifördelning")}
    shown = {c["label"] + " (%)": c["code"] for c in data["categories"]}
    assert set(shown) <= set(mix) and mix  # the category mix as on the page, a column per municipality
    for label, code in shown.items():
        assert mix[label] == [f"{100 * m['mix'].get(code, 0):.1f}".replace(".", ",") for m in data["municipalities"]]


@pytest.mark.django_db
def test_the_page_renders_without_gini_and_says_which_rate_the_ratio_uses(login, world):
    client = login(world["users"]["karlstad.samordnare"])
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    data = fetch(client)
    assert "gini" not in html.lower() and "concentration" not in data["municipalities"][0]
    assert "gini" not in str(data).lower()
    r = data["police_ratio"]
    with translation.override("sv"):
        expected = [floatformat(r["low"], 2), floatformat(r["high"], 2), floatformat(1.1, 1), floatformat(0.8, 1)]
    assert all(text in html for text in expected), expected
    assert "∞" not in html and "inf" not in str(data).lower()


@pytest.mark.django_db
def test_a_missing_police_feed_is_named_and_not_compared(login, demo_orgs):
    """Police traffic events, 1 + Poisson(1) a day in both municipalities from March 2025; Örebro's stop on
    1 February 2026. March 2026 compares no police figures."""
    rng = np.random.default_rng(24)
    traffic = Category.objects.current().get(code="trafik")
    rows = []
    day = dt.date(2025, 3, 1)
    while day < dt.date(2026, 4, 1):
        for code, county in (("1780", "17"), ("1880", "18")):
            if code == "1880" and day >= dt.date(2026, 2, 1):
                continue
            for i in range(1 + int(rng.poisson(1.0))):
                rows.append(Incident(category=traffic, municipality_id=code, county_id=county, lat=59.3, lon=14.0,
                                     precision="municipality", occurred_start=at(day), reported_at=at(day),
                                     source="police", visibility="public", external_id=f"{code}{day}{i}"))  # fmt: skip
        day += dt.timedelta(days=1)
    Incident.objects.bulk_create(rows, batch_size=2000)
    client = login(demo_orgs["users"]["karlstad.samordnare"])
    data = fetch(client)
    assert data["police_compared"] is False and data["police_ratio"] is None
    assert [(g["municipality"], g["what"], g["from"]) for g in data["missing"]] == [("Örebro", "police", "2026-02-01")]
    assert client.get(URL).status_code == 200
    earlier = client.get("/lagesbild/jamforelse/?m=1780&m=1880&period=2025-11&format=json").json()
    assert earlier["police_compared"] is True and earlier["missing"] == []
    r = earlier["police_ratio"]
    assert r["units"] >= 30 and r["dispersion_checked"]  # the weeks since March 2025 estimate the dispersion
    assert r["low"] <= r["poisson_low"] < r["poisson_high"] <= r["high"]


# -- the pure statistics ---------------------------------------------------------------------------------
def test_the_dispersion_by_hand():
    # n = (40, 40), N = 80, p = 1/2: Σ (a − n p)² = 200, expected 1/4 · (80 − 3200/80) = 10, raw 20, df 1 → ×3
    d = ratio.dispersion([10, 30], [30, 10], min_df=1)
    assert (d.raw, d.df, d.phi) == (pytest.approx(20.0), 1, pytest.approx(60.0))
    assert ratio.dispersion([10, 30], [30, 10]).checked is False  # fewer than MIN_DF degrees of freedom
    assert ratio.dispersion([5], [7], min_df=0).checked is False  # one time unit: cannot be estimated
    assert ratio.dispersion([4, 4, 4, 4], [4, 4, 4, 4]).phi == 1.0  # never below 1
    # a weighted count: two events of weight 1 and two of 1/4 → Σw² / Σw = 2.125 / 2.5
    assert ratio.variance_factor([1, 1, 0.25, 0.25]) == pytest.approx(0.85)


def test_no_ratio_without_events_on_both_sides_and_never_infinite():
    r = ratio.ratio_interval(12, 100_000, 0, 150_000)
    assert (r.ratio, r.low, r.high, r.different) == (None, None, None, False)
    rate, low, high = ratio.rate_interval(0, 100_000)
    assert rate == low == 0 and 0 < high < math.inf


def weekly(rng, mean: float, weeks: int, shape: float = 2.0) -> np.ndarray:
    """Weekly counts whose rate varies by an independent gamma factor of ``shape`` (mean 1) each week."""
    return rng.poisson(mean * rng.gamma(shape, 1.0 / shape, weeks))


def test_overdispersed_weeks_widen_the_interval_beyond_poisson():
    rng = np.random.default_rng(2026)
    a, b = weekly(rng, 60.0, 57), weekly(rng, 90.0, 57)
    count_a, count_b = int(a[-5:].sum()), int(b[-5:].sum())
    wide = ratio.compare_rates(count_a, 100_000, count_b, 150_000, a, b)
    narrow = ratio.ratio_interval(count_a, 100_000, count_b, 150_000)
    exact = rate_ratio(count_a, 100_000, count_b, 150_000)  # the old comparison's interval
    assert wide.dispersion.phi > 5
    assert wide.ratio == pytest.approx(narrow.ratio)
    assert wide.low < narrow.low < exact.high < wide.high
    assert wide.high / wide.low > 2 * (exact.high / exact.low)
    # Poisson weeks: the dispersion stays near 1 and the interval near Poisson's
    calm_a, calm_b = rng.poisson(60.0, 57), rng.poisson(90.0, 57)
    calm = ratio.compare_rates(int(calm_a[-5:].sum()), 100_000, int(calm_b[-5:].sum()), 150_000, calm_a, calm_b)
    assert calm.dispersion.phi < 1.6


def test_equal_rates_with_gamma_weeks_are_called_different_about_five_percent_of_the_time():
    """200 seeded replicates: Karlstad and Örebro with the same rate, weekly gamma(shape 2) variation of each,
    the period the last 5 of 57 weeks. At most 5 % + two Monte Carlo standard errors are called different; the
    Poisson-only test of the old comparison calls most of them different."""
    rng = np.random.default_rng(5)
    reps, different, poisson_different = 200, 0, 0
    for _ in range(reps):
        a, b = weekly(rng, 40.0, 57), weekly(rng, 60.0, 57)
        count_a, count_b = int(a[-5:].sum()), int(b[-5:].sum())
        different += ratio.compare_rates(count_a, 100_000, count_b, 150_000, a, b).different
        poisson_different += rate_ratio(count_a, 100_000, count_b, 150_000).p_value < 0.05
    limit = 0.05 + 2 * math.sqrt(0.05 * 0.95 / reps)
    assert different / reps <= limit
    assert poisson_different / reps > 0.3


def test_a_real_difference_is_still_found():
    rng = np.random.default_rng(7)
    found = 0
    for _ in range(100):
        a, b = weekly(rng, 80.0, 57, shape=8.0), weekly(rng, 60.0, 57, shape=8.0)  # rate ratio 2 per resident
        found += ratio.compare_rates(int(a[-17:].sum()), 100_000, int(b[-17:].sum()), 150_000, a, b).different
    assert found >= 80
