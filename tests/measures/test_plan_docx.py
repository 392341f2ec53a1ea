"""The annual action plan as a Word document: the sections and tables of the plan page, refused as the page is."""

from __future__ import annotations

import datetime as dt
import io
import re

import docx
import pytest
from lxml import html as lxml_html

from trygg.audit.models import AuditEvent
from trygg.measures.models import Measure, ProblemPlace

pytestmark = pytest.mark.django_db
URL = "/atgarder/1780/plan/2025/"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SQUARE = {"type": "Polygon", "coordinates": [[[13.49, 59.37], [13.50, 59.37], [13.50, 59.38], [13.49, 59.37]]]}


def text(element) -> str:
    return re.sub(r"[ \t\n\r]+", " ", element.text_content()).strip()


@pytest.fixture
def plan(demo_orgs):
    owner = demo_orgs["orgs"]["karlstads-kommun"]
    tunnel = ProblemPlace.objects.create(
        municipality_id="1780", name="Gångtunneln", geometry=SQUARE, categories=["klotter"], organisation=owner
    )
    for title, status, start, end in (
        ("Belysning i gångtunneln", "ongoing", dt.date(2025, 3, 1), None),
        ("Trygghetsvandring", "planned", dt.date(2025, 9, 1), dt.date(2025, 9, 30)),
        ("Klottersanering", "done", dt.date(2025, 1, 10), dt.date(2025, 4, 30)),
        ("Inställd kamera", "cancelled", dt.date(2025, 2, 1), dt.date(2025, 3, 1)),
    ):
        Measure.objects.create(
            title=title, kind="lighting", municipality_id="1780", owner=owner, status=status, start=start, end=end,
            problem_place=tunnel, categories=["klotter"],
        )  # fmt: skip
    return demo_orgs


def test_the_action_plan_as_word_has_the_sections_and_tables_of_the_page(login, plan):
    client = login(plan["users"]["karlstad.samordnare"])
    page = client.get(URL)
    tree = lxml_html.fromstring(page.content.decode())
    assert tree.xpath("//a[@href='/atgarder/1780/plan/2025/docx/']")  # the page links to it
    response = client.get(URL + "docx/")
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    assert response["Content-Disposition"] == 'attachment; filename="atgardsplan-1780-2025.docx"'
    document = docx.Document(io.BytesIO(response.content))

    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [text(h) for h in tree.xpath("//main//h2")] and len(headings) == 3
    assert "Karlstad 2025" in [p.text for p in document.paragraphs if p.style.name == "Title"]

    page_tables = tree.xpath("//main//table")
    assert len(document.tables) == len(page_tables) == 2
    for table, page_table in zip(document.tables, page_tables, strict=True):
        assert [c.text for c in table.rows[0].cells] == [text(th) for th in page_table.xpath(".//thead//th")]
        assert len(table.rows) == 1 + len(page_table.xpath(".//tbody/tr"))
    planned, done = document.tables
    assert sorted(r.cells[0].text for r in planned.rows[1:]) == ["Belysning i gångtunneln", "Trygghetsvandring"]
    assert [r.cells[0].text for r in done.rows[1:]] == ["Klottersanering"]
    assert done.rows[1].cells[1].text == "Gångtunneln"
    assert "Inställd kamera" not in response.content.decode("latin-1")
    problems = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert problems == [text(li) for li in tree.xpath("//main//h2[1]/following-sibling::ul[1]/li")]
    assert document.core_properties.language == "sv-SE" and document.core_properties.author == "Trygg"
    assert document.core_properties.title == "Åtgärdsplan Karlstad 2025"
    assert AuditEvent.objects.filter(action="export", object_type="measures.plan", summary="docx").exists()


def test_an_empty_plan_keeps_its_tables_with_a_dash(login, demo_orgs):
    document = docx.Document(io.BytesIO(login(demo_orgs["users"]["karlstad.samordnare"]).get(URL + "docx/").content))
    assert len(document.tables) == 2
    assert all(len(t.rows) == 2 and t.rows[1].cells[0].text == "–" for t in document.tables)


def test_the_word_action_plan_is_refused_as_the_page_is(login, plan, client):
    assert client.get(URL + "docx/").status_code == client.get(URL).status_code == 302
    from trygg.orgs.models import Cooperation, User

    Cooperation.objects.update(share_incidents=False)  # Örebro's coordinator no longer sees Karlstad
    orebro = login(User.objects.get(username="orebro.samordnare"))
    assert orebro.get(URL).status_code == orebro.get(URL + "docx/").status_code == 403
    assert orebro.get("/atgarder/1780/plan/1999/docx/").status_code in (403, 404)
    karlstad = login(User.objects.get(username="karlstad.samordnare"))
    assert (
        karlstad.get("/atgarder/1780/plan/1999/docx/").status_code
        == karlstad.get("/atgarder/1780/plan/1999/").status_code
        == 404
    )
