"""Receipt reports ("I did not get a receipt"): per-venue aggregation, the export for Skatteverket, and the
signal the screening reads."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Count, QuerySet
from django.utils import timezone

from .models import ReceiptReport

SIGNAL_DAYS = 365


def per_venue(reports: QuerySet, since: dt.date | None = None) -> list[dict]:
    """Reports per venue, from ``reports``: the rule's queryset, ``ReceiptReport.objects.restrict(user, "handle")``."""
    qs = reports
    if since:
        qs = qs.filter(visited_on__gte=since)
    rows = []
    for venue_id, name, org, address, text, n in (
        qs.values_list("venue", "venue__name", "venue__org_number", "venue__address", "venue_text")
        .annotate(n=Count("id"))
        .order_by("-n")
    ):
        purchases: Counter = Counter()
        for items in qs.filter(venue=venue_id, venue_text=text).values_list("purchases", flat=True):
            purchases.update(items)
        last = (
            qs.filter(venue=venue_id, venue_text=text)
            .order_by("-visited_on")
            .values_list("visited_on", flat=True)
            .first()
        )
        rows.append(
            {
                "venue_id": venue_id,
                "name": name or text,
                "org_number": org or "",
                "address": address or "",
                "reports": n,
                "purchases": dict(purchases),
                "last": last,
            }
        )
    return sorted(rows, key=lambda r: -r["reports"])


def complaints_for_org_number(org_number: str, days: int = SIGNAL_DAYS) -> int:
    """Reports in the last year about venues run by this organisation number (read by the screening)."""
    since = timezone.localdate() - dt.timedelta(days=days)
    return ReceiptReport.objects.filter(venue__org_number=org_number, visited_on__gte=since).count()
