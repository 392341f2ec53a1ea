"""The task worker and the scheduler outlast the database going away and coming back: real processes, talking to
the test's PostgreSQL through a TCP proxy that drops every connection and refuses new ones for a few seconds (the
shared server itself is never stopped)."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import connection
from django.utils import timezone

from tests import processes
from trygg.core import jobs
from trygg.core.models import JobRun
from trygg.core.outage import backoff

through_a_proxy = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the database is taken away through a TCP proxy"
)
OUTAGE = 5.0  # seconds the database is away


def test_the_back_off_doubles_from_one_second_up_to_thirty():
    assert [backoff(n) for n in range(1, 9)] == [1, 2, 4, 8, 16, 30, 30, 30]


def background(proxy: processes.DatabaseProxy, *args: str, **extra: str) -> processes.Background:
    """``trygg ARGS`` on the test database through the proxy, with no recurring job due unless ``extra`` says."""
    return processes.Background(*args, **{**processes.never_due(), **extra, "DATABASE_URL": proxy.url})


def a_run_queued(days_ago: int) -> JobRun:
    """A claimed run of a job with nothing to do on the empty test database (``retention``), queued for the
    worker; for the period ``days_ago`` days back (one run per job and period)."""
    now = timezone.now()
    period = now.replace(second=0, microsecond=0) - dt.timedelta(days=days_ago)
    run = JobRun.objects.create(name="retention", period=period, status=JobRun.Status.QUEUED, attempts=1)
    jobs.run_job.enqueue(run_id=run.pk, now=now.isoformat())
    return run


def done(run: JobRun) -> bool:
    run.refresh_from_db()
    return run.status == JobRun.Status.DONE


@through_a_proxy
@pytest.mark.django_db(transaction=True)
def test_the_worker_outlasts_refused_connections_and_runs_a_task_queued_after_the_database_returned():
    with processes.DatabaseProxy() as proxy:
        worker = background(proxy, "worker")
        try:
            first = a_run_queued(days_ago=2)
            processes.wait_until(lambda: done(first), 60, "the worker runs a task before the outage")

            proxy.down()
            time.sleep(OUTAGE)
            assert worker.process.poll() is None, f"the worker ended in the outage:\n{worker.output()}"
            proxy.up()

            returned = time.monotonic()
            after = a_run_queued(days_ago=1)
            processes.wait_until(lambda: done(after), 60, "the worker runs a task queued after the database returned")
            print(f"task queued after the database returned ran after {time.monotonic() - returned:.1f} s")
            assert worker.process.poll() is None
        finally:
            output = worker.stop()
    assert output.count("the database is unreachable") == 1, output  # logged once per outage, not per attempt
    assert output.count("the database is reachable again") == 1, output


@through_a_proxy
@pytest.mark.django_db(transaction=True)
def test_the_scheduler_outlasts_the_outage_and_claims_again_after_it():
    with processes.DatabaseProxy() as proxy:
        scheduler = background(proxy, "scheduler", "--interval", "0.5", TRYGG_SCHEDULE_RETENTION="* * * * *")
        try:
            processes.wait_until(lambda: JobRun.objects.filter(name="retention").exists(), 60, "a first claim")

            proxy.down()
            JobRun.objects.all().delete()  # so that a claim after the outage shows
            time.sleep(OUTAGE)
            assert scheduler.process.poll() is None, f"the scheduler ended in the outage:\n{scheduler.output()}"
            proxy.up()

            processes.wait_until(lambda: JobRun.objects.filter(name="retention").exists(), 60,
                                 f"a claim after the database returned\n{scheduler.output()}")  # fmt: skip
        finally:
            output = scheduler.stop()
    assert output.count("the database is unreachable") == 1, output
