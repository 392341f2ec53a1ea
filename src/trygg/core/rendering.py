"""Shared rendering for every app: matplotlib set up for figures as SVG, and printable documents (HTML → PDF
with WeasyPrint, in Swedish, with one print style sheet). Apps draw their own figures with these; none
borrows another app's."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # no display: figures are written to files and pages

import matplotlib.pyplot as plt
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

plt.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.fonttype": "none",
        "svg.hashsalt": "trygg",
    }
)

__all__ = ["pdf_from_html", "plt", "print_html", "to_svg"]


def to_svg(fig) -> str:
    """The figure as SVG text (sharp on screen and in print); the figure is closed."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def print_css() -> str:
    return (settings.PACKAGE_DIR / "static" / "trygg" / "print.css").read_text(encoding="utf-8")


def print_html(template: str, context: dict) -> str:
    """A self-contained Swedish document for printing: the template with the print style sheet inlined."""
    with translation.override("sv"):
        return render_to_string(template, {**context, "css": print_css()})


def pdf_from_html(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.PACKAGE_DIR)).write_pdf()
