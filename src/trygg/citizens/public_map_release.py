"""Releases of the public map: what residents see is published once a day, not computed at each visit.

A release (``PublicMapRelease``) holds a municipality's whole public map — every category × period, in steps of k
(``trygg.citizens.publicmap``) — and the page shows the latest one. Two visits on the same day therefore see the
same numbers, and two days differ only by 0 or multiples of k in every number.

Releases are made by the job ``public_map_release`` (01:00, after the day has closed;
``TRYGG_SCHEDULE_PUBLIC_MAP_RELEASE`` changes it) for every municipality that uses Trygg, and at once by
``trygg jobs run public_map_release`` (after a report was made public by mistake, say). A page that finds no
release for its municipality (a fresh installation, the demo) makes the first one. Releases older than ``KEEP``
are deleted by the job, except each municipality's latest. Operators: ``docs/operations.md``.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from trygg.core import jobs

from .models import PublicMapRelease
from .publicmap import FORMAT, publication

KEEP = dt.timedelta(days=90)


def latest(municipality) -> PublicMapRelease | None:
    """The release made last (a run between midnight and the 01:00 job is for the day before, and still the newest)."""
    return PublicMapRelease.objects.filter(municipality=municipality).order_by("-id").first()


def make(municipality, day: dt.date | None = None) -> PublicMapRelease:
    """A new release of ``municipality``'s map, for ``day`` (default today, local time), from the data as it is now."""
    day = day or timezone.localdate()
    return PublicMapRelease.objects.create(municipality=municipality, day=day, data=publication(municipality, day))


def current(municipality) -> PublicMapRelease:
    """The release the page shows: the latest, or a first one made now when there is none (or only releases in a
    layout older than this version's, after an upgrade)."""
    release = latest(municipality)
    if release is None or release.data.get("format") != FORMAT:
        release = make(municipality)
    return release


def prune(day: dt.date) -> int:
    """Delete the releases older than ``KEEP`` before ``day``, keeping each municipality's latest; how many went."""
    old = PublicMapRelease.objects.filter(day__lt=day - KEEP)
    for municipality_id in set(old.values_list("municipality_id", flat=True)):
        old = old.exclude(id=latest(municipality_id).id)
    return old.delete()[0]


def run(context: jobs.JobContext) -> str:
    """The job: a release of every municipality that uses Trygg, for the day the run is scheduled on."""
    from .tips import active_municipalities

    day = timezone.localtime(context.period).date()
    made = [make(m, day).municipality.name for m in active_municipalities()]
    if not made:
        raise jobs.Skipped("ingen kommun använder Trygg ännu")
    pruned = prune(day)
    outcome = f"kartan publicerad för {day}: {', '.join(made)}"
    return outcome + (f"; {pruned} gamla versioner borttagna" if pruned else "")


def register() -> None:
    jobs.register("public_map_release", run, "Publicerar de offentliga kartorna, en gång per dygn", "0 1 * * *",
                  catch_up=dt.timedelta(hours=20))  # fmt: skip
