"""Coordinators' replies and the history of a tip: every status change and reply is a TipUpdate, each mailed
once to a resident who left an address, with the link to the status page; none after unsubscribing."""

from __future__ import annotations

import re
import threading

import pytest
from django.core import mail

from tests.at_once import at_once
from trygg.citizens import notices, tips, updates
from trygg.citizens.models import Tip, TipUpdate
from trygg.core.models import SentMessage

pytestmark = pytest.mark.django_db


def make_tip(**fields) -> Tip:
    defaults = {"municipality_id": "1780", "service_code": "klotter", "lat": 59.3794, "lon": 13.5035}
    return Tip.objects.create(**{**defaults, **fields})


def status_link(tip: Tip) -> str:
    return f"/tips/status/{tip.public_id}/"


def test_a_reply_is_published_and_mailed_once_with_the_link(login, demo_orgs):
    tip = make_tip(email="boende@example.se")
    coordinator = login(demo_orgs["users"]["karlstad.samordnare"])
    before = Tip.objects.get(pk=tip.pk).updated_at
    response = coordinator.post(f"/invanare/tips/{tip.pk}/svar/", {"text": "Vi skickar det till <b>gatukontoret</b>."})
    assert response.status_code == 302
    update = TipUpdate.objects.get(tip=tip)
    coordinator_user = demo_orgs["users"]["karlstad.samordnare"]
    assert (update.kind, update.author, update.new_status) == ("reply", coordinator_user, "open")
    assert Tip.objects.get(pk=tip.pk).updated_at > before  # Open311's updated_after sees it
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["boende@example.se"] and tip.reference in message.subject
    assert status_link(tip) in message.body and "gatukontoret" in message.body
    html = message.alternatives[0][0]
    assert "<b>gatukontoret" not in html and "&lt;b&gt;gatukontoret" in html  # escaped in the HTML part
    assert SentMessage.objects.filter(key=f"tip_update:{update.pk}").count() == 1
    assert not notices.send_reply(update.pk)  # sent once: a retry does nothing
    assert len(mail.outbox) == 1


def test_a_status_change_is_recorded_and_mailed_once_with_the_link(login, demo_orgs):
    tip = make_tip(email="boende@example.se")
    coordinator = login(demo_orgs["users"]["karlstad.samordnare"])
    coordinator.post(f"/invanare/tips/{tip.pk}/atgard/", {"action": "accept"})
    update = TipUpdate.objects.get(tip=tip)
    assert (update.kind, update.old_status, update.new_status) == ("status_change", "open", "accepted")
    assert len(mail.outbox) == 1 and "registrerats som en händelse" in mail.outbox[0].body
    assert status_link(tip) in mail.outbox[0].body and tip.reference in mail.outbox[0].body
    coordinator.post(f"/invanare/tips/{tip.pk}/atgard/", {"action": "accept"})  # handled already: nothing
    assert TipUpdate.objects.filter(tip=tip).count() == 1 and len(mail.outbox) == 1


def test_no_message_after_the_resident_unsubscribes_but_the_reply_is_still_published(client, login, demo_orgs):
    tip = make_tip(email="boende@example.se")
    coordinator = login(demo_orgs["users"]["karlstad.samordnare"])
    coordinator.post(f"/invanare/tips/{tip.pk}/svar/", {"text": "Tack, vi har tagit emot ditt tips."})
    assert len(mail.outbox) == 1
    unsubscribe = re.search(r"<(https?://[^>]+)>", mail.outbox[0].extra_headers["List-Unsubscribe"]).group(1)
    path = "/" + unsubscribe.split("/", 3)[3]
    coordinator.logout()
    assert client.post(path).status_code == 200
    assert Tip.objects.get(pk=tip.pk).email == ""
    coordinator = login(demo_orgs["users"]["karlstad.samordnare"])
    coordinator.post(f"/invanare/tips/{tip.pk}/svar/", {"text": "Platsen är åtgärdad."})
    coordinator.post(f"/invanare/tips/{tip.pk}/atgard/", {"action": "reject", "reason": "Klart"})
    assert len(mail.outbox) == 1  # nothing more
    assert TipUpdate.objects.filter(tip=tip).count() == 3
    assert "Platsen är åtgärdad." in client.get(status_link(tip)).content.decode()


