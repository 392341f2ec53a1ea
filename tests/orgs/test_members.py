"""Members of an organisation in the product: invitations by e-mail, roles, removal — through HTTP."""

from __future__ import annotations

import re
import time

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from trygg.audit.models import AuditEvent
from trygg.orgs.models import Invitation, Membership, Organisation, User

pytestmark = pytest.mark.django_db

PASSWORD = "Kvällsljus-vid-Klarälven-26"


@pytest.fixture
def karlstad(demo_orgs):
    return demo_orgs["orgs"]["karlstads-kommun"]


@pytest.fixture
def admin(login, demo_orgs):
    return login(demo_orgs["users"]["karlstad.admin"])


def invite(client, org, email="ada.lind@example.se", role="coordinator"):
    return client.post(reverse("orgs:invite", args=[org.slug]), {"name": "Ada Lind", "email": email, "role": role})


def link_in(message) -> str:
    found = re.search(r"https?://[^/\s]+(/inbjudan/[^/\s\"]+/)", message.body)
    assert found, message.body
    return found.group(1)


def accept(link: str, username: str = "ada.lind", password: str = PASSWORD, client: Client | None = None):
    client = client or Client()
    return client.post(link, {"username": username, "password1": password, "password2": password})


def logs_in(username: str, password: str = PASSWORD) -> bool:
    """A real login on the login page (302 on success, the form again on failure)."""
    return Client().post(reverse("login"), {"username": username, "password": password}).status_code == 302


def entries(org, summary_start: str):
    return AuditEvent.objects.for_object(org).filter(summary__startswith=summary_start)


def test_an_invited_colleague_gets_a_mail_chooses_a_password_and_logs_in_with_the_role(admin, karlstad):
    response = invite(admin, karlstad)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ada.lind@example.se"]
    assert message.alternatives and message.alternatives[0][1] == "text/html"
    link = link_in(message)
    assert link in message.alternatives[0][0]
    assert "List-Unsubscribe" not in message.extra_headers  # asked for, not a subscription
    assert "/meddelanden/avsluta/" not in message.body and "/meddelanden/avsluta/" not in message.alternatives[0][0]
    assert entries(karlstad, "invitation sent to ada.lind@example.se as coordinator").count() == 1

    page = Client().get(link)
    assert page.status_code == 200 and "form" in page.context
    response = accept(link)
    assert response.status_code == 302, response.context and response.context["form"].errors
    user = User.objects.get(username="ada.lind")
    assert (user.email, user.first_name, user.last_name) == ("ada.lind@example.se", "Ada", "Lind")
    assert Membership.objects.get(user=user, organisation=karlstad).role == "coordinator"
    assert logs_in("ada.lind")
    invitation = Invitation.objects.get(email="ada.lind@example.se")
    assert invitation.status == "accepted" and invitation.accepted_by == user and invitation.accepted_at
    accepted = entries(karlstad, "invitation accepted by ada.lind as coordinator").get()
    assert accepted.actor == user
    with translation.override("en"):
        assert accepted.detail == "ada.lind accepted the invitation as Coordinator / analyst"
    # the members page shows the new member and the recent changes
    members = admin.get(reverse("orgs:members", args=[karlstad.slug]))
    assert user in [m.user for m in members.context["memberships"]]
    assert accepted in list(members.context["history"])


def test_a_weak_password_is_refused_by_the_password_validators(admin, karlstad):
    invite(admin, karlstad)
    response = accept(link_in(mail.outbox[0]), password="12345678")
    assert response.status_code == 200 and response.context["form"].errors["password1"]
    assert not User.objects.filter(username="ada.lind").exists()
    assert Invitation.objects.get().status == "pending"


def test_a_used_link_is_refused_the_second_time(admin, karlstad):
    invite(admin, karlstad)
    link = link_in(mail.outbox[0])
    assert accept(link).status_code == 302
    again = accept(link, username="ada.igen")
    assert again.status_code == 410 and again.context["refused"] == "accepted"
    assert Client().get(link).status_code == 410
    assert not User.objects.filter(username="ada.igen").exists()
    assert User.objects.filter(email="ada.lind@example.se").count() == 1


def test_an_expired_link_is_refused(admin, karlstad, settings, monkeypatch):
    settings.TRYGG_INVITE_DAYS = 2
    invite(admin, karlstad)
    link = link_in(mail.outbox[0])
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 2 * 86400 + 60)  # what django.core.signing reads
    response = accept(link)
    assert response.status_code == 410 and response.context["refused"] == "expired"
    monkeypatch.setattr(time, "time", lambda: now + 2 * 86400 - 60)  # a minute before: still valid
    assert Client().get(link).status_code == 200
    assert not User.objects.filter(username="ada.lind").exists()


def test_a_tampered_link_is_refused_without_an_error(admin, karlstad):
    invite(admin, karlstad)
    link = link_in(mail.outbox[0])
    token = link.split("/")[2]
    for bad in (token[:-3] + ("abc" if not token.endswith("abc") else "xyz"), "inte-en-inbjudan", token + "x"):
        response = accept(f"/inbjudan/{bad}/")
        assert response.status_code == 400 and response.context["refused"] == "invalid", bad
    assert not User.objects.filter(username="ada.lind").exists()


