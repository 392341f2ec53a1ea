"""The annual action plan (åtgärdsplan) as a Word document (.docx) for the municipal board.

The document is the PDF's print template (``measures/plan_print.html``, in Swedish) turned into Word
structure by :func:`trygg.core.documents_docx.html_to_docx`: the same sections and tables as the PDF.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from trygg.core.documents_docx import CONTENT_TYPE, html_to_docx
from trygg.core.rendering import print_html

__all__ = ["CONTENT_TYPE", "build", "filename"]


def build(context: dict) -> bytes:
    """The action plan of ``context`` (the context of :func:`trygg.measures.views.action_plan`) as .docx bytes."""
    html = print_html("measures/plan_print.html", context)
    with translation.override("sv"):
        title = f"{_('Action plan')} {context['municipality'].name} {context['year']}"
    return html_to_docx(html, title=title)


def filename(code: str, year: int) -> str:
    """``atgardsplan-1780-2025.docx``, as the PDF's name."""
    return f"atgardsplan-{code}-{year}.docx"
