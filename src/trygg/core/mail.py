"""Messages to people: Swedish first, HTML and plain text, sent once, each with a way to stop getting them.

A message has a *kind* (registered by the app that sends it, with the Swedish name people choose by) and a
*key* that names what it is about and for whom. The key is claimed in the database before sending
(``SentMessage``, unique), so two workers or a retried job do not both send it; it is marked sent only after the
SMTP server accepted it, and a failed send is recorded and tried again by the next run. A process killed between
claim and send leaves a claim that the next run takes over once it is older than ``CLAIM_EXPIRES``. Delivery is
therefore *at least once*: a process cut off after the server accepted a message and before it was marked sent
sends it again on the next run (exactly once is not possible over SMTP).
Staff choose per kind what they get (every kind is on until turned off); each message carries a signed link
that turns its kind off for its recipient in one click (RFC 8058 ``List-Unsubscribe``). A resident's address
belongs to their own tip: their link forgets it. Subjects never hold names, places or descriptions.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from dataclasses import dataclass
from email.utils import formataddr

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

log = logging.getLogger(__name__)
SALT = "trygg.mail.unsubscribe"
# A claim this old without the message sent was left by a process that died (sending takes at most
# EMAIL_TIMEOUT, 30 s, per attempt): the next run sends the message.
CLAIM_EXPIRES = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class Kind:
    code: str
    label: str  # Swedish, as shown on the preferences page
    for_staff: bool = True  # False: to residents, who choose per tip
    transactional: bool = False  # asked for by the recipient's own step (an invitation): no unsubscribe


_KINDS: dict[str, Kind] = {}


def register_kind(code: str, label: str, for_staff: bool = True, transactional: bool = False) -> Kind:
    kind = Kind(code, label, for_staff, transactional)
    _KINDS[code] = kind
    return kind


def kinds(for_staff: bool = True) -> list[Kind]:
    return [k for k in _KINDS.values() if k.for_staff == for_staff]


def kind(code: str) -> Kind:
    return _KINDS[code]


def wants(user, code: str) -> bool:
    from trygg.core.models import MessagePreference

    return not MessagePreference.objects.filter(user=user, kind=code, enabled=False).exists()


def set_preference(user, code: str, enabled: bool) -> None:
    from trygg.core.models import MessagePreference

    kind(code)  # a known kind only
    MessagePreference.objects.update_or_create(user=user, kind=code, defaults={"enabled": enabled})


def unsubscribe_token(code: str, user=None, tip_id: int | None = None) -> str:
    subject = {"k": code, "u": user.pk} if user is not None else {"k": code, "t": tip_id}
    return signing.dumps(subject, salt=SALT, compress=True)


def read_token(token: str) -> dict:
    """The token's {"k": kind, "u": user id} or {"k": kind, "t": tip id}; ``signing.BadSignature`` if forged."""
    data = signing.loads(token, salt=SALT)
    if data.get("k") not in _KINDS:
        raise signing.BadSignature("unknown kind")
    return data


def absolute(path: str) -> str:
    return settings.TRYGG_BASE_URL.rstrip("/") + path


@dataclass
class Outgoing:
    kind: str
    key: str
    to: str
    subject: str
    template: str  # "app/mail/name": name.txt and name.html are rendered
    context: dict
    user: object = None  # the staff recipient, for preferences and the unsubscribe link
    tip_id: int | None = None  # a resident's tip, for the unsubscribe link
    sender_name: str = "Trygg"
    attachments: tuple[tuple[str, bytes, str], ...] = ()  # (file name, content, MIME type)
    reply_to: str = ""  # where a reply goes (the sending officer), when not to the sender address


def send(message: Outgoing, connection=None) -> bool:
    """Send unless already sent, being sent by another process, or not wanted; True when the SMTP server
    accepted it now. A failure is recorded on the claim and raised (the job's retry sends it)."""
    from trygg.core.models import SentMessage

    if not message.to:
        return False
    if message.user is not None and not wants(message.user, message.kind):
        return False
    claim = claim_message(message)
    if claim is None:
        return False
    mine = SentMessage.objects.filter(pk=claim.pk, status=SentMessage.Status.CLAIMED, claimed_by=claim.claimed_by)
    try:
        email = build(message)
        email.connection = connection
        if not email.send():
            raise RuntimeError("the mail backend sent nothing")
    except Exception as exc:
        mine.update(status=SentMessage.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:500])
        raise
    mine.update(status=SentMessage.Status.SENT, sent_at=timezone.now(), error="")
    return True


def claimant() -> str:
    """Who is sending: this host, process and thread. A claim of one's own that is still open was cut short (one
    thread sends one message at a time), so it is taken over at once rather than after ``CLAIM_EXPIRES``."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"[:200]


def claim_message(message: Outgoing):
    """The message's ``SentMessage`` row, claimed for this sender; None when it is sent or another sender has it.
    Free to take: a new key, a failed attempt, a claim older than ``CLAIM_EXPIRES``, a claim of one's own."""
    from trygg.core.models import SentMessage

    me, now = claimant(), timezone.now()
    try:
        with transaction.atomic():
            return SentMessage.objects.create(
                kind=message.kind, key=message.key, user=message.user, claimed_at=now, claimed_by=me
            )
    except IntegrityError:  # sent before, or claimed before
        pass
    Status = SentMessage.Status
    left = Q(claimed_at__lt=now - CLAIM_EXPIRES) | Q(claimed_by=me)
    free = Q(status=Status.FAILED) | Q(status=Status.CLAIMED) & left
    taken = SentMessage.objects.filter(free, key=message.key).update(
        status=Status.CLAIMED, claimed_at=now, claimed_by=me, attempts=F("attempts") + 1
    )
    if not taken:
        return None
    claim = SentMessage.objects.get(key=message.key)
    log.info("message %s claimed again (attempt %d)", claim.key, claim.attempts)
    return claim


def build(message: Outgoing) -> EmailMultiAlternatives:
    transactional = kind(message.kind).transactional
    token = unsubscribe_token(message.kind, user=message.user, tip_id=message.tip_id)
    unsubscribe = "" if transactional else absolute(reverse("core:unsubscribe", args=[token]))
    context = {
        **message.context,
        "unsubscribe_url": unsubscribe,
        "preferences_url": absolute(reverse("core:messages")) if message.user and not transactional else "",
        "kind_label": kind(message.kind).label,
        "sender_name": message.sender_name,
    }
    with translation.override("sv"):
        text = render_to_string(f"{message.template}.txt", context)
        html = render_to_string(f"{message.template}.html", context)
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=text,
        from_email=formataddr((message.sender_name, settings.DEFAULT_FROM_EMAIL)),
        to=[message.to],
        reply_to=[message.reply_to] if message.reply_to else None,
        headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
        if unsubscribe
        else {},
    )
    email.attach_alternative(html, "text/html")
    for name, content, mimetype in message.attachments:
        email.attach(name, content, mimetype)
    return email
