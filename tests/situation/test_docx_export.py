"""The lägesbild as a Word document: from the page and the command, compared with the PDF's HTML and the page,
opened with python-docx, and converted to PDF by LibreOffice to prove Word-compatible software opens it."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess

import docx
import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from lxml import html as lxml_html

from tests.factories import KARLSTAD_POINT, make_incident
from trygg.audit.models import AuditEvent
from trygg.situation.models import ReportCache
from trygg.situation.service import render_html

pytestmark = pytest.mark.django_db
TZ = timezone.get_default_timezone()
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
FAST = {"knox_simulations": 19}
URL = "/lagesbild/1780/2025/"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ANALYSIS = ["Klottret ökar vid resecentrum, främst fredagskvällar.", "Belysningen i gångtunneln är trasig."]
CATEGORIES = ["klotter", "klotter", "nedskrapning", "brand"]


def at(day, hour=21):
    return dt.datetime.combine(day, dt.time(hour), TZ)


def text(element) -> str:
    return re.sub(r"[ \t\n\r]+", " ", element.text_content()).strip()


def headings_of(html: str, levels: str = "h1|h2|h3|h4") -> list[str]:
    tree = lxml_html.fromstring(html)
    return [text(h) for h in tree.xpath("|".join(f"//{tag}" for tag in levels.split("|")))]


def docx_headings(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name.startswith("Heading") or p.style.name == "Title"]


def is_subsequence(items: list, of: list) -> bool:
    rest = iter(of)
    return all(item in rest for item in items)


@pytest.fixture
def year(demo_orgs):
    """A year of incidents around Stora torget, a quarter of them generated demo data."""
    org = demo_orgs["orgs"]["centrum-karlstad"]
    lat, lon = KARLSTAD_POINT
    for i in range(48):
        make_incident(
            org=org,
            category=CATEGORIES[i % len(CATEGORIES)],
            when=at(dt.date(2025, 1 + i % 12, 1 + (i * 7) % 27)),
            point=(lat + (i % 4) * 0.0004, lon + (i % 3) * 0.0007) if i % 3 else (lat, lon),
            is_generated=i % 4 == 0,
        )
    return demo_orgs


@pytest.fixture
def coordinator(login, year):
    return login(year["users"]["karlstad.samordnare"])


@override_settings(TASKS=IMMEDIATE, TRYGG_LAGESBILD_OPTIONS=FAST)
def test_the_word_document_has_the_sections_tables_figures_and_analysis_of_the_pdf(coordinator):
    coordinator.post(URL + "analys/", {"text": "\n\n".join(ANALYSIS)})
    page = coordinator.get(URL)
    assert page.status_code == 200
    r = page.context["r"]
    page_html = page.content.decode()
    assert "situation:docx" not in page_html and f'href="{URL}docx/"' in page_html  # the page links to it

    response = coordinator.get(URL + "docx/")
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"] == 'attachment; filename="lagesbild-1780-2025.docx"'
    document = docx.Document(io.BytesIO(response.content))

    # Headings: exactly those of the PDF's HTML, and every heading of the page in the same order.
    row = ReportCache.objects.get()
    print_html = render_html(row.data, row.charts)
    headings = docx_headings(document)
    assert headings == headings_of(print_html)
    page_headings = headings_of(page_html, "h2|h3|h4")
    assert len(page_headings) >= 8 and is_subsequence(page_headings, headings)
    styles = {p.style.name for p in document.paragraphs if p.text in headings}
    assert {"Title", "Heading 1", "Heading 2"} <= styles  # a year's report has the Act's numbered parts

    # Tables: real Word tables with the page's header cells, one row per row of the report.
    tree = lxml_html.fromstring(page_html)
    by_header = {tuple(c.text for c in t.rows[0].cells): t for t in document.tables}
    category_header = tuple(text(th) for th in tree.xpath("//section[@id='categories']//thead//th"))
    assert len(category_header) == 6
    categories = by_header[category_header]
    assert len(categories.rows) == 1 + len(r["categories"])
    assert [row.cells[0].text for row in categories.rows[1:]] == [c["label"] for c in r["categories"]]
    assert categories.rows[0]._tr.trPr.find(docx.oxml.ns.qn("w:tblHeader")) is not None
    organisations = by_header[tuple(text(th) for th in tree.xpath("//section[@id='organisations']//thead//th"))]
    assert len(organisations.rows) == 1 + len(r["by_organisation"])
    if r["spatial"]["near_repeat"]["available"]:
        knox = [t for t in document.tables if len(t.rows) == 1 + len(r["spatial"]["near_repeat"]["rows"])]
        assert knox

    # Figures: one PNG picture for each figure of the page.
    figures = tree.xpath("//img[contains(concat(' ', @class, ' '), ' figure ')]")
    assert len(figures) >= 4
    assert len(document.inline_shapes) == len(figures)
    images = [rel.target_part for rel in document.part.rels.values() if "image" in rel.reltype]
    assert images and all(part.content_type == "image/png" for part in images)
    assert all(part.blob.startswith(b"\x89PNG") for part in images)

    # The coordinator's analysis, paragraph by paragraph; generated data labelled as on the page.
    paragraphs = [p.text for p in document.paragraphs]
    assert all(line in paragraphs for line in ANALYSIS)
    notice = text(tree.xpath("//p[contains(@class, 'generated')]")[0])
    assert r["totals"]["generated"] == 12 and notice.startswith("12 ")
    assert notice in paragraphs
    footer = document.sections[0].footer.paragraphs[0].text
    assert text(lxml_html.fromstring(print_html).xpath("//div[@class='running-foot']")[0]) in footer

    properties = document.core_properties
    assert properties.author == "Trygg" and properties.language == "sv-SE"
    assert "Karlstad" in properties.title and r["period"]["label"] in properties.title
    assert AuditEvent.objects.filter(action="export", summary="docx").count() == 1


@override_settings(TASKS=IMMEDIATE, TRYGG_LAGESBILD_OPTIONS=FAST)
def test_without_an_analysis_the_document_keeps_a_framed_place_for_it(coordinator):
    page = coordinator.get(URL)
    placeholder = lxml_html.fromstring(page.content.decode()).xpath(
        "//section[@id='analysis']//p[@class='muted placeholder']"
    )
    assert len(placeholder) == 1
    document = docx.Document(io.BytesIO(coordinator.get(URL + "docx/").content))
    marked = [p for p in document.paragraphs if p.text.strip() == text(placeholder[0])]
    assert len(marked) == 1
    assert marked[0]._p.pPr.find(docx.oxml.ns.qn("w:pBdr")) is not None  # a framed space to write in
    assert marked[0].text.count("\n") >= 3


@override_settings(TASKS=IMMEDIATE, TRYGG_LAGESBILD_OPTIONS=FAST)
def test_the_word_export_is_refused_as_the_pdf_is(login, year, client):
    assert client.get(URL + "docx/").status_code == client.get(URL + "pdf/").status_code == 302
    assert client.get(URL + "docx/")["Location"] == client.get(URL + "pdf/")["Location"].replace("pdf", "docx")
    from trygg.orgs.models import Cooperation, User

    Cooperation.objects.update(share_incidents=False)
    orebro = login(User.objects.get(username="orebro.samordnare"))
    assert orebro.get(URL + "pdf/").status_code == 403
    assert orebro.get(URL + "docx/").status_code == 403
    assert not AuditEvent.objects.filter(action="export").exists()


def _command_docx(path, **options) -> None:
    call_command("lagesbild", municipality="1780", period="2025", output=str(path), knox_simulations=19,
                 stdout=io.StringIO(), **options)  # fmt: skip


def test_the_command_writes_a_word_document(year, tmp_path):
    path = tmp_path / "lagesbild.docx"
    _command_docx(path, format="docx")
    document = docx.Document(str(path))
    headings = docx_headings(document)
    assert headings[0] == "Karlstad" and len(headings) >= 10
    assert document.tables and document.inline_shapes
    by_suffix = tmp_path / "by-suffix.docx"
    _command_docx(by_suffix)  # the format follows the suffix
    assert docx_headings(docx.Document(str(by_suffix))) == headings
    _command_docx(tmp_path / "still.json")  # the other formats still work
    assert (tmp_path / "still.json").read_text(encoding="utf-8").startswith("{")


def test_libreoffice_converts_the_word_document_to_pdf(year, tmp_path):
    from pypdf import PdfReader

    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.fail("LibreOffice (soffice) is not installed: run `make office` (it installs libreoffice-writer-nogui)")
    path = tmp_path / "lagesbild-1780-2025.docx"
    _command_docx(path, format="docx")
    heading = next(p.text for p in docx.Document(str(path)).paragraphs if p.style.name == "Heading 1")
    profile = tmp_path / "lo-profile"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(path)],
        capture_output=True, text=True, timeout=120, env={**os.environ, "HOME": str(tmp_path)},
    )  # fmt: skip
    pdf = tmp_path / "lagesbild-1780-2025.pdf"
    assert result.returncode == 0 and pdf.exists(), result.stdout + result.stderr
    reader = PdfReader(str(pdf))
    assert len(reader.pages) >= 1
    content = re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))
    assert heading in content
