"""The lägesbild's recurring jobs: compute the reports people will open, before they open them.

Every night (``lagesbild_precompute``) every report of the last twelve months — each ISO week, month, tertial and
year that ended within them — for every municipality that uses Trygg and each of its named places, in the
partners' view (what most users see) and in each view that adds one organisation's internal reports; the periods
that ended yesterday first, then newest to oldest. A report already computed from the same data is left as it is,
so after the first night only what changed is computed (a late import into an old month, a new named place).
Every quarter of an hour (``lagesbild_current``) the current week and month, where new data arrived since they
were computed. The PDF and the Word document are drawn from the same cached result.

Each municipality's period is one background task (every view and named place of it; a few seconds), queued below a
user's own request, so that a visitor waits at most for the task a worker is on, and several workers share the
night: ``benchmarks/precompute_workers.py`` measures it for 290 municipalities on Redis Queue.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus

from trygg.core import jobs
from trygg.core.periods import Period, current, parse_period
from trygg.incidents.models import Incident, shared_with_partners
from trygg.orgs.models import Membership, Municipality
from trygg.situation.data import Scope

KEEP_MONTHS = 12  # default of settings.TRYGG_LAGESBILD_PRECOMPUTE_MONTHS
QUEUE, PRIORITY = "background", -10  # after a user's own request: a visitor never waits behind the night's queue


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


def periods_kept(day: dt.date, months: int) -> list[Period]:
    """Every period that ended before ``day`` and after the day ``months`` months earlier: those that ended
    yesterday first, then each kind newest to oldest (weeks, months, tertials, years)."""
    earlier = current("month", day).shifted(-months)
    horizon = earlier.start.replace(day=min(day.day, (earlier.end - earlier.start).days))
    kept = periods_ending(day)
    for kind in ("week", "month", "tertial", "year"):
        period = current(kind, day).shifted(-1)
        while period.end - dt.timedelta(days=1) > horizon:  # its last day within the months
            if period not in kept:
                kept.append(period)
            period = period.shifted(-1)
    return kept


def current_periods(day: dt.date) -> list[Period]:
    """The week and the month ``day`` falls in (recomputed as data arrive)."""
    return [current("week", day), current("month", day)]


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


def precompute_one(municipality: Municipality, periods: list[Period]) -> tuple[int, int]:
    """Compute the municipality's reports of ``periods`` that are not already fresh; (computed, already fresh)."""
    from trygg.situation.service import compute_into, current_cache

    computed = fresh = 0
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


@task()
def precompute_municipality(municipality: str, periods: list[str]) -> list[int]:
    """Background task: one municipality's reports of the given periods; returns [computed, already fresh]."""
    return list(precompute_one(Municipality.objects.get(code=municipality), [parse_period(p) for p in periods]))


def using_trygg() -> list[Municipality]:
    return list(Municipality.objects.filter(organisations__kind="municipality").distinct().order_by("code"))


def precompute(periods: list[Period], municipalities=None) -> str:
    """Queue one task per municipality and period (the periods in the order given, all municipalities' first); the
    outcome in Swedish (counted where the tasks ran at once)."""
    municipalities = using_trygg() if municipalities is None else list(municipalities)
    keys = [p.key for p in periods]
    computed = fresh = queued = 0
    backend, options = precompute_municipality.get_backend(), {}
    if QUEUE in backend.queues:  # RQ takes its queues in order
        options["queue_name"] = QUEUE
    if backend.supports_priority:  # the database worker the highest priority first
        options["priority"] = PRIORITY
    background = precompute_municipality.using(**options)
    for key in keys:
        for municipality in municipalities:
            result = background.enqueue(municipality=municipality.code, periods=[key])
            if result.status == TaskResultStatus.SUCCESSFUL:
                done, already = result.return_value
                computed, fresh = computed + done, fresh + already
            else:
                queued += 1
    if queued:
        return f"{len(keys)} perioder för {len(municipalities)} kommuner: {queued} uppgifter köade"
    return f"{computed} lägesbilder beräknade, {fresh} redan aktuella"


def lagesbild_precompute(context: jobs.JobContext) -> str:
    day = timezone.localtime(context.period).date()
    periods = periods_kept(day, getattr(settings, "TRYGG_LAGESBILD_PRECOMPUTE_MONTHS", KEEP_MONTHS))
    if not periods:
        raise jobs.Skipped("inga perioder att beräkna")
    ended = ", ".join(p.key for p in periods_ending(day)) or "inga perioder slutade i går"
    return f"{ended}; {len(periods)} perioder: {precompute(periods)}"


def lagesbild_current(context: jobs.JobContext) -> str:
    periods = current_periods(timezone.localtime(context.period).date())
    return f"{', '.join(p.key for p in periods)}: {precompute(periods)}"


def register() -> None:
    jobs.register("lagesbild_precompute", lagesbild_precompute,
                  "Beräknar lägesbilderna för de senaste tolv månaderna (det som ändrats)", "30 1 * * *",
                  catch_up=dt.timedelta(hours=20))  # fmt: skip
    jobs.register("lagesbild_current", lagesbild_current,
                  "Räknar om innevarande vecka och månad när nya uppgifter kommit", "*/15 * * * *",
                  catch_up=dt.timedelta(minutes=14))  # fmt: skip
