"""The scheduler's runs on both task backends with two workers at once: the database's (django-tasks-db) and
Redis Queue's (django-tasks-rq, against the machine's Redis). A doubled task sends nothing twice. A worker killed
while the SMTP server has not yet accepted a message, or a database that vanishes meanwhile, loses no message:
counted at a real SMTP server that holds the first message."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import threading
import time
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from tests import processes
from tests.factories import make_incident
from tests.mailserver import Inbox, smtp  # noqa: F401 - the fixture
from trygg.core import jobs, mail
from trygg.core.models import JobRun, SentMessage

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MONDAY_7 = dt.datetime(2026, 11, 30, 7, 0, tzinfo=STOCKHOLM)
REDIS = "redis://127.0.0.1:6379/7"
ONE_MINUTE = dt.timedelta(minutes=1)


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


# -- a worker killed, or the database gone, while a message is being sent -------------------------------------


class HoldingInbox(Inbox):
    """An SMTP server that holds the first message at DATA until the test releases it, then refuses it (451): that
    message was never accepted. The rest are accepted."""

    def __init__(self) -> None:
        super().__init__()
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        if not self.holding.is_set():
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Try again later"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def holding_smtp(settings):
    inbox = HoldingInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=processes.free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    try:
        yield inbox
    finally:
        inbox.release.set()
        controller.stop()


def recipients(demo_orgs) -> set[str]:
    """Who gets Monday's digest: the active members who coordinate or report."""
    from trygg.orgs.access import COORDINATING_ROLES

    users = {u for u in demo_orgs["users"].values() if u.is_active}
    return {u.email for u in users if u.memberships.filter(role__in=[*COORDINATING_ROLES, "reporter"]).exists()}


def assert_each_got_one(inbox: Inbox, expected: set[str]) -> None:
    per_recipient = Counter(m["To"].addresses[0].addr_spec for m in inbox.messages)
    assert set(per_recipient) == expected, set(per_recipient) ^ expected
    assert set(per_recipient.values()) == {1}, per_recipient


@pytest.mark.django_db(transaction=True)
def test_a_digest_killed_between_claim_and_send_is_sent_by_the_next_run(demo_orgs, holding_smtp, only_the_digest):
    reported_last_week(demo_orgs)
    expected = recipients(demo_orgs)
    run = jobs.tick(MONDAY_7)[0]
    worker = processes.start("worker", "--burst")
    try:
        processes.wait_until(holding_smtp.holding.is_set, 120, "the worker sends the first message")
        claimed = SentMessage.objects.get()
        assert claimed.sent_at is None, "the message is recorded as sent before the SMTP server accepted it"
    finally:
        worker.kill()  # SIGKILL, between the claim and the server's answer
        worker.wait()
    holding_smtp.release.set()
    assert holding_smtp.messages == []

    # time passes: the claim is older than CLAIM_EXPIRES, and the scheduler queues the run its worker lost again
    SentMessage.objects.filter(pk=claimed.pk).update(claimed_at=timezone.now() - mail.CLAIM_EXPIRES - ONE_MINUTE)
    assert [r.pk for r in jobs.tick(MONDAY_7 + jobs.STUCK_AFTER + ONE_MINUTE)] == [run.pk]
    processes.run("worker", "--burst")

    assert_each_got_one(holding_smtp, expected)
    run.refresh_from_db()
    assert (run.status, run.attempts) == (JobRun.Status.DONE, 2), (run.status, run.error)
    assert set(SentMessage.objects.values_list("status", flat=True)) == {SentMessage.Status.SENT}
    assert SentMessage.objects.get(pk=claimed.pk).attempts == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database is taken away through a TCP proxy")
@pytest.mark.django_db(transaction=True)
def test_a_digest_the_database_vanished_under_is_finished_when_it_returns(demo_orgs, holding_smtp, only_the_digest):
    """The database goes away while the worker waits on the SMTP server, which then refuses the message: the worker
    can record neither the failure nor the run's outcome. When the database is back, the same task takes up its
    run again and every recipient gets the digest once."""
    reported_last_week(demo_orgs)
    expected = recipients(demo_orgs)
    run = jobs.tick(MONDAY_7)[0]
    with processes.DatabaseProxy() as proxy:
        worker = processes.Background("worker", DATABASE_URL=proxy.url)
        try:
            processes.wait_until(holding_smtp.holding.is_set, 120, "the worker sends the first message")
            proxy.down()
            holding_smtp.release.set()
            time.sleep(5)
            assert worker.process.poll() is None, f"the worker ended in the outage:\n{worker.output()}"
            proxy.up()
            processes.wait_until(lambda: JobRun.objects.get(pk=run.pk).status == JobRun.Status.DONE, 120,
                                 f"the run is done after the database returned\n{worker.output()}")  # fmt: skip
        finally:
            output = worker.stop()
    assert_each_got_one(holding_smtp, expected)
    assert set(SentMessage.objects.values_list("status", flat=True)) == {SentMessage.Status.SENT}
    assert "1 task(s) cut short by the outage queued again" in output, output