def test_a_coordinator_of_another_municipality_cannot_reply(login, demo_orgs):
    tip = make_tip(email="boende@example.se")
    for username in ("orebro.samordnare", "fastighet.rapportor", "polis.karlstad"):
        response = login(demo_orgs["users"][username]).post(f"/invanare/tips/{tip.pk}/svar/", {"text": "Hej hej"})
        assert response.status_code == 403, username
    assert not TipUpdate.objects.exists() and mail.outbox == []
    assert login(demo_orgs["users"]["karlstad.samordnare"]).get(f"/invanare/tips/{tip.pk}/svar/").status_code == 405


def test_every_status_change_writes_history_merge_reject_and_the_follow_up_no(client, demo_orgs):
    coordinator = demo_orgs["users"]["karlstad.samordnare"]
    first, second, third = make_tip(), make_tip(), make_tip(email="boende@example.se")
    tips.merge(second, first, coordinator)
    tips.reject(first, "Redan sanerat", coordinator)
    tips.accept(third, coordinator)
    Tip.objects.filter(pk=third.pk).update(followup_sent_at=third.created_at)
    token = notices.followup_token(third, "no")
    assert client.post(f"/tips/uppfoljning/{token}/").status_code == 200
    history = {
        t.pk: list(TipUpdate.objects.filter(tip=t).values_list("kind", "old_status", "new_status", "text", "author"))
        for t in (first, second, third)
    }
    assert history[second.pk] == [("status_change", "open", "merged", "", coordinator.pk)]
    assert history[first.pk] == [("status_change", "open", "rejected", "Redan sanerat", coordinator.pk)]
    assert [h[:3] for h in history[third.pk]] == [
        ("status_change", "open", "accepted"),
        ("status_change", "accepted", "open"),
    ]
    assert history[third.pk][1][4] is None  # the resident's answer, not a coordinator's
    assert len(mail.outbox) == 1  # the acceptance; the reopening is not mailed (the answer erased the address)


def test_the_reply_form_offers_templates_that_fill_the_text(login, demo_orgs):
    tip = make_tip()
    coordinator = login(demo_orgs["users"]["karlstad.samordnare"])
    page = coordinator.get(f"/invanare/tips/{tip.pk}/").content.decode()
    assert page.count("?svar=") == len(updates.CANNED_REPLIES) and "csrfmiddlewaretoken" in page
    filled = coordinator.get(f"/invanare/tips/{tip.pk}/", {"svar": "polisen"}).content.decode()
    textarea = re.search(r'<textarea id="reply-text"[^>]*>(.*?)</textarea>', filled, re.S).group(1)
    assert "114 14" in textarea
    empty = re.search(r'<textarea id="reply-text"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    assert empty == ""
    coordinator.post(f"/invanare/tips/{tip.pk}/svar/", {"text": "  "})  # nothing to say: refused
    assert not TipUpdate.objects.exists()
    coordinator.post(f"/invanare/tips/{tip.pk}/svar/", {"text": "x" * (updates.MAX_REPLY + 1)})
    assert not TipUpdate.objects.exists()


def test_signed_by_the_municipality_in_swedish():
    assert updates.signed_by("Karlstad") == "Karlstads kommun"
    assert updates.signed_by("Hammarö") == "Hammarös kommun"
    assert updates.signed_by("Grums") == "Grums kommun"


@pytest.mark.django_db(transaction=True)
def test_a_reply_and_a_rejection_at_once_are_both_recorded_and_each_mailed_once(demo_orgs):
    tip = make_tip(email="boende@example.se")
    coordinator = demo_orgs["users"]["karlstad.samordnare"]
    work = [
        lambda: updates.reply(tip, "Vi har tittat på platsen.", coordinator),
        lambda: tips.reject(tip, "Inte kommunens mark", coordinator),
    ]
    lock, done = threading.Lock(), []

    def one() -> None:
        with lock:
            job = work.pop()
        job()
        done.append(True)

    at_once(one)
    assert len(done) == 2  # neither failed
    kinds = sorted(TipUpdate.objects.filter(tip=tip).values_list("kind", flat=True))
    assert kinds == ["reply", "status_change"]
    assert Tip.objects.get(pk=tip.pk).status == "rejected"
    # the rejection's status mail always goes, once; the reply's goes once at most — not when the rejection's mail has
    # already erased the address (which of the two reads the address first is the database's choice)
    subjects = [m.subject for m in mail.outbox]
    assert sum(s.startswith("Ditt tips ") for s in subjects) == 1, subjects
    assert sum(s.startswith("Svar på ditt tips ") for s in subjects) <= 1, subjects
    assert len(subjects) == sum(s.startswith(("Ditt tips ", "Svar på ditt tips ")) for s in subjects), subjects
    assert len({m.subject for m in mail.outbox}) == len(mail.outbox)
