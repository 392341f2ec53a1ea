"""Login throttling, password change and reset by e-mail."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db


def attempt(username: str, password: str, address: str = "203.0.113.7") -> int:
    client = Client(REMOTE_ADDR=address)
    return client.post("/accounts/login/", {"username": username, "password": password}).status_code


@pytest.fixture
def user(demo_orgs):
    person = demo_orgs["users"]["karlstad.samordnare"]
    person.set_password("rätt-lösenord-2026")
    person.email = "kim.samordnare@karlstad.example"
    person.save()
    return person


def test_wrong_passwords_lock_the_account_from_that_address_only(user, settings):
    settings.AXES_FAILURE_LIMIT = 5
    # the form again with an error, and the fifth wrong password locks
    assert [attempt(user.username, "fel") for _ in range(5)] == [200] * 4 + [429]
    assert attempt(user.username, "rätt-lösenord-2026") == 429  # locked, even with the right password
    assert attempt(user.username, "rätt-lösenord-2026", address="198.51.100.9") == 302  # the user elsewhere
    call_command("axes_reset_username", user.username, stdout=None)
    assert attempt(user.username, "rätt-lösenord-2026") == 302


def test_the_lockout_page_is_swedish(user, settings):
    settings.AXES_FAILURE_LIMIT = 2
    client = Client(REMOTE_ADDR="203.0.113.8")
    for _ in range(3):
        response = client.post("/accounts/login/", {"username": user.username, "password": "fel"})
    assert response.status_code == 429 and "För många misslyckade inloggningar" in response.content.decode()


def test_a_password_is_changed_by_its_owner(user, login):
    client = login(user)
    response = client.post(
        "/accounts/losenord/",
        {
            "old_password": "rätt-lösenord-2026",
            "new_password1": "ett-nytt-långt-lösen",
            "new_password2": "ett-nytt-långt-lösen",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("ett-nytt-långt-lösen")
    weak = client.post(
        "/accounts/losenord/", {"old_password": "ett-nytt-långt-lösen", "new_password1": "123", "new_password2": "123"}
    )
    assert weak.status_code == 200 and weak.context["form"].errors  # Django's password validators


def test_a_forgotten_password_is_reset_by_e_mail(user, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client = Client()
    assert client.post("/accounts/aterstall/", {"email": "okand@example.se"}).status_code == 302
    assert len(mail.outbox) == 0  # no account, no mail — and the same answer
    assert client.post("/accounts/aterstall/", {"email": user.email}).status_code == 302
    (message,) = mail.outbox
    assert user.username not in message.subject and user.email not in message.subject
    link = re.search(r"https?://[^/]+(/accounts/aterstall/[^/]+/[^/\s]+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200 and form.context["validlink"]
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": "glömt-men-nytt-2026", "new_password2": "glömt-men-nytt-2026"}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("glömt-men-nytt-2026")
    assert not client.get(link, follow=True).context["validlink"]  # used once


def test_reset_requests_are_rate_limited(user, settings):
    settings.TRYGG_RATE_LIMITS = {"password_reset": (2, 3600)}
    client = Client(REMOTE_ADDR="203.0.113.9")
    codes = [client.post("/accounts/aterstall/", {"email": user.email}).status_code for _ in range(3)]
    assert codes == [302, 302, 429]
