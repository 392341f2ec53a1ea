"""The demo's police events brought up to the demo's today: the shared file of real events ends months before
the day the demo is loaded, so its "this week" and "last week" would hold no police event. The real events are
moved forward by whole weeks (weekday and time of day kept, so weekly and daily patterns stay true) until the
newest lies in the last seven days, and each moved event says so in its title and description and counts as
generated demo data wherever the generated is labelled (lists, reports, PDFs, the comparison): its date is not real.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Max
from django.utils import timezone

from trygg.incidents.models import Incident, Source

LABEL = "[Demo: verklig händelse, datum flyttat framåt] "


def shift_to(today: dt.date, areas: set[str]) -> int:
    """Move the police events of the areas forward by whole weeks so the newest is within the week before
    ``today``; returns the weeks moved (0 when they are recent enough)."""
    events = Incident.objects.filter(source=Source.POLICE).filter(municipality__in=areas) | Incident.objects.filter(
        source=Source.POLICE, municipality__isnull=True, county__in=areas
    )
    newest = events.aggregate(m=Max("occurred_start"))["m"]
    if newest is None:
        return 0
    gap = (today - timezone.localdate(newest)).days
    weeks = gap // 7
    if weeks < 1:
        return 0
    step = dt.timedelta(weeks=weeks)

    def later(moment: dt.datetime | None) -> dt.datetime | None:  # the same wall-clock time, weeks later
        if moment is None:
            return None
        local = timezone.localtime(moment)
        return timezone.make_aware(local.replace(tzinfo=None) + step)

    fields = ["occurred_start", "occurred_end", "reported_at", "title", "description", "is_generated"]
    batch = []
    for incident in events.only("pk", *fields).iterator(chunk_size=2000):
        incident.occurred_start = later(incident.occurred_start)
        incident.occurred_end = later(incident.occurred_end)
        incident.reported_at = later(incident.reported_at)
        incident.is_generated = True
        if not incident.title.startswith(LABEL):
            incident.title, incident.description = (LABEL + incident.title)[:200], LABEL + incident.description
        batch.append(incident)
    Incident.objects.bulk_update(batch, fields, batch_size=1000)
    return weeks
