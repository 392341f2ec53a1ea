"""The residents' public map per category and period: k per selection, no differencing, places instead of points.

Incidents are planted in known 250 m squares (SWEREF 99 TM squares computed here with pyproj, not with the
grid module), in whole weeks that have ended, and the page is read as a visitor would read it: the JSON for the map
and the table. The page shows the day's release, every count in steps of k (``test_public_map_releases``).
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import json
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from pyproj import Transformer

from tests.factories import make_incident
from trygg.incidents.models import Category

pytestmark = pytest.mark.django_db

K = 5
CELL = 250
TO_GRID = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True)
TO_LONLAT = Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True)
_x, _y = TO_GRID.transform(13.5035, 59.3794)  # Stora torget
X0, Y0 = (_x // CELL) * CELL + CELL / 2, (_y // CELL) * CELL + CELL / 2  # centre of Stora torget's square


def point(east: int, north: int, i: int) -> tuple[float, float]:
    """(lat, lon) of the i-th incident in the square ``east``/``north`` squares from Stora torget's: within
    20 m of the square's centre."""
    lon, lat = TO_LONLAT.transform(X0 + east * CELL + (i % 3 - 1) * 20, Y0 + north * CELL + (i // 3 % 3 - 1) * 20)
    return lat, lon


def square_of(polygon) -> tuple[int, int]:
    """Which planted square a published polygon ([[lon, lat], …], closed ring) is."""
    xs, ys = zip(*(TO_GRID.transform(lon, lat) for lon, lat in polygon[:4]), strict=True)
    return round((sum(xs) / 4 - X0) / CELL), round((sum(ys) / 4 - Y0) / CELL)


# the start of this week (local time): the page counts the whole weeks before it
MONDAY = dt.datetime.combine(
    timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday()),
    dt.time.min,
    timezone.get_current_timezone(),
)


def steps(n: int) -> int:
    """A count as the page publishes it: the lower end of its band of k (7 → 5, 10 → 10, 4 → not shown)."""
    return n // K * K


def release() -> None:
    """A new release of the map (the scheduled job, run at once as an operator would): the page shows it."""
    call_command("jobs", "run", "public_map_release")


def plant(org, square, n, category, days=3, visibility="public", **extra):
    when = MONDAY - dt.timedelta(days=days)
    for i in range(n):
        make_incident(
            org=org,
            category=category,
            visibility=visibility,
            point=point(*square, i),
            when=when - dt.timedelta(hours=i),
            **extra,
        )


# The planted squares: (east, north) → {category: count}, all public, exact, 3 days before this week unless said
# otherwise.
A, B, C, D, E, F, G, H, X = (0, 0), (4, 0), (0, 4), (0, -4), (-4, 0), (8, 0), (0, 8), (-8, 0), (8, 8)
RECENT = {
    A: {"klotter": 6},
    B: {"klotter": 5, "skadegorelse": 2},  # the differencing trap: all 7, graffiti 5 → 2 vandalism
    C: {"skadegorelse": 4, "nedskrapning": 6},  # vandalism k − 1; littering 6 = 10 − 4
    D: {"vald_hot": 4},  # k − 1 alone
    E: {"ovrigt": 3},
    F: {"brand": 6},
    G: {"nedskrapning": 5, "skadegorelse": 5},
}


@pytest.fixture
def planted(demo_orgs):
    org = demo_orgs["orgs"]["centrum-karlstad"]
    for square, counts in RECENT.items():
        for category, n in counts.items():
            plant(org, square, n, category)
    plant(org, H, 5, "brand", days=20 * 7)  # 20 weeks before this week: in 26 and 52 weeks, not in 4 or 12
    # never counted: not public, or not placed to a street or better
    plant(org, X, 10, "klotter", visibility="partners")
    plant(org, X, 10, "klotter", visibility="internal")
    plant(org, X, 10, "klotter", precision="municipality")
    plant(org, X, 10, "klotter", precision="district")
    return org


def view(client, category="", weeks=None):
    query = {"kategori": category} if category else {}
    if weeks is not None:
        query["weeks"] = weeks
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/karta/1780/", query)
    assert response.status_code == 200
    page = response.content.decode()
    cells = json.loads(re.search(r'<script id="public-cells" type="application/json">(.*?)</script>', page, re.S)[1])
    table = re.search(r'<table class="public-squares".*?</table>', page, re.S)[0]
    rows = []
    for row in re.findall(r"<tbody>(.*?)</tbody>", table, re.S)[0].split("</tr>"):
        cols = [
            html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        if len(cols) >= 3:
            rows.append(cols)
    return {
        "page": page,
        "cells": {square_of(c["polygon"]): c["low"] for c in cells},
        "bands": {square_of(c["polygon"]): (c["low"], c["high"]) for c in cells},
        "json": cells,
        "rows": rows,
        "table": table,
        "context": response.context,
    }


def expected(category="", weeks=12) -> dict:
    """What must be shown, worked out by hand from the planted squares (see the module ``publicmap`` for the
    rule): a square shows a category only with ≥ k of it, and not where "all" minus it would leave 1…k−1. These
    are the exact counts; the page gives their bands (``steps``)."""
    by_view = {
        ("", 12): {A: 6, B: 7, C: 10, F: 6, G: 10},
        ("klotter", 12): {A: 6},  # B has 5 graffiti, but "all" (7) − 5 would reveal 2 vandalism
        ("skadegorelse", 12): {G: 5},  # C has 4 (< k); B has 2
        ("nedskrapning", 12): {G: 5},  # C has 6, but 10 − 6 = 4 vandalism would be revealed
        ("brand", 12): {F: 6},
        ("vald_hot", 12): {},
        ("ovrigt", 12): {},
        ("brand", 26): {F: 6, H: 5},
        ("", 26): {A: 6, B: 7, C: 10, F: 6, G: 10, H: 5},
    }
    return by_view[(category, weeks)]


@pytest.mark.parametrize(
    ("category", "weeks"),
    [
        ("", 12),
        ("klotter", 12),
        ("skadegorelse", 12),
        ("nedskrapning", 12),
        ("brand", 12),
        ("vald_hot", 12),
        ("ovrigt", 12),
        ("brand", 26),
        ("", 26),
    ],
)
def test_squares_appear_exactly_where_the_selection_has_at_least_k(client, planted, category, weeks):
    shown = view(client, category, weeks)
    assert shown["cells"] == {square: steps(n) for square, n in expected(category, weeks).items()}
    assert all(high == low + K - 1 for low, high in shown["bands"].values())


def test_a_category_below_k_is_never_shown_not_even_among_the_main_categories(client, planted):
    from django.utils import translation

    with translation.override("en"):
        vandalism, littering, graffiti = (
            Category.objects.current().get(code=c).label for c in ("skadegorelse", "nedskrapning", "klotter")
        )
    overview = view(client)
    main = {row[0]: row[3] for row in overview["rows"]}
    by_square = {square_of(c["polygon"]): c["place"] for c in overview["json"]}
    assert main[by_square[A]] == graffiti  # 6 graffiti, nothing else
    assert main[by_square[B]] == "–"  # 5 graffiti + 2 vandalism: graffiti is not named (7 − 5 = 2)
    assert vandalism not in main[by_square[C]] and littering not in main[by_square[C]]
    assert set(main[by_square[G]].split(", ")) == {vandalism, littering}  # 5 and 5: both reach k, 10 − 5 = 5
    assert D not in view(client, "vald_hot")["cells"] and C not in view(client, "skadegorelse")["cells"]
    for category in ["", *Category.objects.current().filter(in_statistics=True).values_list("code", flat=True)]:
        for weeks in (4, 12, 26, 52):
            assert all(n >= K for n in view(client, category, weeks)["cells"].values())


def hidden_range(hidden: dict) -> tuple[int, int]:
    """The range of the count in squares not shown, as the legend states it."""
    if hidden["kind"] == "band":
        return hidden["low"], hidden["high"]
    if hidden["kind"] == "fewer":
        return 0, hidden["n"] - 1
    return hidden["n"] - hidden["step"] // 2, hidden["n"] + hidden["step"] // 2 - 1


def test_no_small_count_can_be_derived_by_subtracting_published_numbers(client, planted):
    """The attacker reads every view (every category × every period) and subtracts whatever is nested. Each
    number is a range (a band of k), so what they derive is a range too: it must never pin a count to 1 … k−1
    (every value in it small and not 0)."""
    codes = list(Category.objects.current().filter(in_statistics=True).values_list("code", flat=True))
    published: dict[tuple, dict] = {}  # square → {(category, weeks): (low, high)}
    totals = {}
    for category, weeks in itertools.product(["", *codes], (4, 12, 26, 52)):
        seen = view(client, category, weeks)
        for square, band in seen["bands"].items():
            published.setdefault(square, {})[(category, weeks)] = band
        hidden = seen["context"]["data"]["hidden"]
        if hidden["kind"] == "band" or (hidden["kind"] == "fewer" and hidden["n"] == K):  # the total is given
            low, high = hidden_range(hidden)
            totals[(category, weeks)] = (
                sum(b[0] for b in seen["bands"].values()) + low,
                sum(b[1] for b in seen["bands"].values()) + high,
            )
    assert published[B][("", 12)] == (5, 9)  # the trap is there (7) …
    assert ("klotter", 12) not in published[B]  # … and graffiti in B is not, so 7 − 5 cannot be done

    def contains(big, small):
        return (big[0] == "" or big[0] == small[0]) and big[1] >= small[1] and big != small

    def safe(low, high):
        return not (max(low, 0) >= 1 and high <= K - 1)

    for square, numbers in published.items():
        for big, small in itertools.permutations(numbers, 2):
            if contains(big, small):
                difference = (numbers[big][0] - numbers[small][1], numbers[big][1] - numbers[small][0])
                assert safe(*difference), (square, big, small, numbers)
        for weeks in (4, 12, 26, 52):
            if ("", weeks) in numbers:  # all minus every category shown for the same square and period
                parts = [band for (c, w), band in numbers.items() if c and w == weeks]
                rest = (
                    numbers[("", weeks)][0] - sum(p[1] for p in parts),
                    numbers[("", weeks)][1] - sum(p[0] for p in parts),
                )
                assert safe(*rest), (square, weeks, numbers)
    for (category, weeks), (low, high) in totals.items():  # the municipality's total minus a square's number
        for square, numbers in published.items():
            for selection, band in numbers.items():
                if selection == (category, weeks) or contains((category, weeks), selection):
                    assert safe(low - band[1], high - band[0]), (category, weeks, square, selection)
    assert totals[("", 12)][0] <= 46 <= totals[("", 12)][1]  # the municipality's total: 7 hidden ≥ k, as 5–9


def test_only_public_incidents_placed_to_a_street_or_better_are_counted(client, planted):
    for category in ("", "klotter"):
        for weeks in (4, 12, 26, 52):
            assert X not in view(client, category, weeks)["cells"]
    overview = view(client)
    planted_counted = sum(sum(c.values()) for c in RECENT.values())  # 46, all within 12 weeks
    low, high = hidden_range(overview["context"]["data"]["hidden"])
    assert (low, high) == (5, 9)  # D and E: 4 + 3, in the band of k
    assert sum(b[0] for b in overview["bands"].values()) + low <= planted_counted
    assert planted_counted <= sum(b[1] for b in overview["bands"].values()) + high


def test_the_period_changes_what_is_counted(client, planted):
    assert H not in view(client, "", 12)["cells"] and H not in view(client, "brand", 4)["cells"]
    assert view(client, "", 26)["cells"][H] == 5 and view(client, "brand", 52)["cells"][H] == 5
    legend = view(client, "brand", 26)["page"]
    first = (MONDAY - dt.timedelta(weeks=26)).date()
    last = (MONDAY - dt.timedelta(days=1)).date()
    assert f"in the 26 whole weeks from {first.day} {first:%B %Y} to {last.day} {last:%B %Y}" in legend


@pytest.mark.parametrize(
    "query",
    [
        "weeks=abc",
        "weeks=13",
        "weeks=-12",
        "weeks=",
        "weeks=1e3",
        "kategori=nonsense",
        "kategori=sammanfattning",
        "kategori=%FF&weeks=%FF",
        "kategori=klotter&kategori=brand&weeks=4&weeks=x",
    ],
)
def test_bad_parameters_fall_back_to_the_defaults(client, planted, query):
    response = client.get("/karta/1780/?" + query)
    assert response.status_code == 200
    data = response.context["data"]
    if "kategori=klotter&kategori=brand" not in query:
        assert data["weeks"] == 12 and data["category"] == ""
        default = view(client)["context"]["data"]["cells"]
        assert [(c["low"], c["polygon"]) for c in data["cells"]] == [(c["low"], c["polygon"]) for c in default]


def test_the_table_names_places_and_the_page_carries_no_points(client, planted):
    seen = view(client)
    places = {square_of(c["polygon"]): c["place"] for c in seen["json"]}
    assert places[A] == "At Stora torget"
    assert re.fullmatch(r"(9|10|11)\d0 m east of Stora torget", places[B]), places[B]  # 1000 m, the square's size
    assert [row[0] for row in seen["rows"]] == [c["place"] for c in seen["json"]]
    assert not re.search(r"\d+\.\d{3,}", seen["table"])  # no coordinates in the table
    assert all(set(c) == {"low", "high", "class", "polygon", "place"} for c in seen["json"])
    for square, counts in RECENT.items():
        for i in range(max(counts.values())):
            lat, lon = point(*square, i)
            assert f"{lat:.4f}" not in seen["page"] and f"{lon:.4f}" not in seen["page"]


def test_the_legend_states_k_the_classes_the_period_and_the_hidden_count(client, planted):
    page = view(client)["page"]
    legend = re.search(r'<section class="public-map-legend".*?</section>', page, re.S)[0]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.unescape(legend)))
    assert "in the 12 whole weeks from" in text and "250 × 250 m" in text
    assert "updated once a day" in text and "shown in steps of 5 (5–9, 10–14 …)" in text
    assert f"Last updated: {timezone.localdate().day} {timezone.localdate():%B %Y}" in text
    assert "5–9 reports" in text and "10–19 reports" in text and "20 reports or more" in text
    assert "Squares with fewer than 5 reports" in text
    assert "5–9 reports are in such squares and are not shown." in text  # 7, in its band
    assert "made public" in text and "placed to a street or better" in text
    rows = {tuple(row[:3]) for row in view(client)["rows"]}
    assert ("At Stora torget", "5–9", "5–9") in rows  # 6; the class also in words, not only in colour


