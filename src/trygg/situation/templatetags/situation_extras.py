import base64

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def percent(value, digits: int = 0):
    if value is None:
        return "–"
    return f"{number_format(float(value) * 100, int(digits))} %"


@register.filter
def pvalue(value):
    if value is None:
        return "–"
    value = float(value)
    if value < 0.001:
        return "< 0,001"
    return number_format(value, 3)


@register.filter
def direction(value):
    return {"up": _("up"), "down": _("down"), "no_data": _("no earlier data")}.get(value, _("no clear change"))


@register.filter
def svg_uri(svg: str) -> str:
    """An SVG figure as a data URI for <img> (figures are our own matplotlib output)."""
    if not svg:
        return ""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


@register.filter
def get(mapping, key):
    if mapping is None:
        return None
    return mapping.get(key)


@register.filter
def emerging_sv(category: str) -> str:
    from trygg.situation.charts import EMERGING_SV

    return EMERGING_SV.get(category, category)


@register.filter
def class_sv(cls: str) -> str:
    from trygg.situation.charts import CLASS_LABEL_SV

    return CLASS_LABEL_SV.get(cls, cls)
