"""The lägesbild's recurring job: compute the reports people will open, before they open them.

On a Monday the week that just ended, on the 1st the month that ended (and on 1 January, 1 May and 1 September
the tertial, on 1 January the year) — for every municipality that uses Trygg and each of its named places, in the
partners' view (what most users see) and in each view that adds one organisation's internal reports. A report
already computed from the same data is left as it is.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from trygg.core import jobs
from trygg.core.periods import Period, current
from trygg.incidents.models import Incident, shared_with_partners
from trygg.orgs.models import Membership, Municipality
from trygg.situation.data import Scope


def periods_ending(day: dt.date) -> list[Period]:
    """The periods that ended the day before ``day``."""
    ended = []
    if day.weekday() == 0:
        ended.append(current("week", day).shifted(-1))
    if day.day == 1:
        ended.append(current("month", day).shifted(-1))
        if day.month in (1, 5, 9):
            ended.append(current("tertial", day).shifted(-1))
        if day.month == 1:
            ended.append(current("year", day).shifted(-1))
    return ended


def viewers(municipality: Municipality) -> list:
    """One user for each distinct view of the municipality's data beyond the partners' (``None``)."""
    views: list = [None]
    orgs = (
        Incident.objects.filter(municipality=municipality)
        .exclude(shared_with_partners())
        .exclude(reporter_org=None)
        .values_list("reporter_org", flat=True)
        .distinct()
    )
    seen = {"partners"}
    User = get_user_model()
    for org in sorted(set(orgs)):
        member = Membership.objects.filter(organisation_id=org, user__is_active=True).values_list("user", flat=True)
        for user in User.objects.filter(pk__in=member, is_superuser=False)[:5]:
            key = Scope(user).key_in(municipality)
            if key not in seen and Municipality.objects.restrict(user, "view").filter(pk=municipality.pk).exists():
                seen.add(key)
                views.append(user)
    return views


def precompute(periods: list[Period], municipalities=None) -> tuple[int, int]:
    """Compute what is not already fresh; returns (computed, already fresh)."""
    from trygg.situation.service import compute_into, current_cache

    computed = fresh = 0
    for municipality in municipalities or Municipality.objects.filter(organisations__kind="municipality").distinct():
        places = [None, *municipality.places.all()]
        for user in viewers(municipality):
            for period in periods:
                for place in places:
                    row, is_fresh = current_cache(municipality, period.key, place, user)
                    if is_fresh:
                        fresh += 1
                        continue
                    compute_into(row.pk, municipality, period.key, place, user)
                    computed += 1
    return computed, fresh


def lagesbild_precompute(context: jobs.JobContext) -> str:
    periods = periods_ending(timezone.localtime(context.period).date())
    if not periods:
        raise jobs.Skipped("ingen period slutade i går")
    computed, fresh = precompute(periods)
    names = ", ".join(p.key for p in periods)
    return f"{names}: {computed} lägesbilder beräknade, {fresh} redan aktuella"


def register() -> None:
    jobs.register("lagesbild_precompute", lagesbild_precompute, "Beräknar veckans, månadens och årets lägesbilder",
                  "30 1 * * *", catch_up=dt.timedelta(hours=20))  # fmt: skip
