"""Rows made beside the inserts (trygg.core.bulk.made_beside): the same rows in the same order, an error where
they are made raised where they are inserted, and an insert that fails stops the making."""

from __future__ import annotations

import threading
import time

import pytest

from trygg.core import bulk


def test_the_rows_come_in_order_across_chunks():
    rows = [(i, f"r{i}") for i in range(bulk.BESIDE_CHUNK * 3 + 7)]
    assert list(bulk.made_beside(iter(rows))) == rows
    assert list(bulk.made_beside(iter([]))) == []


def test_an_error_while_making_the_rows_is_raised_to_the_inserter_after_the_rows_before_it():
    def rows():
        yield from ((i,) for i in range(bulk.BESIDE_CHUNK))  # one whole chunk, handed over
        raise ValueError("line 501: not JSON")

    got = []
    with pytest.raises(ValueError, match="line 501"):
        for row in bulk.made_beside(rows()):
            got.append(row)
    assert len(got) == bulk.BESIDE_CHUNK


def test_a_failing_insert_stops_the_maker_instead_of_leaving_it_blocked():
    made = []

    def endless():
        i = 0
        while True:
            made.append(i)
            yield (i,)
            i += 1

    before = threading.active_count()
    with pytest.raises(RuntimeError):
        for row in bulk.made_beside(endless()):
            if row[0] == 10:
                raise RuntimeError("UNIQUE constraint failed")
    time.sleep(0.3)
    assert threading.active_count() == before  # the maker thread has ended
    assert len(made) <= bulk.BESIDE_CHUNK * (bulk.BESIDE_DEPTH + 2)  # it stopped making rows


def test_a_refused_row_rolls_back_the_import_and_ends_the_maker(base_data):
    from django.db import IntegrityError

    from trygg.incidents.models import Category, Incident

    category = Category.objects.est().first().pk
    before = threading.active_count()

    def rows():
        for i in range(bulk.BESIDE_CHUNK * 4):
            yield (category, "police", "same-id" if i in (3, 1200) else f"id-{i}", "new", "partners")

    with pytest.raises(IntegrityError):
        bulk.insert_rows(Incident, ("category", "source", "external_id", "status", "visibility"), rows(), beside=True)
    assert threading.active_count() == before and not Incident.objects.filter(source="police").exists()
