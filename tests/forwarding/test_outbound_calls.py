"""The outside check of Trygg's calls to the departments (issue 23, part 3), finding by finding, against real
servers on loopback: an address that parsers read differently, a port or an internal address IT did not allow,
answers that are too deep, too slow or too large, a poisoned tip next to a good one in one run of the job, and a
coordinator choosing another municipality's key."""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time

import pytest
from django.utils import timezone

from tests.open311_department import KEY
from trygg.citizens import tips
from trygg.core import jobs
from trygg.forwarding import client, sending
from trygg.forwarding.models import Destination, Forwarding, Route

from .conftest import KEY_NAME, LIGHT, origin
from .hostile_department import HUGE

BODY = {"service_code": "light", "description": "x", "lat": "59.38", "long": "13.5", "api_key": "k"}


class Listener:
    """A bare TCP port on loopback that counts the connections made to it (whatever they say)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted += 1
            conn.close()

    def stop(self):
        self.running = False
        self.thread.join()
        self.sock.close()


@pytest.fixture
def listener():
    port = Listener()
    yield port
    port.stop()


# -- the address: one parser decides, the policy is checked before any connection ----------------------------


def test_an_address_that_parsers_read_differently_is_refused_and_nothing_is_called(settings, listener):
    """``https://127.0.0.1:PORT\\@open311.example.se/v2/``: urlsplit says open311.example.se (allowed), urllib3
    connects to 127.0.0.1:PORT. Refused before any connection; the message names no socket error."""
    settings.TRYGG_OPEN311_HOSTS = ["open311.example.se"]
    address = f"https://127.0.0.1:{listener.port}\\@open311.example.se/v2/"
    with pytest.raises(client.Open311ClientError) as caught:
        client.post(address, BODY)
    time.sleep(0.2)
    assert listener.accepted == 0
    message = str(caught.value)
    assert "not allowed" in message and "Errno" not in message and "refused" not in message.lower()


def test_the_form_refuses_the_ambiguous_address_as_an_active_destination(login, demo_orgs, listener):
    coordinator = login(demo_orgs["users"]["karlstad.samordnare"])
    data = {"name": "Gatan", "base_url": f"https://127.0.0.1:{listener.port}\\@open311.example.se/v2/",
            "jurisdiction_id": "", "key_name": "GATA", "active": "on"}  # fmt: skip
    response = coordinator.post("/vidarebefordran/1780/ny/", data)
    assert response.status_code == 200 and not Destination.objects.exists()
    assert "\\" in " ".join(response.context["form"].errors["base_url"])  # names the character refused
    time.sleep(0.2)
    assert listener.accepted == 0


def test_an_error_does_not_tell_an_open_port_from_a_closed_one(settings, listener):
    """The port-scanner check: two ports of a host IT allowed only on 443, one listening and one not, give the
    same message, and neither is connected to."""
    settings.TRYGG_OPEN311_HOSTS = ["open311.example.se", "127.0.0.1"]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    messages = []
    for port in (listener.port, closed):
        with pytest.raises(client.Open311ClientError) as caught:
            client.post(f"https://127.0.0.1:{port}/v2/", BODY)
        messages.append(str(caught.value).replace(str(port), "PORT"))
    assert messages[0] == messages[1] and "TRYGG_OPEN311_HOSTS names the host, but not this" in messages[0]
    time.sleep(0.2)
    assert listener.accepted == 0


def test_a_port_that_is_not_in_the_allow_list_is_refused(settings, department):
    """IT allowed the host (https on 443); the department's server on another port of it is not called."""
    settings.TRYGG_OPEN311_HOSTS = ["127.0.0.1"]  # https on 443 only
    with pytest.raises(client.Open311ClientError, match="must start with https://"):
        client.post(department.url, BODY)
    settings.TRYGG_OPEN311_HOSTS = ["http://127.0.0.1:1", "127.0.0.1:8443"]  # other ports
    with pytest.raises(client.Open311ClientError, match="names the host, but not this scheme and port"):
        client.post(department.url, BODY)
    assert department.attempts == []
    settings.TRYGG_OPEN311_HOSTS = [origin(department.url)]  # host:port named: allowed
    assert client.post(department.url, {**BODY, "api_key": KEY}).service_request_id == "D-1000"