def test_the_hidden_count_is_withheld_when_it_would_be_below_k(client, demo_orgs):
    org = demo_orgs["orgs"]["centrum-karlstad"]
    plant(org, A, 6, "klotter")
    plant(org, D, 4, "vald_hot")  # the only other reports: "4 hidden" would be a count below k
    seen = view(client)
    assert seen["cells"] == {A: 5}
    assert seen["context"]["data"]["hidden"] == {"kind": "fewer", "n": 10}
    assert "4 reports" not in seen["page"]
    assert "Fewer than 10 reports are in such squares" in seen["page"]  # a range at least 2k wide
    # 16 hidden in the last 12 weeks (D and three more squares with 4 each) would be ≥ k, but D also has 4
    # older ones: D is shown for 26 weeks (8), and "12-week total − shown squares" next to it would not be
    # safe to give exactly (the rule cannot tell it apart from D's 4 in 12 weeks): "about 20", not 16
    plant(org, D, 4, "vald_hot", days=20 * 7)
    for square in [(0, -8), (0, -12), (0, -16)]:
        plant(org, square, 4, "vald_hot")
    assert view(client)["cells"] == {A: 5} and "Fewer than 10" in view(client)["page"]  # the day's release
    release()
    seen = view(client)
    assert seen["context"]["data"]["hidden"]["kind"] == "about"
    assert "About 20 reports are in such squares" in seen["page"] and "16 reports" not in seen["page"]
    assert view(client, "", 26)["cells"] == {A: 5, D: 5}  # 6 and 8


def test_generated_demo_data_is_labelled(client, demo_orgs):
    org = demo_orgs["orgs"]["centrum-karlstad"]
    plant(org, A, 6, "klotter")
    assert 'class="notice generated"' not in view(client)["page"]
    make_incident(
        org=org, visibility="public", point=point(*A, 7), is_generated=True, when=MONDAY - dt.timedelta(days=2)
    )
    release()
    page = view(client)["page"]
    assert 'class="notice generated"' in page and "generated demo data" in page
    assert view(client)["cells"] == {A: 5}  # 7
