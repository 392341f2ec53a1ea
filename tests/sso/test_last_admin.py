"""The directory cannot leave an organisation without an admin: a group taken away (or changed to a lesser role)
at the provider keeps the last admin's membership, as the web refuses the same — audited, the admins told by
e-mail and on the Administration page. With a second admin, the directory's change goes through."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.oidc_provider import sign_in
from trygg.audit.models import AuditEvent
from trygg.orgs.models import Membership, User
from trygg.sso.models import ClaimMapping, ExternalIdentity

pytestmark = pytest.mark.django_db


@pytest.fixture
def centrum(idp, demo_orgs):
    """Centrum Karlstad's admins come from a group at the provider; it has no other admin."""
    org = demo_orgs["orgs"]["centrum-karlstad"]
    for value, role in [("centrum-admin", "org_admin"), ("centrum-rapportor", "reporter")]:
        ClaimMapping.objects.create(provider="kommun", value=value, organisation=org, role=role)
    assert not org.memberships.filter(role="org_admin").exists()
    return org


def admin_of(org) -> list[str]:
    return sorted(org.memberships.filter(role="org_admin").values_list("user__username", flat=True))


def test_a_group_taken_away_keeps_the_last_admin_and_says_so(idp, centrum):
    ola = idp.add("ola", groups=["centrum-admin"], email="ola@karlstad.example")
    assert sign_in(Client(), idp, "ola")[0].status_code == 302
    user = ExternalIdentity.objects.get(subject=ola.subject).user
    assert admin_of(centrum) == [user.username]

    ola.groups = []  # the group is removed at the directory
    browser = Client()
    response, _ = sign_in(browser, idp, "ola")
    assert response.status_code == 302  # still the admin: signs in
    assert admin_of(centrum) == [user.username]
    kept = AuditEvent.objects.for_object(centrum).get(summary=f"last admin kept: {user.username}")
    assert kept.changes == {"user": user.pk, "role": "org_admin", "directory": None}
    [message] = mail.outbox
    assert message.to == ["ola@karlstad.example"] and "Centrum Karlstad" in message.body
    notice = browser.get(reverse("orgs:admin"))
    assert [n.organisation for n in notice.context["last_admin_notices"]] == [centrum]

    ola.groups = ["centrum-rapportor"]  # demoted at the directory: kept as admin too
    sign_in(Client(), idp, "ola")
    assert admin_of(centrum) == [user.username]
    assert AuditEvent.objects.for_object(centrum).filter(summary__startswith="last admin kept").count() == 2


def test_with_another_admin_the_directorys_change_goes_through(idp, centrum, demo_orgs):
    ola = idp.add("ola", groups=["centrum-admin"], email="ola@karlstad.example")
    sign_in(Client(), idp, "ola")
    other = User.objects.create_user("centrum.admin2")
    Membership.objects.create(user=other, organisation=centrum, role="org_admin")
    ola.groups = ["centrum-rapportor"]
    sign_in(Client(), idp, "ola")
    user = ExternalIdentity.objects.get(subject=ola.subject).user
    assert Membership.objects.get(user=user, organisation=centrum).role == "reporter"
    assert admin_of(centrum) == ["centrum.admin2"]
    assert not AuditEvent.objects.filter(summary__startswith="last admin kept").exists() and not mail.outbox
