import base64
import datetime as dt

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trygg.core.numbers import number
from trygg.orgs import naming

register = template.Library()


@register.filter
def percent(value, digits: int = 0):
    if value is None:
        return "–"
    return f"{number(float(value) * 100, int(digits))} %"


@register.filter
def pvalue(value):
    if value is None:
        return "–"
    value = float(value)
    if value < 0.001:
        return "< 0,001"
    return number(value, 3)


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


WEEKDAY_NAMES = (
    gettext_lazy("Monday"), gettext_lazy("Tuesday"), gettext_lazy("Wednesday"), gettext_lazy("Thursday"),
    gettext_lazy("Friday"), gettext_lazy("Saturday"), gettext_lazy("Sunday"),
)  # fmt: skip
PART_NAMES = {
    "night": gettext_lazy("at night"),
    "morning": gettext_lazy("in the morning"),
    "day": gettext_lazy("in the daytime"),
    "evening": gettext_lazy("in the evening"),
}


@register.filter
def where(place: dict | None) -> str:
    """A spot described after the municipality's named places (see ``trygg.orgs.naming``)."""
    if not place:
        return "–"
    if place.get("kind") == "imprecise":
        return _("without an exact place (police events located to the municipality)")
    return naming.phrase(place) or _("away from the named places")


@register.filter
def when_text(pattern: dict | None) -> str:
    """'mostly Friday–Saturday, in the evening' from ``trygg.situation.places.when_pattern``."""
    if not pattern or (not pattern.get("days") and not pattern.get("part")):
        return ""
    parts = []
    days = pattern.get("days")
    if days:
        parts.append("–".join(str(WEEKDAY_NAMES[day]).lower() for day in days))
    if pattern.get("part"):
        parts.append(str(PART_NAMES[pattern["part"]]))
    return _("mostly %(when)s") % {"when": ", ".join(parts)}


@register.filter
def change_label(direction: str) -> str:
    return {
        "up": _("more than usual"),
        "down": _("fewer than usual"),
        "no_change": _("no clear difference"),
        "too_few": _("too few incidents to say"),
        "short_history": _("one earlier period only: too short a history to judge"),
        "no_data": _("nothing to compare with"),
    }.get(direction, direction)


@register.filter
def sure_text(level: int) -> str:
    """How sure a hot spot is, in words."""
    if level >= 99:
        return _("almost certainly not chance (99 %)")
    if level >= 95:
        return _("very unlikely to be chance (95 %)")
    return _("not significant")


@register.filter
def interval(row: dict) -> str:
    """A rate ratio with its interval: '1,52 (1,10–2,08)'; '–' when not tested."""
    if row.get("ratio") is None and row.get("low") is None:
        return "–"

    ratio = "–" if row.get("ratio") is None else number(row["ratio"], 2)
    low, high = row.get("low"), row.get("high")
    if high is None:  # unbounded above (reports made before issue 24): say so in words, never "∞"
        return f"{ratio} ({_('at least')} {number(low or 0, 2)})"
    return f"{ratio} ({number(low or 0, 2)}–{number(high, 2)})"


@register.filter
def signed_percent(ratio) -> str:
    """A rate ratio as a change: 1.52 → '+52 %', 0.8 → '−20 %'."""
    if ratio is None:
        return "–"
    change = round((float(ratio) - 1) * 100)
    return f"+{change} %" if change > 0 else f"−{abs(change)} %" if change < 0 else "±0 %"


@register.filter
def source_gaps(check: dict | None) -> bool:
    """Whether any source of a report's source check has a gap in the days the report reads."""
    return bool(check) and any(s["gaps"] for s in check.get("sources", []))


@register.filter
def until_sv(value: str | None) -> str:
    """The last day of a span given by its end (the day after it): '2026-05-01' → '30 april 2026'."""
    if not value:
        return ""
    return date_format(dt.date.fromisoformat(str(value)[:10]) - dt.timedelta(days=1), "j F Y")


@register.filter
def date_sv(value: str | None) -> str:
    """An ISO date as the reader writes it: '2026-02-01' → '1 februari 2026' (in the active language)."""
    if not value:
        return ""
    return date_format(dt.date.fromisoformat(str(value)[:10]), "j F Y")


@register.filter
def scan_sure(p_value) -> str:
    """How sure a new hot spot is, in words a reader can check: how often a week without change shows as much."""
    if p_value is not None and float(p_value) <= 0.01:
        return _("Very clear: a map without any change shows something this clear in fewer than 1 week in 100.")
    return _("Clear: a map without any change shows something this clear in fewer than 1 week in 20.")


@register.filter
def computed_at(value: str | None) -> str:
    """A report's ISO timestamp as the reader writes it: '7 december 2026 09:27'."""
    if not value:
        return ""
    return date_format(dt.datetime.fromisoformat(str(value)), "j F Y H:i")


@register.filter
def signed_decimal(value, digits: int = 1) -> str:
    """A number with a true minus sign and one decimal, as the tables write it: −117,5; 9,5."""
    if value is None:
        return "–"
    text = number(abs(float(value)), int(digits))
    return f"−{text}" if float(value) < 0 and text.strip("0,.") else text


@register.filter
def signed_int(value) -> str:
    """A whole-number change with its sign, as the tables write it: 27 → '+27', −13 → '−13', 0 → '0'."""
    if value is None:
        return "–"
    n = int(value)
    digits = number(abs(n), force_grouping=True)
    return f"+{digits}" if n > 0 else f"−{digits}" if n < 0 else "0"
