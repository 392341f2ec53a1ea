"""Recurring jobs: schedules, one run per period among several schedulers, and what the jobs send, read back
from a real SMTP server on loopback."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests import processes
from tests.at_once import at_once
from tests.factories import make_incident
from tests.mailserver import smtp  # noqa: F401 - the fixture
from trygg.core import jobs, mail
from trygg.core.models import JobRun, SentMessage
from trygg.measures.models import Measure
from trygg.measures.reminders import reminder_due

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MONDAY_7 = dt.datetime(2026, 11, 30, 7, 0, tzinfo=STOCKHOLM)  # Monday of week 49


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=STOCKHOLM)


def test_the_period_is_the_latest_scheduled_time_at_or_before_now():
    assert jobs.due_period("0 7 * * 1", local(2026, 11, 30, 7, 0)) == local(2026, 11, 30, 7, 0)
    assert jobs.due_period("0 7 * * 1", local(2026, 11, 30, 6, 59)) == local(2026, 11, 23, 7, 0)
    assert jobs.due_period("0 7 * * 1", local(2026, 12, 3, 12, 0)) == local(2026, 11, 30, 7, 0)
    assert jobs.due_period("*/15 * * * *", local(2026, 12, 3, 7, 44, 59)) == local(2026, 12, 3, 7, 30)
    assert jobs.previous_period("*/15 * * * *", local(2026, 12, 3, 7, 30)) == local(2026, 12, 3, 7, 15)
    with pytest.raises(ValueError, match="not a cron expression"):
        jobs.validate_schedule("every monday", "weekly_digest")


def test_reminder_days_are_the_day_after_due_and_then_weekly():
    due = dt.date(2026, 11, 2)  # Monday
    days = [due + dt.timedelta(days=n) for n in range(0, 30)]
    owner = [d for d in days if reminder_due(due, d - dt.timedelta(days=1), d)]
    coordinator = [d for d in days if reminder_due(due, d - dt.timedelta(days=1), d, first_after=8)]
    assert owner == [dt.date(2026, 11, 3), dt.date(2026, 11, 10), dt.date(2026, 11, 17), dt.date(2026, 11, 24),
                     dt.date(2026, 12, 1)]  # fmt: skip
    assert coordinator == [dt.date(2026, 11, 10), dt.date(2026, 11, 17), dt.date(2026, 11, 24), dt.date(2026, 12, 1)]
    # a run on Monday after a weekend covers the Saturday's reminder day
    assert reminder_due(dt.date(2026, 11, 6), since=dt.date(2026, 11, 6), today=dt.date(2026, 11, 9))


def test_every_job_of_the_issue_is_registered_with_a_valid_schedule():
    names = {j.name for j in jobs.all_jobs()}
    assert names == {"police_events", "lagesbild_precompute", "lagesbild_current", "weekly_digest",
                     "measure_reminders", "tip_notices", "resident_followup", "retention", "tip_forwarding",
                     "public_map_release", "rescreening", "screening_digest"}  # fmt: skip


@pytest.mark.django_db
def test_a_tick_claims_each_due_job_once_and_a_second_tick_claims_nothing():
    first = jobs.tick(MONDAY_7, enqueue=False)
    assert "weekly_digest" in {r.name for r in first}
    assert jobs.tick(MONDAY_7 + dt.timedelta(seconds=20), enqueue=False) == []
    assert JobRun.objects.filter(name="weekly_digest").count() == 1


@pytest.mark.django_db
def test_a_missed_run_is_not_started_after_its_catch_up_window():
    late = MONDAY_7 + dt.timedelta(hours=7)
    assert "weekly_digest" not in {r.name for r in jobs.tick(late, enqueue=False)}


@pytest.mark.django_db
def test_a_failed_run_is_retried_after_five_minutes_up_to_three_attempts(monkeypatch):
    calls = []

    def failing(context):
        calls.append(context.period)
        raise RuntimeError("source down")

    monkeypatch.setitem(
        jobs._JOBS, "weekly_digest", jobs.Job("weekly_digest", failing, "", "0 7 * * 1", dt.timedelta(hours=6))
    )
    monkeypatch.setattr(jobs, "_JOBS", {"weekly_digest": jobs._JOBS["weekly_digest"]})
    for minutes in (0, 1, 6, 12, 18, 24):
        for run in jobs.tick(MONDAY_7 + dt.timedelta(minutes=minutes), enqueue=False):
            with pytest.raises(RuntimeError):
                jobs.execute(run, MONDAY_7 + dt.timedelta(minutes=minutes))
    assert len(calls) == 3
    run = JobRun.objects.get(name="weekly_digest")
    assert run.status == JobRun.Status.FAILED and run.attempts == 3 and "source down" in run.outcome


@pytest.mark.django_db
def test_a_run_whose_worker_died_is_queued_again_after_two_hours(monkeypatch):
    job = jobs.Job("weekly_digest", lambda context: "ok", "", "0 7 * * 1", dt.timedelta(hours=6))
    monkeypatch.setattr(jobs, "_JOBS", {"weekly_digest": job})
    (run,) = jobs.tick(MONDAY_7, enqueue=False)
    JobRun.objects.filter(pk=run.pk).update(status=JobRun.Status.RUNNING, started_at=MONDAY_7)  # then it died
    assert jobs.tick(MONDAY_7 + dt.timedelta(hours=1), enqueue=False) == []
    (again,) = jobs.tick(MONDAY_7 + dt.timedelta(hours=2, minutes=1), enqueue=False)
    assert again.pk == run.pk and again.status == JobRun.Status.QUEUED and again.attempts == 2
    assert jobs.execute(again, MONDAY_7 + dt.timedelta(hours=2, minutes=1)).status == JobRun.Status.DONE
    assert jobs.tick(MONDAY_7 + dt.timedelta(hours=5), enqueue=False) == []  # done: not again


def people(demo_orgs):
    return demo_orgs["users"]


@pytest.mark.django_db(transaction=True)
def test_monday_digest_arrives_once_per_recipient_with_two_schedulers_at_once(demo_orgs, smtp):  # noqa: F811
    users = people(demo_orgs)
    reporter = users["centrum.rapportor"]
    org = demo_orgs["orgs"]["centrum-karlstad"]
    for day in (24, 25, 26):  # reported in week 48
        incident = make_incident(municipality="1780", org=org, visibility="partners",
                                 when=local(2026, 11, day, 22, 0))  # fmt: skip
        type(incident).objects.filter(pk=incident.pk).update(reported_at=local(2026, 11, day, 23, 0))
    claimed: list = []
    at_once(lambda: claimed.extend(r for r in jobs.tick(MONDAY_7, enqueue=False) if r.name == "weekly_digest"))
    assert len(claimed) == 1  # one scheduler won the period
    jobs.execute(claimed[0], MONDAY_7)
    jobs.run_now("weekly_digest", MONDAY_7 + dt.timedelta(minutes=30))  # a forced re-run sends nothing again
    got = smtp.to(reporter.email)
    assert len(got) == 1
    message = got[0]
    text = smtp.text(message)
    assert "3 incidents" not in text and "rapporterade 3 händelser" in text, text
    assert "vecka 48 2026" in message["Subject"] and reporter.get_full_name() not in message["Subject"]
    assert "Trygga centrum" in str(message["From"])
    assert message["List-Unsubscribe"].strip().startswith("<http") and message["List-Unsubscribe-Post"]
    assert smtp.html(message).count("<a href=") >= 1
    recipients = [m["To"] for m in smtp.messages]
    assert len(recipients) == len(set(recipients)), "somebody got the digest twice"
    coordinator = users["karlstad.samordnare"]
    assert len(smtp.to(coordinator.email)) == 1
    assert "agenda" in smtp.text(smtp.to(coordinator.email)[0]) or "dagordning" in smtp.text(
        smtp.to(coordinator.email)[0]
    )


@pytest.mark.django_db
def test_a_message_is_sent_only_when_accepted_and_a_claim_is_left_to_its_holder_until_it_expires(smtp, settings):  # noqa: F811
    to = "boende@example.org"
    message = mail.Outgoing("tip_reply", "tip_reply:test", to, "Svar om ditt tips", "citizens/mail/reply",
                            {"update": {"text": "Lampan är lagad."}}, tip_id=1)  # fmt: skip
    claim = SentMessage.objects.create(kind=message.kind, key=message.key, claimed_by="elsewhere:1:1")
    assert not mail.send(message), "a fresh claim of another process is being sent there"
    SentMessage.objects.filter(pk=claim.pk).update(claimed_at=timezone.now() - mail.CLAIM_EXPIRES)
    assert mail.send(message), "a claim older than CLAIM_EXPIRES was left by a process that died: sent now"
    claim.refresh_from_db()
    assert (claim.status, claim.attempts, claim.sent_at is not None) == (SentMessage.Status.SENT, 2, True)
    assert len(smtp.to(to)) == 1
    assert not mail.send(message), "sent: not again"

    refused = dataclasses.replace(message, key="tip_reply:test-refused")
    smtp_port, settings.EMAIL_PORT = settings.EMAIL_PORT, processes.free_port()  # nothing listens there
    with pytest.raises(ConnectionRefusedError):
        mail.send(refused)
    failed = SentMessage.objects.get(key=refused.key)
    assert failed.status == SentMessage.Status.FAILED and failed.sent_at is None
    assert "ConnectionRefusedError" in failed.error
    settings.EMAIL_PORT = smtp_port
    assert mail.send(refused), "a failed message is tried again by the next run"
    assert len(smtp.to(to)) == 2


@pytest.mark.django_db
def test_unsubscribe_link_turns_the_kind_off_on_post_only(demo_orgs, smtp, client):  # noqa: F811
    user = people(demo_orgs)["centrum.rapportor"]
    token = mail.unsubscribe_token("weekly_digest", user=user)
    assert client.get(f"/meddelanden/avsluta/{token}/").status_code == 200
    assert mail.wants(user, "weekly_digest")  # a link scanner's GET changes nothing
    assert client.post(f"/meddelanden/avsluta/{token}/", {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert not mail.wants(user, "weekly_digest")
    assert client.get(f"/meddelanden/avsluta/{token[:-3]}xyz/").status_code == 400
    jobs.run_now("weekly_digest", MONDAY_7)
    assert smtp.to(user.email) == []


@pytest.mark.django_db
def test_measure_reminder_goes_to_the_owner_then_to_the_coordinator(demo_orgs, smtp):  # noqa: F811
    users, orgs = people(demo_orgs), demo_orgs["orgs"]
    measure = Measure.objects.create(title="Belysning i tunneln", kind="lighting", municipality_id="1780",
                                     owner=orgs["centrum-karlstad"], due=dt.date(2026, 11, 23))  # fmt: skip
    call_command("jobs", "run", "measure_reminders", "--now", "2026-11-24T08:00")  # the day after
    owner, coordinator = users["centrum.rapportor"], users["karlstad.samordnare"]
    assert len(smtp.to(owner.email)) == 1 and smtp.to(coordinator.email) == []
    assert "Belysning i tunneln" in smtp.text(smtp.to(owner.email)[0])
    assert "Belysning" not in smtp.to(owner.email)[0]["Subject"]
    call_command("jobs", "run", "measure_reminders", "--now", "2026-11-25T08:00")  # no reminder day
    assert len(smtp.messages) == 1
    call_command("jobs", "run", "measure_reminders", "--now", "2026-12-01T08:00")  # a week later: both
    assert len(smtp.to(owner.email)) == 2 and len(smtp.to(coordinator.email)) == 1
    assert len(smtp.to(people(demo_orgs)["karlstad.admin"].email)) == 1  # admins coordinate too
    assert smtp.to(people(demo_orgs)["polis.karlstad"].email) == []  # not the municipality's own organisation
    before = len(smtp.messages)
    measure.status = Measure.Status.DONE
    measure.save()
    call_command("jobs", "run", "measure_reminders", "--now", "2026-12-08T08:00")
    assert len(smtp.messages) == before  # done: no more reminders


@pytest.mark.django_db
def test_tip_notice_to_coordinators_says_how_many_not_what(demo_orgs, smtp):  # noqa: F811
    from trygg.citizens.models import Tip

    tip = Tip.objects.create(municipality_id="1780", service_code="klotter",
                             description="Hemligt klotter vid Storgatan 3", email="boende@trygg.example")  # fmt: skip
    Tip.objects.filter(pk=tip.pk).update(created_at=local(2026, 12, 2, 9, 30))
    call_command("jobs", "run", "tip_notices", "--now", "2026-12-02T10:00")
    coordinator = people(demo_orgs)["karlstad.samordnare"]
    got = smtp.to(coordinator.email)
    assert len(got) == 1 and "Karlstad: 1" in smtp.text(got[0])
    assert "Storgatan" not in smtp.text(got[0]) and "Storgatan" not in smtp.html(got[0])
    assert smtp.to("boende@trygg.example") == []  # the resident's address is not a coordinator's
    assert smtp.to(people(demo_orgs)["polis.karlstad"].email) == []  # the police do not read residents' tips


@pytest.mark.django_db
def test_resident_hears_status_then_follow_up_and_no_reopens_the_tip(demo_orgs, smtp, client):  # noqa: F811
    from trygg.citizens import tips
    from trygg.citizens.models import Tip

    tip = Tip.objects.create(municipality_id="1780", service_code="belysning", description="Trasig lampa",
                             lat=59.3794, lon=13.5035, email="boende@trygg.example")  # fmt: skip
    tips.accept(tip, people(demo_orgs)["karlstad.samordnare"])
    status = smtp.to("boende@trygg.example")
    assert len(status) == 1 and "registrerats som en händelse" in smtp.text(status[0])
    closed = Tip.objects.get(pk=tip.pk).closed_at
    call_command(
        "jobs",
        "run",
        "resident_followup",
        "--now",
        timezone.localtime(closed + dt.timedelta(days=13)).strftime("%Y-%m-%dT%H:%M"),
    )
    assert len(smtp.to("boende@trygg.example")) == 1  # not yet
    when = timezone.localtime(closed + dt.timedelta(days=14, hours=1)).strftime("%Y-%m-%dT%H:%M")
    call_command("jobs", "run", "resident_followup", "--now", when)
    call_command("jobs", "run", "resident_followup", "--now", when)  # run again: nothing twice
    got = smtp.to("boende@trygg.example")
    assert len(got) == 2 and got[1]["Subject"] == "Är det åtgärdat?"
    text = smtp.text(got[1])
    no_url = next(line.split(": ", 1)[1] for line in text.splitlines() if line.startswith("Nej, det är inte"))
    path = no_url.split("8000", 1)[1]
    assert client.get(path).status_code == 200 and Tip.objects.get(pk=tip.pk).status == Tip.Status.ACCEPTED
    assert client.post(path).status_code == 200
    tip.refresh_from_db()
    assert tip.status == Tip.Status.OPEN and tip.followup_answer == "no" and tip.email == ""
    assert SentMessage.objects.filter(key__startswith=f"tip_followup:{tip.pk}").count() == 1


@pytest.mark.django_db
def test_a_rejected_tip_forgets_the_address_at_once_and_the_residents_link_forgets_it_too(demo_orgs, smtp, client):  # noqa: F811
    from trygg.citizens import tips
    from trygg.citizens.models import Tip

    coordinator = people(demo_orgs)["karlstad.samordnare"]
    rejected = Tip.objects.create(municipality_id="1780", service_code="klotter", email="a@trygg.example")
    tips.reject(rejected, "Redan sanerat", coordinator)
    rejected.refresh_from_db()
    assert rejected.email == "" and len(smtp.to("a@trygg.example")) == 1
    accepted = Tip.objects.create(municipality_id="1780", service_code="klotter", email="b@trygg.example")
    tips.accept(accepted, coordinator)
    link = next(w for w in smtp.text(smtp.to("b@trygg.example")[0]).split() if "/meddelanden/avsluta/" in w)
    path = link.split("8000", 1)[1]
    assert client.post(path).status_code == 200
    accepted.refresh_from_db()
    assert accepted.email == ""


@pytest.mark.django_db
def test_trygg_jobs_and_the_jobs_page_show_schedule_last_run_and_outcome(demo_orgs, login):
    import io

    call_command("jobs", "run", "retention", "--now", "2026-12-03T03:30")
    out = io.StringIO()
    call_command("jobs", stdout=out)
    lines = {line.split()[0]: line for line in out.getvalue().splitlines()}
    assert set(lines) == {j.name for j in jobs.all_jobs()}
    assert "30 3 * * *" in lines["retention"] and "2026-12-03 03:30 done" in lines["retention"]
    assert "raderade 0 ärenden" in lines["retention"] and "not run yet" in lines["weekly_digest"]
    admin, coordinator = people(demo_orgs)["karlstad.admin"], people(demo_orgs)["karlstad.samordnare"]
    html = login(admin).get("/jobb/").content.decode()
    assert "Schemalagda jobb" in html and "raderade 0 ärenden" in html and "0 7 * * 1" in html
    assert login(coordinator).get("/jobb/").status_code == 403


def test_a_bad_schedule_or_job_name_is_refused_with_the_reason(settings):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=r"no job 'digest'.*weekly_digest"):
        call_command("jobs", "run", "digest")
    with pytest.raises(CommandError, match="is not a time like"):
        call_command("jobs", "run", "retention", "--now", "monday")