def test_a_host_that_resolves_to_an_internal_address_is_refused(settings, department):
    """``localhost`` is allowed by name in TRYGG_OPEN311_HOSTS but resolves to loopback, which IT did not list
    in TRYGG_OUTBOUND_ALLOW_NETWORKS: not called, and the message does not say which address it found."""
    port = department.url.split(":")[2].split("/")[0]
    settings.TRYGG_OPEN311_HOSTS = [f"http://localhost:{port}"]
    settings.TRYGG_OUTBOUND_ALLOW_NETWORKS = []
    address = f"http://localhost:{port}/v2/"
    with pytest.raises(client.Open311ClientError) as caught:
        client.post(address, {**BODY, "api_key": KEY})
    assert "localhost leads to an address inside the server's own network" in str(caught.value)
    assert "127.0.0.1" not in str(caught.value) and department.attempts == []
    settings.TRYGG_OPEN311_HOSTS = [f"http://127.0.0.1:{port}"]  # the literal address: refused as well
    with pytest.raises(client.Open311ClientError, match="inside the server's own network"):
        client.post(department.url, {**BODY, "api_key": KEY})
    assert department.attempts == []
    settings.TRYGG_OUTBOUND_ALLOW_NETWORKS = ["127.0.0.1/32"]  # IT lists it: called
    assert client.post(department.url, {**BODY, "api_key": KEY}).service_request_id == "D-1000"


def test_the_form_checks_what_every_call_checks(login, demo_orgs, department, settings):
    coordinator = login(demo_orgs["users"]["karlstad.samordnare"])
    data = {"name": "Gatan", "base_url": department.url, "jurisdiction_id": "", "key_name": "GATA", "active": "on"}
    settings.TRYGG_OUTBOUND_ALLOW_NETWORKS = []
    response = coordinator.post("/vidarebefordran/1780/ny/", data)
    assert response.status_code == 200 and not Destination.objects.exists()
    assert "TRYGG_OUTBOUND_ALLOW_NETWORKS" in " ".join(response.context["form"].errors["base_url"])
    settings.TRYGG_OUTBOUND_ALLOW_NETWORKS = ["127.0.0.1/32"]
    assert coordinator.post("/vidarebefordran/1780/ny/", data).status_code == 302


# -- the answers: capped, and parsed defensively ----------------------------------------------------------------


def test_an_answer_of_200000_brackets_is_an_error_of_that_call(hostile):
    hostile.choose = lambda method, path, form: "deep"
    with pytest.raises(client.Open311ClientError, match="posting the request: the answer is nested deeper than 32"):
        client.post(hostile.url, BODY)


@pytest.mark.parametrize("kind", ["trickle", "trickle-headers"])
def test_an_answer_trickled_a_byte_at_a_time_stops_at_the_deadline(hostile, monkeypatch, kind):
    """A byte every 0.2 s keeps every read within any per-read timeout; the deadline counts the whole exchange."""
    hostile.choose = lambda method, path, form: kind
    monkeypatch.setattr(client, "DEADLINE", 1.0)
    started = time.monotonic()
    with pytest.raises(client.Open311ClientError, match="no answer, or not all of it, within 1 s"):
        client.post(hostile.url, BODY)
    elapsed = time.monotonic() - started
    assert 0.9 < elapsed < 1.6, elapsed


@pytest.mark.parametrize("kind", ["huge", "huge-declared"])
def test_an_answer_of_256_mb_is_not_read_past_the_cap(hostile, kind):
    """Streamed without a length, Trygg stops at the cap; with its length declared, it does not start."""
    hostile.choose = lambda method, path, form: kind
    with pytest.raises(client.Open311ClientError, match="the answer is larger than 1 MB"):
        client.post(hostile.url, BODY)
    time.sleep(0.3)  # the server notices the closed connection
    assert hostile.sent < 16 * 1024 * 1024 < HUGE, hostile.sent  # the cap, and what the sockets buffered


