"""Two-step verification for every staff user: set up from the account page, asked for at every login after,
turned off only with a current code — and never by a screening officer."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from trygg.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def code(device: TOTPDevice) -> str:
    """The app's current code; the device forgets the last code used and any wait after a wrong
    code, as if the next 30 s had come."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
    )
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_coordinator_turns_it_on_and_is_asked_for_the_code_at_the_next_login(demo_orgs):
    user = demo_orgs["users"]["karlstad.samordnare"]
    client = logged_in(user)
    account = client.get("/accounts/").content.decode()
    assert "Av:" in account and "/accounts/tvastegs/verifiera/" in account
    setup = client.get("/accounts/tvastegs/verifiera/?next=/accounts/")
    assert setup.status_code == 200 and "data:image/svg+xml" in setup.content.decode()
    assert client.post("/accounts/tvastegs/verifiera/?next=/accounts/", {"token": "000000"}).status_code == 200
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    done = client.post("/accounts/tvastegs/verifiera/?next=/accounts/", {"token": code(device)})
    assert done.status_code == 302 and done.url == "/accounts/"
    assert TOTPDevice.objects.get(user=user).confirmed
    assert AuditEvent.objects.filter(actor=user, summary="second factor set up").exists()
    assert client.get("/m/1780/").status_code == 200  # this session entered the code

    later = logged_in(user)  # the next login: the password alone opens nothing
    for path in ("/m/1780/", "/atgarder/", "/accounts/", "/admin/"):
        response = later.get(path)
        assert response.status_code == 302 and response.url.startswith("/accounts/tvastegs/verifiera/"), path
    assert later.post("/accounts/tvastegs/av/", {"token": code(device)}).status_code == 302
    assert TOTPDevice.objects.filter(user=user).exists()  # a POST before the code did not turn it off
    asked = later.get("/m/1780/incidents/")
    verified = later.post(asked.url, {"token": code(device)})
    assert verified.status_code == 302 and verified.url == "/m/1780/incidents/"
    assert later.get("/m/1780/incidents/").status_code == 200


def test_turning_it_off_needs_a_current_code(demo_orgs):
    user = demo_orgs["users"]["centrum.rapportor"]
    device = TOTPDevice.objects.create(user=user, name="Telefon", confirmed=True)
    client = logged_in(user)
    client.post("/accounts/tvastegs/verifiera/", {"token": code(device)})
    refused = client.post("/accounts/tvastegs/av/", {"token": "123456"}, follow=True)
    assert "fortfarande på" in refused.content.decode() and TOTPDevice.objects.filter(user=user).exists()
    off = client.post("/accounts/tvastegs/av/", {"token": code(device)}, follow=True)
    assert "är avstängd" in off.content.decode() and not TOTPDevice.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(actor=user, summary="second factor removed").exists()
    assert logged_in(user).get("/m/1780/").status_code == 200  # the password alone again


def test_a_screening_officer_cannot_turn_it_off(demo_orgs):
    user = demo_orgs["users"]["karlstad.granskare"]
    device = TOTPDevice.objects.create(user=user, name="Telefon", confirmed=True)
    client = logged_in(user)
    client.post("/accounts/tvastegs/verifiera/", {"token": code(device)})
    assert "kan inte stängas av" in client.get("/accounts/").content.decode()
    client.post("/accounts/tvastegs/av/", {"token": code(device)})
    assert TOTPDevice.objects.filter(user=user).exists()


def test_the_code_page_does_not_send_anyone_elsewhere(demo_orgs):
    user = demo_orgs["users"]["karlstad.samordnare"]
    device = TOTPDevice.objects.create(user=user, name="Telefon", confirmed=True)
    client = logged_in(user)
    response = client.post("/accounts/tvastegs/verifiera/?next=https://evil.example/", {"token": code(device)})
    assert response.status_code == 302 and response.url == "/"
