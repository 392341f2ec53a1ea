"""The lägesbild as a Word document (.docx) for the council and the board, who work in Word.

The document is the PDF's print template (``situation/report_print.html``, in Swedish) turned into Word
structure by :func:`trygg.core.documents_docx.html_to_docx`, so it has the PDF's sections, texts, tables and
labels of generated demo data. The figures are the PDF's own drawing code (:func:`trygg.situation.charts.figures`)
written as PNG, since Word takes no SVG. The coordinator's analysis is part of the report; when none is
written, the section keeps a framed empty space for it.
"""

from __future__ import annotations

from functools import partial

from trygg.core.documents_docx import CONTENT_TYPE, html_to_docx
from trygg.core.rendering import to_png
from trygg.situation import charts
from trygg.situation.service import render_html

__all__ = ["CONTENT_TYPE", "build", "filename"]

DPI = 200
_KEY = "trygg-figure:{}"


def build(report: dict, boundary: dict | None, dpi: int = DPI) -> bytes:
    """The report (:meth:`trygg.situation.builder.ReportBuilder.build`) as .docx bytes."""
    pngs = charts.figures(report, boundary, render=partial(to_png, dpi=dpi))
    # The template shows a figure by its (SVG) text; here each figure's text is a key to its PNG.
    keys = {name: _KEY.format(name) if png else "" for name, png in pngs.items()}
    html = render_html(report, keys)
    images = {_KEY.format(name): png for name, png in pngs.items() if png}
    return html_to_docx(html, images)  # titled as the PDF: municipality (and area) — period


def filename(report: dict) -> str:
    """``lagesbild-1780-2025.docx``: the same name as the PDF's, ASCII so every mail client keeps it."""
    return f"lagesbild-{report['municipality']['code']}-{report['period']['key']}.docx"