def test_a_redirect_is_not_followed(hostile):
    hostile.choose = lambda method, path, form: "redirect" if method == "POST" else "ok"
    with pytest.raises(client.Open311ClientError, match=r"redirect \(HTTP 302\), which Trygg does not follow"):
        client.post(hostile.url, BODY)
    assert hostile.reads == [] and len(hostile.posts) == 1


# -- the job: one poisoned tip never blocks the others, and is tried a bounded number of times ------------------


@pytest.fixture
def hostile_destination(demo_orgs, hostile, monkeypatch):
    monkeypatch.setenv(f"TRYGG_OPEN311_KEY_1780_{KEY_NAME}", KEY)
    destination = Destination.objects.create(
        municipality_id="1780", name="Gatuavdelningen", base_url=hostile.url, key_name=KEY_NAME
    )
    Route.objects.create(destination=destination, municipality_id="1780", category="belysning",
                         remote_service_code="light")  # fmt: skip
    return destination


def new_tip(description: str) -> tips.Tip:
    return tips.create_tip(tips.TipInput(municipality="1780", service_code="belysning", description=description,
                                         lat=LIGHT["lat"], lon=LIGHT["lon"]))  # fmt: skip


@pytest.mark.django_db
def test_a_poisoned_tip_next_to_a_good_one_the_good_one_is_sent_the_poisoned_one_needs_a_person(
    hostile_destination, hostile
):
    hostile.choose = lambda method, path, form: "deep" if "GIFT" in form.get("description", "") else "ok"
    poisoned = new_tip("GIFT: the answer to this one is 200 000 brackets")  # first in the queue
    good = new_tip("Lampan vid bron är trasig")
    now = timezone.now()
    run = jobs.run_now("tip_forwarding", now=now)
    assert run.status == "done" and run.outcome.startswith("1 skickade, 1 misslyckade"), run.outcome
    assert Forwarding.objects.get(tip=good).state == "sent"
    bad = Forwarding.objects.get(tip=poisoned)
    assert (bad.state, bad.attempts) == ("failed", 1) and "nested deeper than 32" in bad.last_error
    for offset in (dt.timedelta(minutes=11), dt.timedelta(minutes=45), dt.timedelta(hours=3), dt.timedelta(hours=10),
                   dt.timedelta(days=2), dt.timedelta(days=3)):  # fmt: skip
        jobs.run_now("tip_forwarding", now=now + offset)
    bad.refresh_from_db()
    assert (bad.state, bad.attempts, bad.next_attempt_at) == ("failed", sending.MAX_ATTEMPTS, None)
    assert bad.needs_person
    assert sum("GIFT" in p["description"] for p in hostile.posts) == sending.MAX_ATTEMPTS  # bounded
    assert sum("Lampan" in p["description"] for p in hostile.posts) == 1  # the good one once


@pytest.mark.django_db
def test_a_send_that_crashed_after_its_claim_counts_and_ends_as_needing_a_person(hostile_destination, hostile):
    """A worker that died mid-send (the claim counted as an attempt) is not re-posted every STUCK_AFTER forever:
    at MAX_ATTEMPTS it needs a person."""
    tip = new_tip("Lampan")
    now = timezone.now()
    long_ago = now - sending.STUCK_AFTER - dt.timedelta(minutes=1)
    Forwarding.objects.filter(tip=tip).update(state="sending", attempts=sending.MAX_ATTEMPTS, claimed_at=long_ago)
    jobs.run_now("tip_forwarding", now=now)
    forwarding = Forwarding.objects.get(tip=tip)
    assert forwarding.needs_person and "interrupted" in forwarding.last_error
    assert hostile.posts == []
    other = new_tip("Lampan igen")  # fewer attempts: tried again
    Forwarding.objects.filter(tip=other).update(state="sending", attempts=2, claimed_at=long_ago)
    jobs.run_now("tip_forwarding", now=now + dt.timedelta(minutes=1))
    assert Forwarding.objects.get(tip=other).state == "sent" and Forwarding.objects.get(tip=other).attempts == 3


