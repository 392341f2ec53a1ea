"""Django's admin is for superusers only: staff who are not superusers administer in the product."""

from __future__ import annotations

import pytest

from trygg.orgs.models import User

pytestmark = pytest.mark.django_db


def test_a_staff_user_who_is_not_a_superuser_does_not_get_into_the_django_admin(client):
    staff = User.objects.create_user("personal", password="x" * 12, is_staff=True)
    client.force_login(staff)
    for url in ("/admin/", "/admin/orgs/user/", "/admin/orgs/membership/", "/admin/audit/auditevent/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/admin/login/"), url
    login = client.post("/admin/login/", {"username": "personal", "password": "x" * 12})
    assert client.get("/admin/").status_code == 302, login.status_code


def test_a_superuser_does(client):
    client.force_login(User.objects.create_superuser("root", password="x" * 12))
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/orgs/invitation/").status_code == 200
