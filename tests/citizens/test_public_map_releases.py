"""The public map across time: two snapshots must not isolate one report by subtraction.

The outside check found that two visits a day apart differed by 1 in a square (36 → 35), and that one new public
report moved "Vid Resecentrum" 7 → 8: a single incident, located and dated. Here the map is read as that visitor
reads it — the page in every category × period, its table, legend and the JSON the map draws — before and after
one report is added, removed, hidden, rejected, re-categorised or dated into an old week, with a release made by
the scheduled job (``trygg jobs run public_map_release``) on each of two days. Every number on the page may then
only stay the same or move by at least k; and within one day, the page does not move at all.

Incidents are planted in known 250 m squares (SWEREF 99 TM squares computed here with pyproj) in whole weeks
that had ended before both releases.
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
from trygg.incidents.models import Category, Incident

pytestmark = pytest.mark.django_db

K = 5
CELL = 250
PERIODS = (4, 12, 26, 52)
TO_GRID = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True)
TO_LONLAT = Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True)
_x, _y = TO_GRID.transform(13.4985, 59.3780)  # Resecentrum, Karlstad (a named place of the demo)
X0, Y0 = (_x // CELL) * CELL + CELL / 2, (_y // CELL) * CELL + CELL / 2  # the centre of Resecentrum's square

TODAY = timezone.localdate()
MONDAY = TODAY - dt.timedelta(days=TODAY.weekday() + 7)  # last week's Monday: the releases are made on the
DAY_1, DAY_2 = MONDAY + dt.timedelta(days=1), MONDAY + dt.timedelta(days=2)  # Tuesday and Wednesday after it
WHEN = dt.datetime.combine(MONDAY - dt.timedelta(days=3), dt.time(12), timezone.get_current_timezone())  # a Friday


def point(square: tuple[int, int], i: int) -> tuple[float, float]:
    """(lat, lon) of the i-th incident in ``square`` (east, north squares from Resecentrum's), near its centre."""
    east, north = square
    lon, lat = TO_LONLAT.transform(X0 + east * CELL + (i % 3 - 1) * 20, Y0 + north * CELL + (i // 3 % 3 - 1) * 20)
    return lat, lon


# The planted squares (east, north from Resecentrum's) → {category: count}, public, exact, in the week before MONDAY.
R, A, S, T, G, OLD_SQUARE = (0, 0), (4, 0), (0, 4), (0, -4), (-4, 0), (8, 0)
PLANTED = {
    R: {"klotter": 7},  # the outside check's square: 7 → 8 must not show
    A: {"klotter": 9},  # one more and it is 10
    S: {"skadegorelse": 5},  # one less and it is below k
    T: {"klotter": 10},  # one less and it is 9
    G: {"klotter": 5, "skadegorelse": 5},  # one moved from graffiti to vandalism: 4 and 6
}
OLD = {OLD_SQUARE: {"brand": 4}}  # 20 weeks before MONDAY: one more reported late and it reaches k in 26 and 52 weeks


def plant(org, square, category, n, when=WHEN, start=0, **extra):
    return [
        make_incident(
            org=org,
            category=category,
            visibility="public",
            point=point(square, start + i),
            when=when - dt.timedelta(hours=i),
            **extra,
        )
        for i in range(n)
    ]


@pytest.fixture
def planted(demo_orgs):
    org = demo_orgs["orgs"]["centrum-karlstad"]
    for square, counts in PLANTED.items():
        for category, n in counts.items():
            plant(org, square, category, n)
    for square, counts in OLD.items():
        for category, n in counts.items():
            plant(org, square, category, n, when=WHEN - dt.timedelta(weeks=20))
    return org


def one_added(org):
    plant(org, A, "klotter", 1, start=9)


def one_added_to_resecentrum(org):
    plant(org, R, "klotter", 1, start=7)


def one_reported_late_for_an_old_week(org):
    plant(org, OLD_SQUARE, "brand", 1, when=WHEN - dt.timedelta(weeks=20), start=4)


def one_made_internal(org):
    Incident.objects.filter(pk=in_square(S, "skadegorelse").pk).update(visibility="partners")


def one_rejected(org):
    Incident.objects.filter(pk=in_square(T, "klotter").pk).update(status="rejected")


def one_deleted(org):
    in_square(T, "klotter").delete()


def one_recategorised(org):
    vandalism = Category.objects.current().get(code="skadegorelse")
    Incident.objects.filter(pk=in_square(G, "klotter").pk).update(category=vandalism)


def one_added_and_one_hidden(org):
    one_added(org)
    one_made_internal(org)


def in_square(square, category) -> Incident:
    lat, lon = point(square, 0)
    return Incident.objects.filter(lat=lat, lon=lon, category__code=category).first()


def release(day: dt.date) -> None:
    """The scheduled job, run as an operator would run it for ``day`` at 01:00."""
    call_command("jobs", "run", "public_map_release", "--now", f"{day.isoformat()}T01:00")


def codes() -> list[str]:
    return list(Category.objects.current().filter(in_statistics=True).values_list("code", flat=True))


def words(fragment: str) -> str:
    text = re.sub(r"<time\b.*?</time>", " ", fragment, flags=re.S)  # the release's date: not a count
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text))).strip()


def numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", text)]


