"""Tips from residents: creating them (web and Open311), finding nearby open ones, and triage."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.audit import log
from trygg.core import geo
from trygg.core.importing import RecordError
from trygg.incidents.models import Category, Incident, Precision, Source, Status, Visibility
from trygg.orgs.models import Municipality

from . import updates
from .models import OPEN_STATUSES, Tip
from .services import BY_CODE

logger = logging.getLogger(__name__)

MAX_DESCRIPTION = 4000
NEARBY_METRES = 50
PUBLIC_CELL_M = 100  # the public "is it this one?" answers per cell of this size (SWEREF 99 TM)


def active_municipalities():
    """Municipalities where Trygg is in use: a municipality organisation works there."""
    return Municipality.objects.filter(organisations__kind="municipality").distinct().order_by("name")


@dataclass
class TipInput:
    municipality: str
    service_code: str
    description: str = ""
    lat: float | None = None
    lon: float | None = None
    address: str = ""
    email: str = ""
    attributes: dict | None = None


def validate(data: TipInput) -> tuple[Municipality, str]:
    """Check a tip; raises RecordError naming the field (the Open311 layer turns it into a 400)."""
    municipality = active_municipalities().filter(code=data.municipality).first()
    if municipality is None:
        raise RecordError(f"jurisdiction_id: Trygg is not used in municipality {data.municipality!r}")
    service = BY_CODE.get(data.service_code)
    if service is None:
        raise RecordError(f"service_code: unknown service {data.service_code!r}")
    if len(data.description) > MAX_DESCRIPTION:
        raise RecordError(f"description: at most {MAX_DESCRIPTION} characters")
    if (data.lat is None) != (data.lon is None):
        raise RecordError("lat/long: give both or neither")
    if data.lat is None and not data.address.strip():
        raise RecordError("location: give lat and long or an address")
    if data.lat is not None:
        if not (-90 <= data.lat <= 90 and -180 <= data.lon <= 180):
            raise RecordError("lat/long: not a valid position")
        if not municipality.contains(data.lon, data.lat):
            raise RecordError(f"lat/long: the position is outside {municipality.name}")
    allowed = {a.code: {v for v, _ in a.values} for a in service.attributes}
    for key, value in (data.attributes or {}).items():
        if key not in allowed:
            raise RecordError(f"attribute[{key}]: not an attribute of {service.code}")
        if allowed[key] and value not in allowed[key]:
            raise RecordError(f"attribute[{key}]: {value!r} is not one of {', '.join(sorted(allowed[key]))}")
    return municipality, service.code


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def plain_text(text: str) -> str:
    """Free text as stored: control characters (other than tab and line breaks) removed, ends trimmed."""
    return _CONTROL.sub("", text).strip()


_ON_CREATED: list[Callable[[Tip], None]] = []


def on_tip_created(hook: Callable[[Tip], None]) -> None:
    """Call ``hook(tip)`` for every new tip, inside the transaction that creates it (``trygg.forwarding``
    registers one in its ``ready``). A hook that fails is logged and does not refuse the resident's tip."""
    if hook not in _ON_CREATED:
        _ON_CREATED.append(hook)


def create_tip(data: TipInput, photo: str = "", source: str = "web", api_client=None) -> Tip:
    municipality, code = validate(data)
    with transaction.atomic():
        tip = Tip.objects.create(
            municipality=municipality,
            service_code=code,
            description=plain_text(data.description),
            attributes=data.attributes or {},
            lat=data.lat,
            lon=data.lon,
            address=plain_text(data.address)[:300],
            email=data.email.strip(),
            photo=photo,
            source=source,
            api_client=api_client,
        )
        for hook in _ON_CREATED:
            try:
                with transaction.atomic():  # a savepoint: a failing hook leaves the tip intact
                    hook(tip)
            except Exception:
                logger.exception("tip %s: hook %s failed", tip.pk, getattr(hook, "__name__", hook))
    return tip


def nearby_open_on_grid(service_code: str, lat: float, lon: float) -> list[Tip]:
    """Open tips of the same kind in the public grid cell of the point and its eight neighbours.

    For anonymous callers: the answer is the same for every point of a cell, so no sequence of questions
    narrows a tip's position below the ~100 m the public read already shows (a distance test answered yes/no
    would: about 90 questions locate a tip to centimetres, and residents often report from home).
    """
    from trygg.analysis.grid import to_projected

    x, y = to_projected([lon], [lat])
    cell = (int(np.floor(x[0] / PUBLIC_CELL_M)), int(np.floor(y[0] / PUBLIC_CELL_M)))
    candidates = nearby_open(service_code, lat, lon, metres=3 * PUBLIC_CELL_M)
    if not candidates:
        return []
    tx, ty = to_projected([t.lon for t in candidates], [t.lat for t in candidates])
    return [
        t
        for t, cx, cy in zip(candidates, np.floor(tx / PUBLIC_CELL_M), np.floor(ty / PUBLIC_CELL_M), strict=True)
        if abs(cx - cell[0]) <= 1 and abs(cy - cell[1]) <= 1
    ]