def test_a_withdrawn_invitation_no_longer_works(admin, karlstad):
    invite(admin, karlstad)
    link = link_in(mail.outbox[0])
    invitation = Invitation.objects.get()
    response = admin.post(reverse("orgs:invitation_withdraw", args=[karlstad.slug, invitation.pk]))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "withdrawn" and invitation.withdrawn_by.username == "karlstad.admin"
    assert accept(link).status_code == 410
    assert not User.objects.filter(username="ada.lind").exists()
    assert entries(karlstad, "invitation withdrawn for ada.lind@example.se").count() == 1


def test_an_invitation_to_an_address_with_an_account_adds_the_membership_after_login(admin, karlstad, demo_orgs):
    robin = demo_orgs["users"]["fastighet.rapportor"]
    invite(admin, karlstad, email=robin.email, role="viewer")
    link = link_in(mail.outbox[0])
    anonymous = Client().get(link)
    assert anonymous.status_code == 200 and anonymous.context["login_url"].endswith(f"?next={link}")
    assert accept(link).status_code == 200  # no second account for the same address
    other = Client()
    other.force_login(demo_orgs["users"]["centrum.rapportor"])
    assert other.get(link).context["other_account"] and other.post(link).status_code == 200
    assert not Membership.objects.filter(user=robin, organisation=karlstad).exists()
    owner = Client()
    owner.force_login(robin)
    assert owner.get(link).context["confirm"]
    assert owner.post(link).status_code == 302
    assert Membership.objects.get(user=robin, organisation=karlstad).role == "viewer"
    assert User.objects.filter(email=robin.email).count() == 1
    assert owner.post(link).status_code == 410


def test_a_coordinator_of_the_same_organisation_may_not_invite(login, demo_orgs, karlstad):
    client = login(demo_orgs["users"]["karlstad.samordnare"])
    assert client.get(reverse("orgs:invite", args=[karlstad.slug])).status_code == 403
    assert invite(client, karlstad).status_code == 403
    assert client.get(reverse("orgs:members", args=[karlstad.slug])).status_code == 403
    assert not Invitation.objects.exists() and not mail.outbox


def test_the_admin_of_another_organisation_is_refused(login, demo_orgs, karlstad):
    orebro_admin = User.objects.create_user("orebro.admin", password="x" * 12)
    Membership.objects.create(user=orebro_admin, organisation=demo_orgs["orgs"]["orebro-kommun"], role="org_admin")
    client = login(orebro_admin)
    assert client.get(reverse("orgs:members", args=[karlstad.slug])).status_code == 403
    assert invite(client, karlstad).status_code == 403
    member = Membership.objects.get(user__username="karlstad.samordnare")
    url = reverse("orgs:member", args=[karlstad.slug, member.pk])
    assert client.post(url, {"role": "viewer", "version": "coordinator"}).status_code == 403
    assert client.post(reverse("orgs:member_remove", args=[karlstad.slug, member.pk])).status_code == 403
    member.refresh_from_db()
    assert member.role == "coordinator"
    # their own organisation's page is theirs; another organisation's member under it is not found
    assert client.get(reverse("orgs:members", args=["orebro-kommun"])).status_code == 200
    assert client.get(reverse("orgs:member", args=["orebro-kommun", member.pk])).status_code == 404


def test_the_last_admin_can_neither_demote_nor_remove_themselves(admin, karlstad):
    me = Membership.objects.get(user__username="karlstad.admin", organisation=karlstad)
    url = reverse("orgs:member", args=[karlstad.slug, me.pk])
    response = admin.post(url, {"role": "coordinator", "version": "org_admin"})
    assert response.status_code == 200 and response.context["form"].errors["role"]
    assert admin.post(reverse("orgs:member_remove", args=[karlstad.slug, me.pk])).status_code == 302
    me.refresh_from_db()
    assert me.role == "org_admin"
    assert not entries(karlstad, "role of").exists() and not entries(karlstad, "member removed").exists()
    # with a second admin, the first may step down
    second = Membership.objects.get(user__username="karlstad.samordnare")
    promote = admin.post(
        reverse("orgs:member", args=[karlstad.slug, second.pk]), {"role": "org_admin", "version": "coordinator"}
    )
    assert promote.status_code == 302
    assert admin.post(url, {"role": "coordinator", "version": "org_admin"}).status_code == 302
    me.refresh_from_db()
    assert me.role == "coordinator"
    assert entries(karlstad, "role of karlstad.admin: org_admin -> coordinator").count() == 1


def test_a_role_change_made_on_a_stale_page_is_refused(admin, karlstad):
    member = Membership.objects.get(user__username="karlstad.samordnare")
    url = reverse("orgs:member", args=[karlstad.slug, member.pk])
    assert admin.post(url, {"role": "viewer", "version": "coordinator"}).status_code == 302
    stale = admin.post(url, {"role": "reporter", "version": "coordinator"})  # opened before the first change
    assert stale.status_code == 200 and stale.context["form"].non_field_errors()
    member.refresh_from_db()
    assert member.role == "viewer"
    assert stale.context["form"]["version"].value() == "viewer"  # a second save is a deliberate choice