def read(client, category="", weeks=12) -> dict:
    """Every number the page publishes for one selection, by where it stands, and the order of the places."""
    query = {"weeks": weeks} | ({"kategori": category} if category else {})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/karta/1780/", query)
    assert response.status_code == 200
    page = response.content.decode()
    found: dict[tuple, int] = {}
    cells = json.loads(re.search(r'<script id="public-cells" type="application/json">(.*?)</script>', page, re.S)[1])
    for c in cells:  # the map's data: everything but the outline and the colour class (an index, not a count)
        for key, value in c.items():
            if key not in ("polygon", "class", "place"):
                found[("map", c["place"], key)] = value
    table = re.search(r'<table class="public-squares".*?</table>', page, re.S)[0]
    body = re.search(r"<tbody>(.*?)</tbody>", table, re.S)[1]
    places = []
    for row in body.split("</tr>"):
        columns = [words(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        if len(columns) >= 3:
            places.append(columns[0])
            for column, text in enumerate(columns[1:], 1):
                for i, n in enumerate(numbers(text)):
                    found[("table", columns[0], column, i)] = n
    legend = re.search(r'<section class="public-map-legend".*?</section>', page, re.S)[0]
    for j, paragraph in enumerate(re.findall(r"<(?:p|li)\b.*?</(?:p|li)>", legend, re.S)):
        for i, n in enumerate(numbers(words(paragraph))):
            found[("legend", j, i)] = n
    main = re.search(r"<main\b.*?</main>", page, re.S)[0]
    rest = words(re.sub(r"<script\b.*?</script>", " ", main.replace(legend, " ").replace(table, " "), flags=re.S))
    for i, n in enumerate(numbers(rest)):
        found[("page", i)] = n
    return {"numbers": found, "places": places, "json_places": [c["place"] for c in cells]}


def read_all(client) -> dict:
    return {(c, w): read(client, c, w) for c, w in itertools.product(["", *codes()], PERIODS)}


def changes_below_k(before: dict, after: dict) -> list:
    """Every published number that moved by 1 … k−1 between two readings of the page (a number that appears or
    disappears counts as moving from or to 0); and every list of places whose order changed while its places
    and numbers stayed."""
    small = []
    for selection in before:
        old, new = before[selection]["numbers"], after[selection]["numbers"]
        for key in old.keys() | new.keys():
            moved = abs(old.get(key, 0) - new.get(key, 0))
            if 0 < moved < K:
                small.append((selection, key, old.get(key), new.get(key)))
        if old == new and before[selection]["places"] != after[selection]["places"]:
            small.append((selection, "order", before[selection]["places"], after[selection]["places"]))
    return small


@pytest.mark.parametrize(
    "change",
    [
        one_added_and_one_hidden,
        one_added,
        one_added_to_resecentrum,
        one_reported_late_for_an_old_week,
        one_made_internal,
        one_rejected,
        one_deleted,
        one_recategorised,
    ],
)
def test_two_releases_around_one_changed_report_differ_by_zero_or_at_least_k(client, planted, change):
    release(DAY_1)
    before = read_all(client)
    assert before[("", 12)]["numbers"], "the planted squares are on the map"
    change(planted)
    release(DAY_2)
    after = read_all(client)
    assert changes_below_k(before, after) == []
    if change is one_added_to_resecentrum:  # 7 → 8: the page is the same (and says "At Resecentrum")
        assert before == after
        assert "At Resecentrum" in before[("", 12)]["places"]
    else:  # the change does show somewhere, by k or more (the test is not blind)
        assert before != after


def test_the_exact_counts_of_the_outside_check_are_not_on_the_page(client, planted):
    release(DAY_1)
    one_added_to_resecentrum(planted)
    release(DAY_2)
    mine = {key[-1]: n for key, n in read(client)["numbers"].items() if key[:2] == ("map", "At Resecentrum")}
    assert mine == {"low": K, "high": 2 * K - 1}  # 8 reports, shown as 5–9 (the map's data has no other number)


def test_two_visits_on_one_day_see_the_same_page_whatever_changed_in_between(client, planted):
    """The page reads the day's release, not the live data: nothing moves within a day, not even by k."""
    first = read_all(client)
    one_added_and_one_hidden(planted)
    plant(planted, T, "klotter", K)  # even five more do not show before the next release
    again = read_all(client)
    assert again == first


def test_the_release_is_a_scheduled_job_after_the_day_has_closed(planted):
    from trygg.core import jobs

    job = jobs.get("public_map_release")
    assert job.schedule == settings.TRYGG_JOB_SCHEDULES["public_map_release"] == "0 1 * * *"


def test_old_releases_are_deleted_but_each_municipality_keeps_its_latest(planted):
    from trygg.citizens.models import PublicMapRelease
    from trygg.citizens.public_map_release import prune
    from trygg.orgs.models import Municipality

    karlstad, orebro = Municipality.objects.get(code="1780"), Municipality.objects.get(code="1880")
    for municipality, days_ago in [(karlstad, 100), (karlstad, 95), (karlstad, 10), (orebro, 200)]:
        PublicMapRelease.objects.create(municipality=municipality, day=TODAY - dt.timedelta(days=days_ago), data={})
    assert prune(TODAY) == 2
    kept = sorted((r.municipality_id, (TODAY - r.day).days) for r in PublicMapRelease.objects.all())
    assert kept == [("1780", 10), ("1880", 200)]  # Örebro's only release stays, however old


def test_a_release_run_between_midnight_and_the_job_is_the_one_shown(planted):
    """After midnight and before the 01:00 job, a run for the day before (the period that has begun) is made after the
    page's first release of the new day: the page shows the release made last (it showed the older one, by day)."""
    from trygg.citizens import public_map_release
    from trygg.orgs.models import Municipality

    karlstad = Municipality.objects.get(code="1780")
    shown_first = public_map_release.make(karlstad, TODAY)  # a visit just after midnight
    release(TODAY - dt.timedelta(days=1))  # the operator runs the job: its period began yesterday at 01:00
    newest = public_map_release.current(karlstad)
    assert newest.pk != shown_first.pk and newest.day == TODAY - dt.timedelta(days=1)
