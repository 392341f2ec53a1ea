"""The map's year of points read on a connection of its own beside the source check's day counts
(``trygg.situation.data.read_beside``): the same report either way, and the read's errors raised where its result is
asked for."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.db import connection, transaction
from django.utils import timezone

from trygg.core.periods import parse_period
from trygg.incidents.models import Category, Incident
from trygg.orgs.models import Municipality
from trygg.situation.builder import Options, build_report
from trygg.situation.data import read_beside

TZ = timezone.get_default_timezone()


@pytest.mark.django_db  # a test's transaction is open: a second connection would not see its data
def test_where_no_second_connection_can_see_the_data_the_read_waits_until_asked():
    calls = []
    result = read_beside(lambda: calls.append(1) or 42)
    assert calls == []  # not started
    assert result() == 42 and result() == 42 and calls == [1]


@pytest.mark.parametrize("in_transaction", [True, False])
@pytest.mark.django_db(transaction=True)
def test_an_error_in_the_read_is_raised_where_its_result_is_asked_for(in_transaction):
    def broken():
        raise ValueError("no such table")

    if in_transaction:
        with transaction.atomic():
            result = read_beside(broken)
    else:
        result = read_beside(broken)  # on PostgreSQL in a thread of its own
    with pytest.raises(ValueError, match="no such table"):
        result()


@pytest.mark.django_db(transaction=True)
def test_the_report_is_the_same_with_the_points_read_beside(demo_orgs):
    if connection.vendor != "postgresql":
        pytest.skip("a second connection sees the same data only on PostgreSQL (SQLite tests run in memory)")
    graffiti = Category.objects.current().get(code="klotter")
    rng = np.random.default_rng(3)
    rows, day, org = [], dt.date(2025, 9, 1), demo_orgs["orgs"]["centrum-karlstad"]
    while day < dt.date(2026, 3, 9):
        when = dt.datetime.combine(day, dt.time(20), TZ)
        for _ in range(int(rng.poisson(3.0))):
            lat, lon = 59.3794 + rng.normal(0, 0.004), 13.5035 + rng.normal(0, 0.008)
            rows.append(Incident(category=graffiti, municipality_id="1780", county_id="17", lat=lat, lon=lon,
                                 precision="exact", occurred_start=when, reported_at=when,
                                 reporter_org=org, visibility="partners"))  # fmt: skip
        day += dt.timedelta(days=1)
    Incident.objects.bulk_create(rows)
    karlstad, week = Municipality.objects.get(code="1780"), parse_period("2026-W10")
    options = Options(knox_simulations=99)
    beside = build_report(karlstad, week, options=options)  # outside a transaction: read on a second connection
    with transaction.atomic():
        here = build_report(karlstad, week, options=options)  # in one: read here
    assert beside["spatial"]["available"] and beside["totals"]["incidents"] > 0
    for report in (beside, here):
        report.pop("generated_at")
    assert beside == here
