"""The incidents' recurring job: the police's public events for the counties the installation serves.

Fetching is something the installation turns on (``TRYGG_POLICE_FETCH=1``): nothing is downloaded unless asked
for. Events are idempotent by their id, so a doubled run creates nothing twice. While the source fails, the job
backs off: after k failures in a row it waits 15 min × 2^k (at most 4 h) before trying again.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from trygg.audit import log
from trygg.core import jobs
from trygg.core.importing import RecordError, fetch_url
from trygg.orgs.models import Municipality

BACK_OFF_START, BACK_OFF_MAX = dt.timedelta(minutes=15), dt.timedelta(hours=4)


def served_counties() -> list[str]:
    """The counties of the municipalities that use Trygg (that have their own organisation in it)."""
    return sorted(
        set(Municipality.objects.filter(organisations__kind="municipality").values_list("county_id", flat=True))
    )


def back_off(failures: int) -> dt.timedelta:
    return min(BACK_OFF_START * 2**failures, BACK_OFF_MAX) if failures else dt.timedelta(0)


def police_events(context: jobs.JobContext) -> str:
    from trygg.incidents.police import area_filter, import_event_file

    if not settings.TRYGG_POLICE_FETCH:
        raise jobs.Skipped("hämtning avstängd (TRYGG_POLICE_FETCH=1 slår på den)")
    failures, last = jobs.consecutive_failures("police_events", context.period)
    if failures and last and context.now - last < back_off(failures):
        raise jobs.Skipped(f"väntar efter {failures} misslyckade hämtningar i rad")
    counties = served_counties()
    if not counties:
        raise jobs.Skipped("inga län: ingen kommun använder Trygg ännu")
    url = settings.TRYGG_POLICE_API_URL
    try:
        data = fetch_url(url)
    except (OSError, RecordError) as exc:
        raise RuntimeError(f"{url} svarade inte: {exc}") from exc
    # every municipality of the counties and the county-level events
    areas = set(counties) | set(Municipality.objects.filter(county__in=counties).values_list("code", flat=True))
    report = import_event_file(data, source=url, only_areas=area_filter(areas))
    log.record("police_events", "import", object_type="incidents.incident", summary=report.summary(),
               changes={"created": report.created, "rejected": len(report.rejected)})  # fmt: skip
    return (
        f"{report.created} nya, {report.already_present} redan kända, {len(report.rejected)} avvisade "
        f"(län {', '.join(counties)})"
    )


def last_fetched() -> dt.datetime | None:
    """When police events were last fetched successfully (shown as "senast hämtat")."""
    from trygg.core.models import JobRun

    run = JobRun.objects.filter(name="police_events", status=JobRun.Status.DONE).order_by("-finished_at").first()
    return timezone.localtime(run.finished_at) if run else None


def register() -> None:
    jobs.register("police_events", police_events, "Hämtar polisens händelser för länen", "*/15 * * * *",
                  catch_up=dt.timedelta(minutes=14))  # fmt: skip
