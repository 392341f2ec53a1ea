"""The issue's check, end to end: on the demo, Monday's digest, a measure reminder, a tip notice and a resident
follow-up are each triggered with ``trygg jobs run …`` (a separate process, as a person would type it) and
arrive at an SMTP server on loopback."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests import processes
from tests.mailserver import smtp  # noqa: F401 - the fixture
from trygg.citizens.models import Tip


@pytest.mark.long
@pytest.mark.django_db(transaction=True)
def test_the_demos_messages_arrive_when_their_jobs_are_run(shared_data, smtp):  # noqa: F811
    from tests.conftest import ensure_base_data

    ensure_base_data()
    call_command("load_demo", "--data", str(shared_data), "--quiet-logins", stdout=io.StringIO())
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    new_tip = Tip.objects.create(municipality_id="1780", service_code="klotter", description="Klotter på bron")
    hour = timezone.localtime(new_tip.created_at).replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)

    def run(job: str, when: dt.datetime | dt.date) -> None:
        stamp = when.strftime("%Y-%m-%dT%H:%M") if isinstance(when, dt.datetime) else f"{when}T{job_time[job]}"
        # every day and hour, so that the test reads the same on a Saturday evening
        processes.run("jobs", "run", job, "--now", stamp, TRYGG_SCHEDULE_MEASURE_REMINDERS="0 8 * * *",
                      TRYGG_SCHEDULE_TIP_NOTICES="0 * * * *")  # fmt: skip

    job_time = {"weekly_digest": "07:00", "measure_reminders": "08:00", "resident_followup": "10:00"}
    run("weekly_digest", monday)
    assert len(smtp.to("centrum.rapportor@trygg.example")) == 1
    assert "Veckobrev" in smtp.to("karlstad.samordnare@trygg.example")[0]["Subject"]
    run("measure_reminders", today)
    reminder = [m for m in smtp.to("centrum.rapportor@trygg.example") if "Påminnelse" in m["Subject"]]
    assert len(reminder) == 1 and "Sanera klottret" in smtp.text(reminder[0])
    run("tip_notices", hour)
    notice = [m for m in smtp.to("karlstad.samordnare@trygg.example") if m["Subject"] == "Nya tips från invånare"]
    arrived = Tip.objects.filter(municipality="1780", status=Tip.Status.OPEN,
                                 created_at__gte=hour - dt.timedelta(hours=1), created_at__lt=hour).count()  # fmt: skip
    assert arrived >= 1  # the new tip, and the demo's own loaded in the same hour
    assert len(notice) == 1 and f"Karlstad: {arrived}" in smtp.text(notice[0]) and "bron" not in smtp.text(notice[0])
    run("resident_followup", today)
    followup = smtp.to("invanare.1780@trygg.example")
    assert len(followup) == 1 and followup[0]["Subject"] == "Är det åtgärdat?"
    assert "Nej, det är inte åtgärdat" in smtp.text(followup[0])
