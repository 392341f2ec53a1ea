"""The scheduler's runs on both task backends with two workers at once: the database's (django-tasks-db) and
Redis Queue's (django-tasks-rq, against the machine's Redis). A doubled task sends nothing twice."""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from tests import processes
from tests.factories import make_incident
from tests.mailserver import smtp  # noqa: F401 - the fixture
from trygg.core import jobs
from trygg.core.models import JobRun

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MONDAY_7 = dt.datetime(2026, 11, 30, 7, 0, tzinfo=STOCKHOLM)
REDIS = "redis://127.0.0.1:6379/7"


def redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def reported_last_week(demo_orgs) -> None:
    make_incident(municipality="1780", org=demo_orgs["orgs"]["centrum-karlstad"], visibility="partners",
                  when=dt.datetime(2026, 11, 25, 21, 0, tzinfo=STOCKHOLM))  # fmt: skip


def two_workers(backend: str) -> None:
    """Two ``trygg worker --burst`` processes at once on the test database."""
    workers = [processes.start("worker", "--burst", TRYGG_TASK_BACKEND=backend, REDIS_URL=REDIS) for _ in range(2)]
    for worker in workers:
        output, _ = worker.communicate(timeout=120)
        assert worker.returncode == 0, output.decode()


@pytest.fixture
def only_the_digest(monkeypatch):
    monkeypatch.setattr(jobs, "_JOBS", {"weekly_digest": jobs.get("weekly_digest")})


def enqueue_monday_doubled() -> JobRun:
    """The scheduler claims Monday's digest and queues it; the same task is queued a second time (a redelivery)."""
    claimed = jobs.tick(MONDAY_7)
    assert len(claimed) == 1
    jobs.run_job.enqueue(run_id=claimed[0].pk, now=MONDAY_7.isoformat())
    return claimed[0]


def assert_sent_once(smtp, run: JobRun) -> None:  # noqa: F811
    run.refresh_from_db()
    assert run.status == JobRun.Status.DONE, (run.status, run.outcome, run.error)
    per_recipient = Counter(m["To"] for m in smtp.messages)
    assert per_recipient and set(per_recipient.values()) == {1}, per_recipient


@pytest.mark.django_db(transaction=True)
def test_two_database_workers_send_the_digest_once(demo_orgs, smtp, only_the_digest):  # noqa: F811
    reported_last_week(demo_orgs)
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}):
        run = enqueue_monday_doubled()
        from django_tasks_db.models import DBTaskResult

        assert DBTaskResult.objects.count() == 2
        two_workers("db")
        assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert_sent_once(smtp, run)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    os.environ.get("TRYGG_TEST_WITHOUT_REDIS") == "1", reason="TRYGG_TEST_WITHOUT_REDIS=1: no Redis on this machine"
)
def test_two_redis_queue_workers_send_the_digest_once(demo_orgs, smtp, only_the_digest):  # noqa: F811
    import django_rq
    from django_tasks_rq.backend import Job

    assert redis_reachable(), f"no Redis at {REDIS} (set TRYGG_TEST_WITHOUT_REDIS=1 to skip this test)"
    reported_last_week(demo_orgs)
    rq_settings = {
        "TASKS": {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
        "RQ_QUEUES": {"default": {"URL": REDIS}},
    }
    with override_settings(**rq_settings):
        queue = django_rq.get_queue("default", job_class=Job)
        queue.empty()
        run = enqueue_monday_doubled()
        assert queue.count == 2
        two_workers("rq")
        assert queue.count == 0
    assert_sent_once(smtp, run)
