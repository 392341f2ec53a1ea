"""Recurring jobs: a registry the apps fill, cron schedules from settings, and runs claimed once per period.

Each job belongs to the app whose data it works on and registers itself in its ``AppConfig.ready``; this module
knows none of them. A job's *period* is the scheduled time it runs for (the latest time of its cron schedule at or
before "now", in the installation's time zone). A run is claimed by inserting the row (job, period): the
database's unique constraint lets exactly one of several schedulers — two ``trygg serve`` processes, say — win
it, and the winner hands it to the task worker. What a job sends is idempotent on its own as well (see
``trygg.core.mail``), so a retried or a forced run sends nothing twice.

Schedules are cron expressions (minute hour day month weekday; ``cronsim``, the parser of healthchecks.io) in
``settings.TRYGG_JOB_SCHEDULES``, each overridable by ``TRYGG_SCHEDULE_<NAME>`` in the environment.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from cronsim import CronSim, CronSimError
from django.conf import settings
from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone
from django_tasks import task

from trygg.core.outage import DATABASE_ERRORS, Outage

log = logging.getLogger(__name__)

RETRY_AFTER = dt.timedelta(minutes=5)  # a failed run is tried again after this long, within its catch-up window
MAX_ATTEMPTS = 3
STUCK_AFTER = dt.timedelta(hours=2)  # a run queued or running this long lost its worker: it is queued again


class Skipped(Exception):
    """The job did not run this period, for the reason given (recorded as skipped, not as a failure)."""


@dataclass(frozen=True)
class JobContext:
    """What a running job knows: its name, the period it runs for and the time it runs at."""

    name: str
    period: dt.datetime
    now: dt.datetime

    @property
    def period_key(self) -> str:
        return period_key(self.period)


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[JobContext], str]  # returns a one-line outcome in Swedish
    description: str
    default_schedule: str
    catch_up: dt.timedelta  # how late after its time a missed run still starts (the server was down, say)

    @property
    def schedule(self) -> str:
        return getattr(settings, "TRYGG_JOB_SCHEDULES", {}).get(self.name, self.default_schedule)


_JOBS: dict[str, Job] = {}


def register(name: str, run: Callable[[JobContext], str], description: str, schedule: str,
             catch_up: dt.timedelta = dt.timedelta(hours=6)) -> Job:  # fmt: skip
    """Add a job (called from an app's ``ready``). Its schedule is checked now, not when it is first due."""
    job = Job(name, run, description, schedule, catch_up)
    validate_schedule(job.schedule, name)
    _JOBS[name] = job
    return job


def all_jobs() -> list[Job]:
    return sorted(_JOBS.values(), key=lambda j: j.name)


def get(name: str) -> Job:
    try:
        return _JOBS[name]
    except KeyError:
        raise KeyError(f"no job {name!r}; the jobs are {', '.join(sorted(_JOBS))}") from None


def validate_schedule(expression: str, name: str = "") -> None:
    try:
        CronSim(expression, timezone.now())
    except CronSimError as exc:
        raise ValueError(f"schedule of {name or 'a job'} {expression!r} is not a cron expression: {exc}") from None


def due_period(expression: str, now: dt.datetime) -> dt.datetime:
    """The latest time of the schedule at or before ``now`` (local time of the installation)."""
    local = timezone.localtime(now).replace(second=0, microsecond=0)
    # cronsim's reverse iteration starts strictly before its start: start a minute later to include ``now``
    return next(CronSim(expression, local + dt.timedelta(minutes=1), reverse=True))


def next_time(expression: str, now: dt.datetime) -> dt.datetime:
    return next(CronSim(expression, timezone.localtime(now).replace(second=0, microsecond=0)))


def previous_period(expression: str, period: dt.datetime) -> dt.datetime:
    """The schedule's time before ``period``: a job covers what happened in [previous, period)."""
    return next(CronSim(expression, timezone.localtime(period), reverse=True))


def period_key(period: dt.datetime) -> str:
    return timezone.localtime(period).strftime("%Y-%m-%dT%H:%M")


def tick(now: dt.datetime | None = None, enqueue: bool = True) -> list:
    """One pass of the scheduler: claim each job's current period if nobody has and hand it to the worker.
    Returns the runs this scheduler claimed."""
    from trygg.core.models import JobRun

    now = now or timezone.now()
    claimed = []
    for job in all_jobs():
        period = due_period(job.schedule, now)
        if now - period > job.catch_up:
            continue
        existing = JobRun.objects.filter(name=job.name, period=period).first()
        run = _claim(JobRun, job.name, period) if existing is None else _reclaim(JobRun, existing, now)
        if run is None:
            continue
        claimed.append(run)
        if enqueue:
            run_job.enqueue(run_id=run.pk, now=now.isoformat())
    return claimed


def _claim(JobRun, name: str, period: dt.datetime):
    try:
        with transaction.atomic():
            return JobRun.objects.create(name=name, period=period, status=JobRun.Status.QUEUED, attempts=1)
    except IntegrityError:  # another scheduler has this period
        return None


def _reclaim(JobRun, run, now: dt.datetime):
    """A run of the current period to try again: failed (after RETRY_AFTER), or stuck — queued or running for
    longer than STUCK_AFTER, as when a worker was killed. Claimed by a conditional update: one scheduler wins."""
    if run.attempts >= MAX_ATTEMPTS:
        return None
    if run.status == JobRun.Status.FAILED:
        if run.finished_at and now - run.finished_at < RETRY_AFTER:
            return None
    elif run.status in (JobRun.Status.QUEUED, JobRun.Status.RUNNING):
        if now - (run.started_at or run.claimed_at) < STUCK_AFTER:
            return None
    else:
        return None
    won = JobRun.objects.filter(pk=run.pk, status=run.status, attempts=run.attempts).update(
        status=JobRun.Status.QUEUED, attempts=run.attempts + 1, started_at=None
    )
    return JobRun.objects.get(pk=run.pk) if won else None


def execute(run, now: dt.datetime | None = None):
    """Run a claimed job and record the outcome (a failure is recorded, logged and raised)."""
    from trygg.core.models import JobRun

    job = get(run.name)
    started = time.perf_counter()
    context = JobContext(job.name, run.period, now or timezone.now())
    # times are recorded on the job's clock (``now``: the real time, or the time a manual run is told it is)
    JobRun.objects.filter(pk=run.pk).update(status=JobRun.Status.RUNNING, started_at=context.now, error="")

    def finished() -> dt.datetime:
        return context.now + dt.timedelta(seconds=time.perf_counter() - started)

    try:
        outcome = job.run(context)
    except Skipped as reason:
        JobRun.objects.filter(pk=run.pk).update(
            status=JobRun.Status.SKIPPED, finished_at=finished(), duration=time.perf_counter() - started,
            outcome=str(reason)[:500],
        )  # fmt: skip
        run.refresh_from_db()
        return run
    except Exception as exc:
        JobRun.objects.filter(pk=run.pk).update(
            status=JobRun.Status.FAILED, finished_at=finished(), duration=time.perf_counter() - started,
            outcome=f"Fel: {str(exc)[:400]}", error=traceback.format_exc()[-4000:],
        )  # fmt: skip
        log.exception("job %s for %s failed", job.name, context.period_key)
        raise
    JobRun.objects.filter(pk=run.pk).update(
        status=JobRun.Status.DONE, finished_at=finished(), duration=time.perf_counter() - started,
        outcome=(outcome or "")[:500],
    )  # fmt: skip
    run.refresh_from_db()
    return run


def run_now(name: str, now: dt.datetime | None = None):
    """Run one job at once for the period ``now`` falls in (``trygg jobs run``); refused while it runs elsewhere."""
    from trygg.core.models import JobRun

    job = get(name)
    now = now or timezone.now()
    period = due_period(job.schedule, now)
    run = _claim(JobRun, name, period)
    if run is None:
        run = JobRun.objects.get(name=name, period=period)
        won = (
            JobRun.objects.filter(pk=run.pk)
            .exclude(status__in=[JobRun.Status.RUNNING, JobRun.Status.QUEUED])
            .update(status=JobRun.Status.QUEUED, attempts=run.attempts + 1)
        )
        if not won:
            raise RuntimeError(f"{name} for {period_key(period)} is already queued or running")
    return execute(run, now)


def latest_runs() -> dict[str, object]:
    """The newest run of each job (for ``trygg jobs`` and the jobs page)."""
    from trygg.core.models import JobRun

    newest = {}
    for run in JobRun.objects.order_by("name", "-period"):
        newest.setdefault(run.name, run)
    return newest


def consecutive_failures(name: str, before: dt.datetime) -> tuple[int, dt.datetime | None]:
    """How many of the job's latest runs before ``before`` failed in a row, and the period of the last of them —
    for a job that backs off while its source is down (skipped runs do not count either way)."""
    from trygg.core.models import JobRun

    failures, last = 0, None
    for run in JobRun.objects.filter(name=name, period__lt=before).exclude(status=JobRun.Status.SKIPPED)[:10]:
        if run.status != JobRun.Status.FAILED:
            break
        failures += 1
        last = last or run.period
    return failures, last


def scheduler_loop(interval: float = 30.0, stop: Callable[[], bool] = lambda: False) -> None:
    """``trygg scheduler``: a tick every ``interval`` seconds until ``stop()``. While the database is away it
    waits with back-off (logged once per outage) and takes up the ticks again on a fresh connection."""
    outage = Outage("scheduler")
    while not stop():
        close_old_connections()  # a kept connection the database dropped is replaced (CONN_HEALTH_CHECKS)
        try:
            tick()
        except DATABASE_ERRORS as error:
            time.sleep(outage.failed(error))
            continue
        except Exception:  # any other failure of one tick must not end the scheduler either
            log.exception("scheduler tick failed")
        else:
            outage.over()
        time.sleep(interval)


@task(takes_context=True)
def run_job(context, run_id: int, now: str) -> None:
    """Background task: execute a claimed run (the task worker, database or Redis Queue, runs it).

    The task takes the queued run, noting its own id on it; a second delivery of the run (another task) finds it
    taken and does nothing. The same task run again — ``trygg worker`` queues a task again that the database
    vanished under — takes up its own run where it was left as running."""
    from trygg.core.models import JobRun

    task_id = str(context.task_result.id)
    runs = JobRun.objects.filter(pk=run_id)
    with transaction.atomic():
        won = runs.filter(status=JobRun.Status.QUEUED).update(status=JobRun.Status.RUNNING, task_id=task_id)
        won = won or runs.filter(status=JobRun.Status.RUNNING, task_id=task_id).exists()
    if won:
        execute(runs.get(), dt.datetime.fromisoformat(now))
