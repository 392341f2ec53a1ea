"""The walk report: what, where, when, who, the checklist's source, each stop with its nearest named place and its
problems first, the summary per checklist point; as a page and as a PDF whose text holds the stops."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from tests.walks.helpers import add_stop
from trygg.audit.models import AuditEvent
from trygg.walks import report

pytestmark = pytest.mark.django_db


@pytest.fixture
def walked(walk, demo_orgs):
    walk.residents = "ungefär 12"
    walk.save()
    add_stop(
        walk,
        1,
        {"folkliv": ("ok", ""), "belysning": ("problem", "Trasig lampa vid trappan")},
        note="Mörkt vid trappan",
        proposal="Byt armaturen",
        owner=demo_orgs["orgs"]["karlstads-kommun"],
    )
    add_stop(
        walk,
        2,
        {"skotsel": ("problem", "Klotter"), "belysning": ("problem", ""), "orientering": ("na", "")},
        lat=59.37825,
        lon=13.49905,
        note="Gångtunneln",
    )
    return walk


def test_problems_come_first_and_the_summary_counts_per_point(walked):
    views = report.stop_views(walked)
    first = views[0]
    assert [a["answer"].verdict for a in first.answers] == ["problem", "ok"]
    assert "Stora torget" in first.where  # described by trygg.incidents.nearest
    assert "Resecentrum" in views[1].where  # "vid Resecentrum" (about 60 m away)
    summary = {s.question["code"]: (s.stops, s.comments) for s in report.problem_summary(walked, views)}
    assert summary == {
        "belysning": ([1, 2], ["1: Trasig lampa vid trappan"]),
        "skotsel": ([2], ["2: Klotter"]),
    }
    assert list(summary) == ["belysning", "skotsel"]  # the checklist's order


def test_the_report_page(login, demo_orgs, walked):
    html = login(demo_orgs["users"]["centrum.rapportor"]).get(f"/trygghetsvandringar/{walked.pk}/rapport/")
    text = html.content.decode()
    assert html.status_code == 200
    for expected in (
        "Vandring i centrum",
        "Boverket: Plats för trygghet (2010)",
        "ungefär 12",
        "Centrum Karlstad",
        "Lokalpolisområde Karlstad",
        "Mörkt vid trappan",
        "Byt armaturen",
        "Gångtunneln",
        "data:image/svg+xml;base64,",
    ):
        assert expected in text, expected
    assert 'id="stopp-1"' in text and 'id="stopp-2"' in text
    assert "walks:convert" not in text and "/omvandla/" not in text  # a reporter does not convert


def test_the_pdf_parses_and_holds_the_stops(login, demo_orgs, walked):
    response = login(demo_orgs["users"]["karlstad.samordnare"]).get(f"/trygghetsvandringar/{walked.pk}/rapport.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(response.content))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pdf.pages))
    for expected in (
        "Vandring i centrum",
        "Boverket: Plats för trygghet",
        "Mörkt vid trappan",
        "Byt armaturen",
        "Gångtunneln",
        "Trasig lampa vid trappan",
        "Stora torget",
    ):
        assert expected in text, expected
    assert re.search(r"Stopp? 1", text) and re.search(r"Stopp? 2", text)  # Swedish once the catalogue has it
    assert AuditEvent.objects.filter(object_type="walks.walk", action="export").count() == 1


def test_the_pdf_is_refused_to_a_partner_of_another_municipality(login, demo_orgs, walked):
    assert (
        login(demo_orgs["users"]["city.orebro"]).get(f"/trygghetsvandringar/{walked.pk}/rapport.pdf").status_code == 403
    )