def test_a_removed_member_can_no_longer_log_in_and_the_audit_log_says_so(admin, karlstad, demo_orgs):
    kim = demo_orgs["users"]["karlstad.samordnare"]
    kim.set_password(PASSWORD)
    kim.save()
    assert logs_in(kim.username)
    session = Client()
    session.force_login(kim)
    assert session.get(reverse("incidents:list", args=["1780"])).status_code == 200
    member = Membership.objects.get(user=kim)
    assert admin.post(reverse("orgs:member_remove", args=[karlstad.slug, member.pk])).status_code == 302
    kim.refresh_from_db()
    assert not kim.is_active and not Membership.objects.filter(user=kim).exists()
    assert not logs_in(kim.username)
    assert session.get(reverse("incidents:list", args=["1780"])).status_code == 302  # logged out
    removal = entries(karlstad, "member removed and deactivated: karlstad.samordnare (coordinator)").get()
    assert removal.action == "delete" and removal.actor.username == "karlstad.admin"
    with translation.override("en"):
        assert removal.detail == "removed karlstad.samordnare (Coordinator / analyst); the account is closed"
    members = admin.get(reverse("orgs:members", args=[karlstad.slug]))
    assert removal in list(members.context["history"])
    assert User.objects.filter(pk=kim.pk).exists()  # the audit log still names the account


def test_a_member_of_two_organisations_removed_from_one_keeps_the_account(admin, karlstad, demo_orgs):
    kim = demo_orgs["users"]["karlstad.samordnare"]
    Membership.objects.create(user=kim, organisation=demo_orgs["orgs"]["centrum-karlstad"], role="reporter")
    member = Membership.objects.get(user=kim, organisation=karlstad)
    assert admin.post(reverse("orgs:member_remove", args=[karlstad.slug, member.pk])).status_code == 302
    kim.refresh_from_db()
    assert kim.is_active and list(kim.memberships.values_list("organisation__slug", flat=True)) == ["centrum-karlstad"]
    assert entries(karlstad, "member removed: karlstad.samordnare (coordinator)").count() == 1


def test_an_address_that_is_a_member_already_or_invited_already_is_refused(admin, karlstad, demo_orgs):
    kim = demo_orgs["users"]["karlstad.samordnare"]
    assert invite(admin, karlstad, email=kim.email).context["form"].errors["email"]
    assert invite(admin, karlstad).status_code == 302
    assert invite(admin, karlstad).context["form"].errors["email"]
    assert Invitation.objects.count() == 1 and len(mail.outbox) == 1


def test_a_superuser_administers_any_organisation(client, karlstad):
    client.force_login(User.objects.create_superuser("root", password="x" * 12))
    assert client.get(reverse("orgs:members", args=[karlstad.slug])).status_code == 200
    assert invite(client, karlstad, role="reporter").status_code == 302
    assert Organisation.objects.get(pk=karlstad.pk).invitations.get().role == "reporter"


def test_an_invitation_does_not_reopen_an_account_a_superuser_closed(login, demo_orgs):
    officer = demo_orgs["users"]["karlstad.granskare"]
    User.objects.filter(pk=officer.pk).update(is_active=False)  # closed by a superuser; the roles stay recorded
    orebro_admin = User.objects.create_user("orebro.admin", password="x" * 12)
    orebro = demo_orgs["orgs"]["orebro-kommun"]
    Membership.objects.create(user=orebro_admin, organisation=orebro, role="org_admin")
    assert invite(login(orebro_admin), orebro, email=officer.email, role="viewer").status_code == 302
    link = link_in(mail.outbox[0])
    page = Client().get(link)
    assert page.status_code == 403 and page.context["refused"] == "closed"
    assert "form" not in page.context
    response = accept(link)
    assert response.status_code == 403 and response.context["refused"] == "closed"
    officer.refresh_from_db()
    assert not officer.is_active and not logs_in(officer.username)
    assert not Membership.objects.filter(user=officer, organisation=orebro).exists()
    assert Invitation.objects.get(email=officer.email).status == "pending"
    refusal = AuditEvent.objects.filter(action="denied", object_type="orgs.invitation").first()
    assert refusal is not None and refusal.changes == {"user": officer.pk, "reason": "closed account"}


def test_a_superuser_reopens_a_closed_account_in_djangos_admin_and_it_is_audited(client, demo_orgs):
    officer = demo_orgs["users"]["karlstad.granskare"]
    User.objects.filter(pk=officer.pk).update(is_active=False)
    client.force_login(User.objects.create_superuser("root", password="x" * 12))
    response = client.post(
        "/admin/orgs/user/", {"action": "reopen_accounts", "_selected_action": [officer.pk]}, follow=True
    )
    assert response.status_code == 200
    officer.refresh_from_db()
    assert officer.is_active
    reopened = AuditEvent.objects.get(object_type="orgs.user", object_id=str(officer.pk), summary="account reopened")
    assert reopened.actor.username == "root" and reopened.changes == {"is_active": [False, True]}
