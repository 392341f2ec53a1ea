"""The polisen.se events format: parsing its fields (Django only for the error texts; used by the importer and the
analyses).

``datetime`` is the publication time, ``2022-09-26 15:55:23 +02:00`` (the hour may lack its leading zero);
``name`` starts with the Swedish date and time of the event ("26 september 14:21, …"); ``location.gps``
is ``"lat,lon"`` of the municipality's or county's centroid.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from trygg.core.importing import RecordError


class FormatError(RecordError):
    """A field that does not follow the events format; the message says which and why."""


POLICE_BASE_URL = "https://polisen.se"
STOCKHOLM = ZoneInfo("Europe/Stockholm")

_DATETIME = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})[ T](?P<h>\d{1,2}):(?P<m>\d{2}):(?P<s>\d{2})\s*(?P<tz>[+-]\d{2}:?\d{2}|Z)?$"
)
_MONTH_NAMES = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)
_MONTHS = {name: i for i, name in enumerate(_MONTH_NAMES, start=1)}
_NAME_TIME = re.compile(r"^(?P<day>\d{1,2}) (?P<month>[a-zåäö]+) (?P<h>\d{1,2})[.:](?P<m>\d{2})\b")


def parse_published(value: Any) -> dt.datetime:
    """The feed's ``datetime``: ``2022-09-26 15:55:23 +02:00``; the hour may lack its leading zero."""
    if not isinstance(value, str):
        raise FormatError(
            _("%(key)r must be %(kinds)s, not %(kind)s")
            % {"key": "datetime", "kinds": "str", "kind": type(value).__name__}
        )
    match = _DATETIME.match(value.strip())
    if not match:
        raise FormatError(_("'datetime' is not a date and time: %(value)r") % {"value": value})
    tz = match["tz"] or "+01:00"
    if tz == "Z":
        tz = "+00:00"
    if ":" not in tz:
        tz = tz[:3] + ":" + tz[3:]
    try:
        return dt.datetime.fromisoformat(f"{match['date']}T{int(match['h']):02d}:{match['m']}:{match['s']}{tz}")
    except ValueError as exc:
        raise FormatError(
            _("'datetime' is not a valid date and time: %(value)r (%(error)s)") % {"value": value, "error": exc}
        ) from exc


def occurred_from_name(name: str, published: dt.datetime) -> dt.datetime | None:
    """When the event happened, from the Swedish date at the start of ``name``; None if absent."""
    match = _NAME_TIME.match(name.strip().lower())
    if not match or match["month"] not in _MONTHS:
        return None
    local = published.astimezone(STOCKHOLM)
    year = local.year
    month = _MONTHS[match["month"]]
    if month > local.month + 1:  # an event from December published in January
        year -= 1
    try:
        value = dt.datetime(year, month, int(match["day"]), int(match["h"]), int(match["m"]), tzinfo=STOCKHOLM)
    except ValueError:
        return None
    return value if value <= published + dt.timedelta(hours=1) else None


def parse_gps(value: Any) -> tuple[float, float]:
    if not isinstance(value, str) or "," not in value:
        raise FormatError(_("'location.gps' must be 'lat,lon', not %(value)r") % {"value": value})
    try:
        lat, lon = (float(part) for part in value.split(",", 1))
    except ValueError as exc:
        raise FormatError(_("'location.gps' must be 'lat,lon', not %(value)r") % {"value": value}) from exc
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise FormatError(_("'location.gps' is out of range: %(value)r") % {"value": value})
    return lat, lon