@pytest.mark.django_db
def test_a_send_that_raises_unexpectedly_fails_that_forwarding_only(hostile_destination, hostile, monkeypatch):
    """A fault of Trygg's own (here injected into the client) is logged and fails the attempt; the job goes on."""
    real_post = client.post

    def post(base_url, body):
        if "BUG" in body["description"]:
            raise RuntimeError("a bug in Trygg")
        return real_post(base_url, body)

    monkeypatch.setattr(client, "post", post)
    broken, fine = new_tip("BUG"), new_tip("Lampan")
    run = jobs.run_now("tip_forwarding", now=timezone.now())
    assert run.status == "done"
    assert Forwarding.objects.get(tip=fine).state == "sent"
    forwarding = Forwarding.objects.get(tip=broken)
    assert (forwarding.state, forwarding.attempts) == ("failed", 1) and forwarding.next_attempt_at is not None
    assert "error in Trygg" in forwarding.last_error


@pytest.mark.django_db
def test_a_poisoned_status_answer_never_stops_the_other_reads_and_ends_as_needing_a_person(
    demo_orgs, hostile_destination, hostile, department, monkeypatch
):
    """Two departments: the first answers status reads with 200 000 brackets. The second's request is read and
    closed in the same run; the first's reads back off and stop after MAX_POLL_FAILURES."""
    hostile.choose = lambda method, path, form: "deep" if method == "GET" else "ok"
    monkeypatch.setenv("TRYGG_OPEN311_KEY_1780_PARK", KEY)
    park = Destination.objects.create(municipality_id="1780", name="Parken", base_url=department.url, key_name="PARK")
    Route.objects.create(destination=park, municipality_id="1780", category="klotter", remote_service_code="graffiti")
    poisoned = new_tip("Lampan")  # to the hostile department, read first
    good = tips.create_tip(tips.TipInput(municipality="1780", service_code="klotter", description="Klotter",
                                         lat=LIGHT["lat"], lon=LIGHT["lon"]))  # fmt: skip
    now = timezone.now()
    run = jobs.run_now("tip_forwarding", now=now)  # sends both, and reads them at once
    assert run.status == "done" and {f.state for f in Forwarding.objects.all()} == {"sent"}
    bad = Forwarding.objects.get(tip=poisoned)
    assert bad.poll_failures == 1 and "nested deeper than 32" in bad.last_error and not bad.needs_person
    assert len(hostile.reads) == 1
    department.close("D-1000", "Sanerat.")
    run = jobs.run_now("tip_forwarding", now=now + dt.timedelta(minutes=10))
    assert run.status == "done", run.outcome
    assert Forwarding.objects.get(tip=good).state == "closed"  # read and told
    assert len(hostile.reads) == 1  # backing off: after one failure, read again after 18 min, not 9
    jobs.run_now("tip_forwarding", now=now + dt.timedelta(minutes=20))
    assert len(hostile.reads) == 2
    reads = 2
    later = now + dt.timedelta(minutes=10)
    for _ in range(10):
        later += dt.timedelta(days=1)
        jobs.run_now("tip_forwarding", now=later)
    bad.refresh_from_db()
    assert bad.poll_failures == 5 and bad.needs_person and bad.state == "sent"
    assert len(hostile.reads) == reads + 3  # five failed reads in all, then no more
    assert sending.needs_person_count(["1780"]) == 1
    assert sending.retry_now(bad, demo_orgs["users"]["karlstad.samordnare"])  # a person: read it again
    hostile.choose = lambda method, path, form: "ok"
    jobs.run_now("tip_forwarding", now=later + dt.timedelta(minutes=10))
    bad.refresh_from_db()
    assert (bad.poll_failures, bad.last_error, bad.needs_person) == (0, "", False)


# -- the key: per municipality ------------------------------------------------------------------------------------