def nearby_open(service_code: str, lat: float, lon: float, metres: float = NEARBY_METRES) -> list[Tip]:
    """Open tips of the same kind within ``metres`` — "is it this one?" before sending a duplicate (a tip sent to
    the department counts as open until the department closes it)."""
    west, south, east, north = geo.bbox_around(lon, lat, metres)
    candidates = list(
        Tip.objects.filter(
            status__in=OPEN_STATUSES,
            service_code=service_code,
            lat__gte=south,
            lat__lte=north,
            lon__gte=west,
            lon__lte=east,
        )
    )
    if not candidates:
        return []
    distance = geo.haversine_m(lon, lat, np.array([t.lon for t in candidates]), np.array([t.lat for t in candidates]))
    return [t for t, d in sorted(zip(candidates, distance, strict=True), key=lambda x: x[1]) if d <= metres]


ME_TOO_SALT = "trygg.citizens.me_too"


def me_too_token(tip: Tip) -> str:
    """What the public nearby answer hands out to say "jag också" about a tip: signed, naming the tip by
    nothing that opens its status page. Without a time in it, so that the nearby answer stays the same for
    every point of a grid cell (asking cannot tell points apart); it only counts while the tip is open."""
    from django.core import signing

    return signing.Signer(salt=ME_TOO_SALT).sign_object(tip.pk)


def add_me_too(token: str) -> int | None:
    """Count one more resident for the open tip the token names; its new count, or None (not a valid token, or
    the tip is no longer open). No personal data: only the count changes (not even ``updated_at``)."""
    from django.core import signing
    from django.db.models import F

    try:
        pk = signing.Signer(salt=ME_TOO_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(pk, int):
        return None
    if not Tip.objects.filter(pk=pk, status__in=OPEN_STATUSES).update(me_too=F("me_too") + 1):
        return None
    return Tip.objects.values_list("me_too", flat=True).get(pk=pk)


def _notify(tip: Tip, update) -> None:
    """Tell the sender (if they left an address) what happened. The address is kept for the follow-up two weeks
    later when the tip became an incident, and forgotten now otherwise."""
    from trygg.citizens import notices

    Tip.objects.filter(pk=tip.pk).update(closed_at=timezone.now())
    if not tip.email:
        return
    notices.send_status(tip, update)
    if tip.status != Tip.Status.ACCEPTED:
        forget_address(tip.pk)


def forget_address(tip_id: int) -> None:
    Tip.objects.filter(pk=tip_id).update(email="")


def _lock_open(tip: Tip) -> Tip:
    """The tip as stored, its row locked to the end of the transaction; refused when it was handled meanwhile —
    two coordinators triaging the same tip cannot both act on it."""
    current = (
        Tip.objects.select_for_update(of=("self",))
        .select_related("municipality")
        .defer("municipality__boundary")  # a large JSON document accepting a tip does not read
        .get(pk=tip.pk)
    )
    if not current.is_open:
        raise RecordError(
            _("Somebody else has already handled this tip: %(status)s. Nothing was changed.")
            % {"status": current.get_status_display()}
        )
    return current


def accept(tip: Tip, user) -> Incident:
    with transaction.atomic():
        tip = _lock_open(tip)
        service = BY_CODE[tip.service_code]
        lat, lon, precision = tip.lat, tip.lon, Precision.STREET
        if lat is None:
            lat, lon, precision = tip.municipality.centroid_lat, tip.municipality.centroid_lon, Precision.MUNICIPALITY
        incident = Incident.objects.create(
            category=Category.objects.current().get(code=service.category),
            source=Source.TIP,
            external_id=f"tip:{tip.public_id}",
            description=tip.description,
            municipality=tip.municipality,
            county=tip.municipality.county,
            lat=lat,
            lon=lon,
            precision=precision,
            occurred_start=tip.created_at,
            reported_at=tip.created_at,
            visibility=Visibility.PARTNERS,
            status=Status.CONFIRMED,
            title=service.name,
            reported_by=None,
        )
        tip.status, tip.incident = Tip.Status.ACCEPTED, incident
        tip.save(update_fields=["status", "incident", "updated_at"])
        update = updates.record_status(tip, Tip.Status.OPEN, user)
        log.record(user, "update", tip, summary="tip accepted as incident", changes={"incident": incident.pk})
    _notify(tip, update)
    return incident


def merge(tip: Tip, into: Tip, user) -> None:
    if into.pk == tip.pk or into.municipality_id != tip.municipality_id:
        raise RecordError(_("Choose another tip in the same municipality."))
    with transaction.atomic():
        tip = _lock_open(tip)
        tip.status, tip.merged_into = Tip.Status.MERGED, into
        tip.save(update_fields=["status", "merged_into", "updated_at"])
        update = updates.record_status(tip, Tip.Status.OPEN, user)
        log.record(user, "update", tip, summary="tip merged", changes={"merged_into": into.pk})
    _notify(tip, update)


def reject(tip: Tip, reason: str, user) -> None:
    if len(reason.strip()) < 3:
        raise RecordError(_("Give a reason."))
    with transaction.atomic():
        tip = _lock_open(tip)
        tip.status, tip.status_note = Tip.Status.REJECTED, reason.strip()[:500]
        tip.save(update_fields=["status", "status_note", "updated_at"])
        update = updates.record_status(tip, Tip.Status.OPEN, user, text=tip.status_note)
        log.record(user, "update", tip, summary="tip rejected", changes={"reason": tip.status_note})
    _notify(tip, update)
