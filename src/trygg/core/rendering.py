"""Shared rendering for every app: matplotlib set up for figures as SVG (pages, PDF) or PNG (Word), with
Swedish numbers on every axis, and printable documents (HTML → PDF with WeasyPrint, in Swedish, with one
print style sheet). Apps draw their own figures with these; none borrows another app's."""

from __future__ import annotations

import io
import math

import matplotlib

matplotlib.use("Agg")  # no display: figures are written to files and pages

import matplotlib.pyplot as plt
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from matplotlib.ticker import FuncFormatter, ScalarFormatter

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

__all__ = ["number", "pdf_from_html", "plt", "print_html", "swedish_axes", "to_png", "to_svg"]

THOUSANDS = "\u00a0"  # no-break space, as Django's Swedish number format in the tables
MINUS = "\u2212"


def number(value: float, decimals: int | None = None) -> str:
    """``value`` written the Swedish way: decimal comma, no-break space between thousands, a real minus sign.

    With ``decimals`` the value is rounded to that many; without, integers are shown without decimals and
    other values with as few as they need (at most six, as axis ticks are)."""
    value = float(value)
    if not math.isfinite(value):
        return str(value)
    text = f"{value:.6f}".rstrip("0").rstrip(".") if decimals is None else f"{value:.{decimals}f}"
    sign = MINUS if text.startswith("-") and text.strip("-0.") else ""
    whole, _, fraction = text.lstrip("-").partition(".")
    groups = []
    while len(whole) > 3:
        whole, groups = whole[:-3], [whole[-3:], *groups]
    whole = THOUSANDS.join([whole, *groups])
    return sign + whole + ("," + fraction if fraction else "")


SWEDISH_TICKS = FuncFormatter(lambda value, position: number(value))


def swedish_axes(fig) -> None:
    """Swedish numbers (:func:`number`) on every plain numeric axis of ``fig``, colour bars included; axes with
    their own labels (categories, dates, logarithms) are left as they are. :func:`to_svg` and :func:`to_png`
    apply this to every figure, so no chart needs to."""
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if type(axis.get_major_formatter()) is ScalarFormatter:
                axis.set_major_formatter(SWEDISH_TICKS)


def to_svg(fig) -> str:
    """The figure as SVG text (sharp on screen and in print); the figure is closed."""
    swedish_axes(fig)
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def to_png(fig, dpi: int = 200) -> bytes:
    """The figure as PNG bytes (for Word, which takes no SVG), ``dpi`` pixels per inch; the figure is closed."""
    swedish_axes(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    plt.close(fig)
    return buffer.getvalue()


def print_css() -> str:
    return (settings.PACKAGE_DIR / "static" / "trygg" / "print.css").read_text(encoding="utf-8")


def print_html(template: str, context: dict) -> str:
    """A self-contained Swedish document for printing: the template with the print style sheet inlined."""
    with translation.override("sv"):
        return render_to_string(template, {**context, "css": print_css()})


def pdf_from_html(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.PACKAGE_DIR)).write_pdf()
