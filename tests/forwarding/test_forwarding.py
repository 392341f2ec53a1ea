"""Tips forwarded to the department's own Open311 endpoint (a real GeoReport v2 server on loopback, see
``tests/open311_department.py``), the department's status read back by the job, the resident told by e-mail
through a real SMTP server on loopback, failures retried and shown, and two runs at once sending once."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail as django_mail
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.at_once import at_once
from trygg.audit.models import AuditEvent
from trygg.citizens import tips
from trygg.citizens.models import Tip, TipUpdate
from trygg.core import jobs
from trygg.core.models import SentMessage
from trygg.forwarding import sending
from trygg.forwarding.models import Forwarding

from .conftest import KEY_VARIABLE, LIGHT

pytestmark = pytest.mark.django_db

NAME = "Gatu- och belysningsavdelningen"


def run_job(now: dt.datetime | None = None):
    return jobs.run_now("tip_forwarding", now=now or timezone.now())


def new_tip(capture, service: str = "belysning", email: str = "boende@example.se", **fields) -> Tip:
    data = tips.TipInput(municipality="1780", service_code=service, description="Lampan vid bron är trasig",
                         lat=LIGHT["lat"], lon=LIGHT["lon"], email=email, **fields)  # fmt: skip
    with capture(execute=True):
        return tips.create_tip(data)


def test_a_tip_from_the_form_reaches_the_department_and_its_closing_comes_back_to_the_resident(
    client, destination, department, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/tips/",
            {"municipality": "1780", "service": "belysning", "description": "Lampan vid bron är trasig",
             "email": "boende@example.se", **LIGHT},
        )  # fmt: skip
    assert response.status_code == 302
    tip = Tip.objects.get()
    forwarding = Forwarding.objects.get(tip=tip)
    assert forwarding.state == "pending" and not department.attempts  # nothing posted in the resident's request

    [queued] = DBTaskResult.objects.filter(task_path="trygg.forwarding.sending.send_task")  # after the commit
    assert queued.args_kwargs["kwargs"] == {"forwarding_id": forwarding.pk}
    sending.send_task.call(**queued.args_kwargs["kwargs"])  # what the worker does with it
    assert len(department.posted) == 1
    posted = department.posted[0]
    assert set(posted) == {"service_code", "description", "lat", "long", "api_key"}  # no e-mail, name or photo
    assert posted["service_code"] == "light" and posted["description"] == "Lampan vid bron är trasig"
    assert (float(posted["lat"]), float(posted["long"])) == (LIGHT["lat"], LIGHT["lon"])  # exact: their system
    assert "boende" not in repr(department.attempts)
    forwarding.refresh_from_db()
    tip.refresh_from_db()
    assert (forwarding.state, forwarding.service_request_id, forwarding.attempts) == ("sent", "D-1000", 1)
    assert tip.status == "forwarded" and tip.email == "boende@example.se"  # kept to tell the closing
    update = TipUpdate.objects.get(tip=tip)
    assert (update.old_status, update.new_status, update.author) == ("open", "forwarded", None)
    assert NAME in update.text
    [message] = smtp.to("boende@example.se")
    text = smtp.text(message)
    assert f"har skickats till {NAME}, som åtgärdar sådant" in text and f"/tips/status/{tip.public_id}/" in text
    assert tip.reference in message["Subject"] and NAME not in message["Subject"]
    page = client.get(f"/tips/status/{tip.public_id}/").content.decode()
    assert NAME in page and "Lampan vid bron" not in page  # the department's name, never the description
    ours = client.get(f"/open311/v2/requests/{tip.public_id}.json?jurisdiction_id=1780").json()[0]
    assert ours["status"] == "open"  # forwarded is still open, in our own Open311

    run_job()  # the department has not closed it: nothing changes, nothing is mailed
    assert len(smtp.to("boende@example.se")) == 1 and TipUpdate.objects.filter(tip=tip).count() == 1
    assert department.reads == ["/v2/requests.json"]

    department.close("D-1000", "Lampan är utbytt.")
    run_job(timezone.now() + dt.timedelta(minutes=10))
    tip.refresh_from_db()
    forwarding.refresh_from_db()
    assert tip.status == "resolved" and tip.status_note == "Lampan är utbytt." and tip.email == ""
    assert (forwarding.state, forwarding.remote_status, forwarding.remote_status_notes) == (
        "closed",
        "closed",
        "Lampan är utbytt.",
    )
    messages = smtp.to("boende@example.se")
    assert len(messages) == 2
    text = smtp.text(messages[1])
    assert f"har avslutats av {NAME}" in text and "Lampan är utbytt." in text
    page = client.get(f"/tips/status/{tip.public_id}/").content.decode()
    assert f"{NAME}: Lampan är utbytt." in page
    ours = client.get(f"/open311/v2/requests/{tip.public_id}.json?jurisdiction_id=1780").json()[0]
    assert ours["status"] == "closed"

    run_job(timezone.now() + dt.timedelta(minutes=20))  # once per change: a closed request is not read again
    assert len(smtp.to("boende@example.se")) == 2
    assert TipUpdate.objects.filter(tip=tip).count() == 2
    assert SentMessage.objects.filter(kind="tip_status").count() == 2


def test_a_note_while_open_is_told_once_and_a_tip_without_an_address_is_not_mailed(
    destination, department, django_capture_on_commit_callbacks
):
    quiet = new_tip(django_capture_on_commit_callbacks, email="")
    told = new_tip(django_capture_on_commit_callbacks)
    run_job()
    assert len(department.posted) == 2
    ids = dict(Forwarding.objects.values_list("tip_id", "service_request_id"))
    department.note(ids[told.pk], "Planerad åtgärd vecka 12.")
    department.note(ids[quiet.pk], "Planerad åtgärd vecka 12.")
    django_mail.outbox.clear()
    later = timezone.now() + dt.timedelta(minutes=10)
    run_job(later)
    run_job(later + dt.timedelta(minutes=10))
    assert [m.to for m in django_mail.outbox] == [["boende@example.se"]]
    assert "Planerad åtgärd vecka 12." in django_mail.outbox[0].body
    for tip in (quiet, told):
        assert Tip.objects.get(pk=tip.pk).status == "forwarded"
        texts = list(TipUpdate.objects.filter(tip=tip).values_list("text", flat=True))
        assert texts[-1] == f"{NAME}: Planerad åtgärd vecka 12." and len(texts) == 2


def test_a_tip_posted_through_open311_carries_its_reference_and_is_forwarded(
    client, destination, department, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/open311/v2/requests.json",
            {"jurisdiction_id": "1780", "service_code": "belysning", "description": "Mörkt vid busshållplatsen",
             "lat": LIGHT["lat"], "long": LIGHT["lon"], "email": "app@example.se"},
        )  # fmt: skip
    assert response.status_code == 201
    [answer] = response.json()
    tip = Tip.objects.get(public_id=answer["service_request_id"])
    assert answer["reference"] == tip.reference and re.fullmatch(r"T-\d{4,8}", tip.reference)
    xml = client.post(
        "/open311/v2/requests.xml",
        {"jurisdiction_id": "1780", "service_code": "klotter", "address_string": "Stora torget"},
    ).content.decode()
    other = Tip.objects.get(service_code="klotter")
    assert f"<reference>{other.reference}</reference>" in xml
    discovery = client.get("/open311/v2/discovery.json").json()
    assert "reference" in {e["name"] for e in discovery["extensions"]}
    run_job()
    assert [p["description"] for p in department.posted] == ["Mörkt vid busshållplatsen"]  # klotter stays in Trygg
    assert not Forwarding.objects.filter(tip=other).exists()
    assert Tip.objects.get(pk=tip.pk).status == "forwarded" and Tip.objects.get(pk=other.pk).status == "open"


def test_the_token_flow_gets_the_id_later(destination, department, django_capture_on_commit_callbacks):
    department.use_tokens = True
    tip = new_tip(django_capture_on_commit_callbacks)
    run_job()
    forwarding = Forwarding.objects.get(tip=tip)
    assert (forwarding.state, forwarding.token, forwarding.service_request_id) == ("sent", "tok-1", "")
    later = timezone.now() + dt.timedelta(minutes=10)
    run_job(later)  # the department has not created it yet
    forwarding.refresh_from_db()
    assert forwarding.service_request_id == "" and department.reads[-1] == "/v2/tokens/tok-1.json"
    department.release_tokens()
    run_job(later + dt.timedelta(minutes=10))
    forwarding.refresh_from_db()
    assert forwarding.service_request_id == "D-1000" and forwarding.remote_status == "open"
    department.close("D-1000", "Åtgärdat.")
    run_job(later + dt.timedelta(minutes=20))
    assert Tip.objects.get(pk=tip.pk).status == "resolved"


def test_failures_are_retried_with_backoff_shown_on_the_page_then_need_a_person(
    login, demo_orgs, destination, department, django_capture_on_commit_callbacks
):
    coordinator_user = demo_orgs["users"]["karlstad.samordnare"]
    department.fail_next("500", "hang", "garbage")
    tip = new_tip(django_capture_on_commit_callbacks)
    forwarding = Forwarding.objects.get(tip=tip)
    now = timezone.now()
    run_job(now)
    forwarding.refresh_from_db()
    assert (forwarding.state, forwarding.attempts) == ("failed", 1)
    assert "HTTP 500" in forwarding.last_error and "Internt fel i ärendesystemet" in forwarding.last_error
    assert forwarding.next_attempt_at == now + dt.timedelta(minutes=10)
    coordinator = login(coordinator_user)
    page = coordinator.get("/vidarebefordran/skickade/").content.decode()
    assert "Internt fel i ärendesystemet" in page and tip.reference in page
    run_job(now + dt.timedelta(minutes=5))  # not due yet
    assert len(department.attempts) == 1
    run_job(now + dt.timedelta(minutes=11))
    forwarding.refresh_from_db()
    assert forwarding.attempts == 2 and "no answer" in forwarding.last_error and "within" in forwarding.last_error
    run_job(now + dt.timedelta(minutes=45))
    forwarding.refresh_from_db()
    assert forwarding.attempts == 3 and "not JSON" in forwarding.last_error and "Underhall" in forwarding.last_error
    department.fail_next("500", "500")
    run_job(now + dt.timedelta(hours=3))
    run_job(now + dt.timedelta(hours=10))
    forwarding.refresh_from_db()
    assert (forwarding.state, forwarding.attempts, forwarding.next_attempt_at) == ("failed", 5, None)
    assert forwarding.needs_person
    run_job(now + dt.timedelta(days=3))  # a person must act now: nothing is tried
    assert len(department.attempts) == 5 and not department.posted
    assert Tip.objects.get(pk=tip.pk).status == "open"  # still before the coordinator, and not told anything
    assert not TipUpdate.objects.filter(tip=tip).exists()
    page = coordinator.get("/vidarebefordran/skickade/?state=needs_person").content.decode()
    assert tip.reference in page and f"/vidarebefordran/skickade/{forwarding.pk}/forsok-igen/" in page

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(coordinator_user)
    retry_url = f"/vidarebefordran/skickade/{forwarding.pk}/forsok-igen/"
    assert strict.post(retry_url).status_code == 403  # no CSRF token
    assert strict.get(retry_url).status_code == 405
    listing = strict.get("/vidarebefordran/skickade/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', listing)
    with django_capture_on_commit_callbacks(execute=True):
        assert strict.post(retry_url, {"csrfmiddlewaretoken": token.group(1)}).status_code == 302
    assert AuditEvent.objects.filter(object_type="forwarding.forwarding", summary="forwarding: try again now").exists()
    run_job(now + dt.timedelta(days=3, minutes=1))
    forwarding.refresh_from_db()
    assert (forwarding.state, forwarding.attempts, forwarding.last_error) == ("sent", 6, "")
    assert len(department.posted) == 1 and Tip.objects.get(pk=tip.pk).status == "forwarded"


def test_a_missing_key_is_an_error_that_names_the_variable(
    destination, department, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.delenv(KEY_VARIABLE)
    tip = new_tip(django_capture_on_commit_callbacks)
    run_job()
    forwarding = Forwarding.objects.get(tip=tip)
    assert forwarding.state == "failed" and f"{KEY_VARIABLE} is not set" in forwarding.last_error
    assert not department.attempts


def test_a_tip_handled_in_trygg_before_it_was_sent_is_not_sent(
    demo_orgs, destination, department, django_capture_on_commit_callbacks
):
    tip = new_tip(django_capture_on_commit_callbacks)
    tips.reject(tip, "Inte kommunens lampa", demo_orgs["users"]["karlstad.samordnare"])
    run_job()
    forwarding = Forwarding.objects.get(tip=tip)
    assert forwarding.needs_person and "handled in Trygg" in forwarding.last_error
    assert not department.attempts and Tip.objects.get(pk=tip.pk).status == "rejected"


def test_a_failing_hook_never_refuses_the_residents_tip(destination, monkeypatch, client):
    def broken(tip):
        raise RuntimeError("the forwarding table is gone")

    monkeypatch.setattr(tips, "_ON_CREATED", [broken])
    response = client.post("/tips/", {"municipality": "1780", "service": "belysning", **LIGHT})
    assert response.status_code == 302 and Tip.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_job_runs_at_once_send_a_tip_once_and_tell_a_closing_once(destination, department):
    department.post_delay = 0.4  # both runs see the tip due while the first one is posting it
    data = tips.TipInput(municipality="1780", service_code="belysning", description="Trasig lampa",
                         lat=LIGHT["lat"], lon=LIGHT["lon"], email="boende@example.se")  # fmt: skip
    tip = tips.create_tip(data)
    pk = Forwarding.objects.get(tip=tip).pk
    now = timezone.now() + dt.timedelta(seconds=1)
    outcomes: list[str] = []
    # the task queued after the commit and the job's run, both with the forwarding in hand
    at_once(lambda: outcomes.append(sending.send(pk, now)))
    assert sorted(outcomes) == ["sent", "skipped"] and len(department.attempts) == 1
    assert Forwarding.objects.get(tip=tip).state == "sent"
    tip2 = tips.create_tip(data)
    now = timezone.now() + dt.timedelta(seconds=1)
    runs: list[str] = []
    at_once(lambda: runs.append(sending.run(jobs.JobContext("tip_forwarding", now, now))))  # two job runs
    assert sorted(r.split(",")[0] for r in runs) == ["0 skickade", "1 skickade"], runs
    assert len(department.attempts) == 2 and Forwarding.objects.get(tip=tip2).attempts == 1
    department.close("D-1000", "Lagad.")
    later = now + dt.timedelta(minutes=10)
    at_once(lambda: sending.run(jobs.JobContext("tip_forwarding", later, later)))
    assert TipUpdate.objects.filter(tip=tip, new_status="resolved").count() == 1
    bodies = [m.body for m in django_mail.outbox]  # sent, sent, closed: each once
    assert len(bodies) == 3 and sum("Lagad." in b for b in bodies) == 1, bodies
