"""Word documents (.docx, python-docx) from the same printable HTML the PDFs are made of.

An app renders its print template (:func:`trygg.core.rendering.print_html`) and hands the HTML to
:func:`html_to_docx`, so the Word document has exactly the sections, texts and tables of the PDF, in Swedish,
without a second copy of the layout. The HTML is mapped onto real Word structure:

* ``h1`` → Title, ``h2``–``h4`` → Heading 1–3 (the navigation pane shows the sections);
* ``table`` → a Word table in the "Table Grid" style whose ``thead`` rows are header rows, repeated on
  every page; ``caption`` → a Caption paragraph;
* ``ul`` → bulleted lists, ``ol`` → numbered paragraphs (numbered here, so each list starts at 1 as the
  hot-spot numbers on the map do), ``dl`` → "term: description" paragraphs;
* ``img`` → an inline picture (PNG or JPEG; SVG placeholders are looked up in ``images``), at most the
  width of the text, with its ``alt`` text as the picture's description;
* ``div.running-head`` / ``div.running-foot`` → page header and footer (with the page number);
* classes: ``notice`` (shaded, bold: e.g. generated demo data), ``badge`` (highlighted), ``method`` (small),
  ``muted`` (grey), ``placeholder`` (an empty framed space to write in), ``annex`` (starts a new page).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX
from docx.image.image import Image
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import html as lxml_html

__all__ = ["CONTENT_TYPE", "html_to_docx"]

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

PAGE_WIDTH, PAGE_HEIGHT, MARGIN = Cm(21.0), Cm(29.7), Cm(2.2)  # A4
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
MAX_FIGURE_HEIGHT = Cm(17)
SMALL_FIGURE_WIDTH = Cm(9)
FONT = "Arial"  # on every Windows and Mac; LibreOffice shows the metric-compatible Liberation Sans
CHAR_WIDTH, CELL_PADDING = Cm(0.19), Cm(0.45)  # of a table's 8.5 pt text, for the column widths
GREY = RGBColor(0x55, 0x55, 0x55)
HEADER_FILL = "DCE6F0"
NOTICE_FILL = "FFF4D6"

BLOCKS = {
    "address", "article", "aside", "blockquote", "caption", "dd", "details", "div", "dl", "dt", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "img", "li", "main", "nav",
    "ol", "p", "pre", "section", "summary", "table", "ul",
}  # fmt: skip
SKIPPED = {"style", "script", "title", "head", "nav", "form", "button", "input", "select", "textarea", "template"}
HEADING_LEVEL = {"h1": 0, "h2": 1, "h3": 2, "h4": 3, "h5": 4, "h6": 4}
SPACES = re.compile(r"[ \t\n\r\f\v]+")  # HTML white space; a no-break space is kept
NUMERIC = re.compile(r"[-+−–\d\s,.%()★<>]+")  # a cell of a "numbers" table that is right-aligned


@dataclass(frozen=True)
class Style:
    """How a run of text looks."""

    bold: bool = False
    italic: bool = False
    size: float | None = None
    grey: bool = False
    highlight: bool = False


def html_to_docx(
    html: str,
    images: Mapping[str, bytes] | None = None,
    *,
    title: str | None = None,
    author: str = "Trygg",
    language: str = "sv-SE",
) -> bytes:
    """The printable ``html`` as a Word document (bytes).

    ``images`` maps an ``img`` source (or, for a ``data:`` URI that is not PNG/JPEG, its decoded text) to
    PNG bytes. The title defaults to the HTML ``<title>``; the document's language is set on its styles and
    its core properties."""
    tree = lxml_html.document_fromstring(html)
    document = docx.Document()
    _set_up(document, language)
    writer = _Writer(document, images or {})
    body = tree.find("body")
    writer.flow(body if body is not None else tree)
    properties = document.core_properties
    properties.title = title or (tree.findtext(".//title") or "").strip()
    properties.author = author
    properties.last_modified_by = author
    properties.language = language
    properties.created = properties.modified = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    properties.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _set_up(document, language: str) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.left_margin = section.right_margin = MARGIN
    section.top_margin = section.bottom_margin = Cm(2.0)
    normal = document.styles["Normal"]
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(4)
    for name in ("Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Heading 4", "Caption"):
        _font(document.styles[name], FONT)
    for name in ("Heading 1", "Heading 2", "Heading 3"):
        document.styles[name].paragraph_format.keep_with_next = True
    for name in ("Header", "Footer"):
        document.styles[name].font.size = Pt(8)
    # The language of every run (spell checking, hyphenation) comes from the document defaults.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    if run_defaults is not None:
        properties = run_defaults.find(qn("w:rPr"))
        if properties is None:
            properties = OxmlElement("w:rPr")
            run_defaults.append(properties)
        lang = properties.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            properties.append(lang)
        lang.set(qn("w:val"), language)
        lang.set(qn("w:eastAsia"), language)


def _classes(element) -> set[str]:
    return set((element.get("class") or "").split())


def _is_block(element) -> bool:
    return isinstance(element.tag, str) and element.tag in BLOCKS


class _Writer:
    def __init__(self, document, images: Mapping[str, bytes]):
        self.document = document
        self.images = images

    # -- blocks ------------------------------------------------------------------------------------------
    def flow(self, element, list_level: int = 0) -> None:
        """The children of ``element``: runs of inline content become paragraphs, blocks are written."""
        pending: list = []
        if element.text:
            pending.append(element.text)
        for child in element:
            if _is_block(child) or (isinstance(child.tag, str) and child.tag in SKIPPED):
                self.loose(pending)
                pending = []
                self.block(child, list_level)
            elif isinstance(child.tag, str):
                pending.append(child)
            if child.tail:
                pending.append(child.tail)
        self.loose(pending)

    def loose(self, items: list) -> None:
        runs = self.runs(items, Style())
        if any(text.strip() for text, _ in runs):
            self.write(self.document.add_paragraph(), runs)

    def block(self, element, list_level: int = 0) -> None:
        tag, classes = element.tag, _classes(element)
        if tag in SKIPPED:
            return
        if "running-head" in classes or "running-foot" in classes:
            self.page_text(element, footer="running-foot" in classes)
        elif "annex" in classes:
            self.document.add_page_break()
            self.flow(element)
        elif tag in HEADING_LEVEL:
            paragraph = self.document.add_heading("", HEADING_LEVEL[tag])
            self.write(paragraph, self.runs(_content(element), Style()))
        elif tag in ("p", "summary", "dt", "dd", "caption", "figcaption", "pre", "address"):
            self.paragraph(element, classes, bold=tag == "summary")
        elif tag in ("ul", "ol"):
            self.items(element, numbered=tag == "ol", level=list_level)
        elif tag == "li":
            self.items_of([element], numbered=False, level=list_level)
        elif tag == "dl":
            self.definitions(element)
        elif tag == "table":
            self.table(element)
        elif tag == "img":
            self.picture(element)
        elif tag == "hr":
            self.document.add_paragraph()
        else:  # section, div, header, details, figure …
            self.flow(element, list_level)

    def paragraph(self, element, classes: set[str], bold: bool = False) -> Paragraph:
        style = Style(bold=bold or "notice" in classes)
        if "method" in classes:
            style = replace(style, size=8.5, grey=True)
        if "muted" in classes or "kicker" in classes:
            style = replace(style, grey=True)
        name = "Subtitle" if "subtitle" in classes else "Caption" if element.tag in ("caption", "figcaption") else None
        paragraph = self.document.add_paragraph(style=name)
        self.write(paragraph, self.runs(_content(element), style))
        if "notice" in classes:
            _shade(paragraph, NOTICE_FILL)
            _border(paragraph, sides=("left",), color="6B4D00", size=12)
        if "placeholder" in classes:
            for _ in range(6):
                paragraph.add_run().add_break()
            _border(paragraph, sides=("top", "left", "bottom", "right"), color="808080", size=6)
        for child in element:
            if _is_block(child):  # a block inside a paragraph-like element follows it
                self.block(child)
        return paragraph

    def items(self, element, numbered: bool, level: int) -> None:
        self.items_of([li for li in element if li.tag == "li"], numbered, level)

    def items_of(self, items: Iterable, numbered: bool, level: int) -> None:
        for number, li in enumerate(items, start=1):
            if numbered:
                paragraph = self.document.add_paragraph()
                indent = Cm(0.75 * (level + 1))
                paragraph.paragraph_format.left_indent = indent
                paragraph.paragraph_format.first_line_indent = -Cm(0.75)
                paragraph.paragraph_format.tab_stops.add_tab_stop(indent)
                runs = [(f"{number}.\t", Style()), *self.runs(_content(li), Style())]
            else:
                paragraph = self.document.add_paragraph(style="List Bullet" if level == 0 else "List Bullet 2")
                runs = self.runs(_content(li), Style())
            paragraph.paragraph_format.space_after = Pt(2)
            self.write(paragraph, runs)
            for child in li:
                if _is_block(child):
                    self.block(child, level + 1)

    def definitions(self, element) -> None:
        """Each term with its description: "term: description"."""
        term: list = []
        for child in element:
            if child.tag == "dt":
                term = [*self.runs(_content(child), Style(bold=True)), (": ", Style(bold=True))]
            elif child.tag == "dd":
                paragraph = self.document.add_paragraph()
                paragraph.paragraph_format.space_after = Pt(2)
                self.write(paragraph, [*term, *self.runs(_content(child), Style())])
                term = []

    def table(self, element) -> Table:
        caption = element.find("caption")
        if caption is not None:
            self.paragraph(caption, _classes(caption))
        head = [tr for part in element.findall("thead") for tr in part.findall("tr")]
        rows = head + [tr for part in element.findall("tbody") for tr in part.findall("tr")]
        rows += element.findall("tr")
        width = max((sum(int(c.get("colspan", 1)) for c in tr if c.tag in ("td", "th")) for tr in rows), default=1)
        table = self.document.add_table(rows=0, cols=width)
        table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        numbers = "numbers" in _classes(element)
        texts: list[list[str]] = [[] for _ in range(width)]
        for tr in rows:
            column = 0
            row = table.add_row()
            header = tr in head
            _row_flags(row, header)
            total = "total" in _classes(tr)
            for cell_element in (c for c in tr if c.tag in ("td", "th")):
                span = int(cell_element.get("colspan", 1))
                cell = row.cells[column]
                if span > 1:
                    cell = cell.merge(row.cells[column + span - 1])
                bold = cell_element.tag == "th" or total
                runs = self.runs(_content(cell_element), Style(bold=bold, size=8.5))
                self.write(cell.paragraphs[0], runs)
                if header:
                    _shade_cell(cell, HEADER_FILL)
                text = SPACES.sub(" ", "".join(t for t, _ in runs)).strip()
                if numbers and not header and cell_element.tag == "td" and NUMERIC.fullmatch(text):
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
                if span == 1:
                    texts[column].append(text)
                column += span
        _column_widths(table, texts)
        self.document.add_paragraph().paragraph_format.space_after = Pt(2)
        return table

    def picture(self, element) -> None:
        blob = self.image(element.get("src") or "")
        alt = (element.get("alt") or "").strip()
        if blob is None:
            if alt:
                self.write(self.document.add_paragraph(), [(alt, Style(italic=True, grey=True))])
            return
        image = Image.from_blob(blob)
        width = min(
            Cm(2.54 * image.px_width / max(image.horz_dpi, 1)),
            SMALL_FIGURE_WIDTH if "small" in _classes(element) else TEXT_WIDTH,
        )
        height = width * image.px_height / max(image.px_width, 1)
        if height > MAX_FIGURE_HEIGHT:
            width = int(width * MAX_FIGURE_HEIGHT / height)
        blocks = [e for e in self.document.element.body if e.tag in (qn("w:p"), qn("w:tbl"))]
        if blocks and blocks[-1].tag == qn("w:p"):  # the text that introduces a figure stays on its page
            Paragraph(blocks[-1], self.document._body).paragraph_format.keep_with_next = True
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        shape = paragraph.add_run().add_picture(io.BytesIO(blob), width=int(width))
        if alt:
            shape._inline.docPr.set("descr", alt)

    def image(self, src: str) -> bytes | None:
        if src.startswith("data:"):
            meta, _, payload = src[5:].partition(",")
            try:
                data = base64.b64decode(payload) if meta.endswith(";base64") else payload.encode()
            except (binascii.Error, ValueError):
                return None
            if meta.startswith(("image/png", "image/jpeg")):
                return data
            return self.images.get(data.decode("utf-8", "replace").strip())
        return self.images.get(src)

    def page_text(self, element, footer: bool) -> None:
        section = self.document.sections[0]
        part = section.footer if footer else section.header
        paragraph = part.paragraphs[0]
        self.write(paragraph, self.runs(_content(element), Style(size=8, grey=True)))
        if footer:
            paragraph.add_run(" · ").font.size = Pt(8)
            _page_number(paragraph)

    # -- inline ------------------------------------------------------------------------------------------
    def runs(self, items: Iterable, style: Style) -> list[tuple[str, Style]]:
        out: list[tuple[str, Style]] = []
        for item in items:
            if isinstance(item, str):
                out.append((item, style))
            else:
                self.inline(item, style, out)
        return out

    def inline(self, element, style: Style, out: list) -> None:
        tag = element.tag
        if not isinstance(tag, str) or tag in SKIPPED:
            return
        if tag == "br":
            out.append(("\n", style))
            return
        if _is_block(element):  # written by the caller after the paragraph
            return
        classes = _classes(element)
        inner = style
        if tag in ("strong", "b", "th"):
            inner = replace(inner, bold=True)
        if tag in ("em", "i", "cite"):
            inner = replace(inner, italic=True)
        if tag in ("small",) or "method" in classes:
            inner = replace(inner, size=min(style.size or 10, 8.5), grey=True)
        if "badge" in classes:
            inner = replace(inner, highlight=True, bold=True)
            out.append((" ", style))
        if element.text:
            out.append((element.text, inner))
        for child in element:
            self.inline(child, inner, out)
            if child.tail:
                out.append((child.tail, inner))

    @staticmethod
    def write(paragraph: Paragraph, runs: list[tuple[str, Style]]) -> None:
        """Runs as HTML shows them: white space collapsed, none at the start or end."""
        space = True
        last = None
        for text, style in runs:
            if text == "\n":
                paragraph.add_run().add_break(WD_BREAK.LINE)
                space = True
                continue
            text = SPACES.sub(" ", text)
            if space:
                text = text.lstrip(" ")
            if not text:
                continue
            run = paragraph.add_run(text)
            run.bold = style.bold or None
            run.italic = style.italic or None
            if style.size:
                run.font.size = Pt(style.size)
            if style.grey:
                run.font.color.rgb = GREY
            if style.highlight:
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW
            space = text.endswith(" ")
            last = run
        if last is not None:
            last.text = last.text.rstrip(" ")


def _content(element) -> list:
    """The inline content of ``element``: its text, inline children and their tails (blocks left out)."""
    items: list = [element.text] if element.text else []
    for child in element:
        if not _is_block(child):
            items.append(child)
        if child.tail:
            items.append(child.tail)
    return items


# Paragraph properties that come after the border and the shading (the schema fixes the order).
_AFTER_SHADING = ("w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
                  "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
                  "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
                  "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr",
                  "w:sectPr", "w:pPrChange")  # fmt: skip


def _shade(paragraph: Paragraph, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    paragraph._p.get_or_add_pPr().insert_element_before(shading, *_AFTER_SHADING)


def _border(paragraph: Paragraph, sides: tuple[str, ...], color: str, size: int) -> None:
    borders = OxmlElement("w:pBdr")
    for side in sides:
        line = OxmlElement(f"w:{side}")
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), str(size))
        line.set(qn("w:space"), "4")
        line.set(qn("w:color"), color)
        borders.append(line)
    properties = paragraph._p.get_or_add_pPr()
    properties.insert_element_before(borders, "w:shd", *_AFTER_SHADING)


def _shade_cell(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().insert_element_before(
        shading, "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark"
    )


def _row_flags(row, header: bool) -> None:
    """A row is never split over two pages; a header row is repeated at the top of every page."""
    properties = row._tr.get_or_add_trPr()
    for name in ("w:cantSplit", "w:tblHeader") if header else ("w:cantSplit",):
        flag = OxmlElement(name)
        flag.set(qn("w:val"), "true")
        properties.append(flag)


def _column_widths(table: Table, texts: list[list[str]]) -> None:
    """Column widths that fill the text width: every column at least as wide as its longest word, and what
    is left shared by how much more the columns' longest texts need."""
    shortest = [max((len(w) for t in column for w in t.split()), default=1) for column in texts]
    wanted = [max((len(t) for t in column), default=1) for column in texts]
    low = [CELL_PADDING + CHAR_WIDTH * min(n, 24) for n in shortest]
    high = [max(a, CELL_PADDING + CHAR_WIDTH * min(n, 48)) for a, n in zip(low, wanted, strict=True)]
    if sum(high) <= TEXT_WIDTH:
        widths = [w * TEXT_WIDTH / sum(high) for w in high]
    elif sum(low) >= TEXT_WIDTH:
        widths = [w * TEXT_WIDTH / sum(low) for w in low]
    else:
        room, need = TEXT_WIDTH - sum(low), sum(high) - sum(low)
        widths = [a + (b - a) * room / need for a, b in zip(low, high, strict=True)]
    widths = [int(w) for w in widths]
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width


def _font(style, name: str) -> None:
    """``name`` for every script of ``style``, instead of the theme's fonts."""
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for script in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{script}"), name)
        fonts.attrib.pop(qn(f"w:{script}Theme"), None)


def _page_number(paragraph: Paragraph) -> None:
    run = paragraph.add_run()
    run.font.size = Pt(8)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == " PAGE ":
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._r.append(instruction)
        else:
            value = OxmlElement("w:t")
            value.text = text
            run._r.append(value)