def test_a_coordinator_cannot_choose_another_municipalitys_key_in_the_form(login, demo_orgs, department, monkeypatch):
    monkeypatch.setenv("TRYGG_OPEN311_KEY_1880_GATA", "orebros-nyckel")  # Örebro's key
    coordinator = login(demo_orgs["users"]["karlstad.samordnare"])
    data = {"name": "Gatan", "base_url": department.url, "jurisdiction_id": "", "active": "on"}
    for name in ("1880_GATA", "TRYGG_OPEN311_KEY_1880_GATA"):
        response = coordinator.post("/vidarebefordran/1780/ny/", {**data, "key_name": name})
        assert response.status_code == 200 and not Destination.objects.exists()
        assert "TRYGG_OPEN311_KEY_1780_GATA" in " ".join(response.context["form"].errors["key_name"])
    response = coordinator.post("/vidarebefordran/1780/ny/", {**data, "key_name": "TRYGG_OPEN311_KEY_1780_GATA"})
    assert response.status_code == 302  # its own, typed in full
    destination = Destination.objects.get()
    assert (destination.key_name, destination.key_variable) == ("GATA", "TRYGG_OPEN311_KEY_1780_GATA")


@pytest.mark.django_db
def test_another_municipalitys_key_is_never_sent(demo_orgs, department, monkeypatch):
    """A Karlstad destination whose stored key name points at Örebro's variable (older data, or the database
    edited) sends nothing: the variable read is always Karlstad's own."""
    monkeypatch.setenv("TRYGG_OPEN311_KEY_1880_GATA", "orebros-nyckel")
    destination = Destination.objects.create(municipality_id="1780", name="Gatan", base_url=department.url,
                                             key_name="1880_GATA")  # fmt: skip
    Route.objects.create(destination=destination, municipality_id="1780", category="belysning",
                         remote_service_code="light")  # fmt: skip
    tip = new_tip("Lampan")
    jobs.run_now("tip_forwarding", now=timezone.now())
    forwarding = Forwarding.objects.get(tip=tip)
    assert forwarding.state == "failed" and "the key name '1880_GATA' is not valid" in forwarding.last_error
    assert department.attempts == [] and "orebros-nyckel" not in repr(department.attempts)


@pytest.mark.django_db
def test_a_key_set_under_the_old_unprefixed_name_is_not_read_and_the_error_tells_it_renamed(
    demo_orgs, department, monkeypatch
):
    monkeypatch.setenv(f"TRYGG_OPEN311_KEY_{KEY_NAME}", KEY)  # as an older Trygg read it
    destination = Destination.objects.create(municipality_id="1780", name="Gatan", base_url=department.url,
                                             key_name=KEY_NAME)  # fmt: skip
    Route.objects.create(destination=destination, municipality_id="1780", category="belysning",
                         remote_service_code="light")  # fmt: skip
    tip = new_tip("Lampan")
    jobs.run_now("tip_forwarding", now=timezone.now())
    forwarding = Forwarding.objects.get(tip=tip)
    assert f"IT renames it to TRYGG_OPEN311_KEY_1780_{KEY_NAME}" in forwarding.last_error
    assert department.attempts == []
    told = [str(reason) for reason in destination.why_not_sending()]  # on the pages, in the user's language
    assert any(f"TRYGG_OPEN311_KEY_{KEY_NAME} " in r and f"TRYGG_OPEN311_KEY_1780_{KEY_NAME}" in r for r in told)


@pytest.mark.django_db
def test_the_migration_keeps_a_key_name_that_already_named_its_own_municipality(demo_orgs):
    """Before keys were per municipality, "1780_GATA" read TRYGG_OPEN311_KEY_1780_GATA: it becomes "GATA", which
    reads the same variable now. Other names are kept (their variable gains the code; the pages say so)."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("trygg.forwarding.migrations.0003_outbound_keys_per_municipality")
    own = Destination.objects.create(municipality_id="1780", name="A", base_url="https://a.example/",
                                     key_name="1780_GATA")  # fmt: skip
    other = Destination.objects.create(municipality_id="1780", name="B", base_url="https://b.example/",
                                       key_name="KARLSTAD_GATA")  # fmt: skip
    foreign = Destination.objects.create(municipality_id="1780", name="C", base_url="https://c.example/",
                                         key_name="1880_GATA")  # fmt: skip
    migration.own_code_out_of_key_names(apps, None)
    names = dict(Destination.objects.values_list("pk", "key_name"))
    assert (names[own.pk], names[other.pk], names[foreign.pk]) == ("GATA", "KARLSTAD_GATA", "1880_GATA")
    own.refresh_from_db()
    assert own.key_variable == "TRYGG_OPEN311_KEY_1780_GATA"
