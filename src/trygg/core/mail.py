"""Messages to people: Swedish first, HTML and plain text, sent once, each with a way to stop getting them.

A message has a *kind* (registered by the app that sends it, with the Swedish name people choose by) and a
*key* that names what it is about and for whom. The key is claimed in the database before sending
(``SentMessage``, unique), so two workers or a retried job send a message once; a failed send gives the key back.
Staff choose per kind what they get (every kind is on until turned off); each message carries a signed link
that turns its kind off for its recipient in one click (RFC 8058 ``List-Unsubscribe``). A resident's address
belongs to their own tip: their link forgets it. Subjects never hold names, places or descriptions.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from email.utils import formataddr

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

log = logging.getLogger(__name__)
SALT = "trygg.mail.unsubscribe"


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


def sender_name(user=None, municipality_code: str = "") -> str:
    """The cooperation the message comes from: the user's (first by name), or the municipality's."""
    from trygg.orgs.models import Cooperation

    coops = Cooperation.objects.order_by("name")
    if user is not None:
        coops = coops.filter(organisations__memberships__user=user)
    elif municipality_code:
        coops = coops.filter(organisations__municipalities__code=municipality_code, organisations__kind="municipality")
    name = coops.values_list("name", flat=True).first()
    return name or "Trygg"


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


def send(message: Outgoing, connection=None) -> bool:
    """Send unless already sent or not wanted; True when sent now."""
    from trygg.core.models import SentMessage

    if not message.to:
        return False
    if message.user is not None and not wants(message.user, message.kind):
        return False
    try:
        with transaction.atomic():
            claim = SentMessage.objects.create(kind=message.kind, key=message.key, user=message.user)
    except IntegrityError:  # sent before (or being sent by another worker)
        return False
    try:
        email = build(message)
        email.connection = connection
        email.send()
    except Exception:
        claim.delete()  # so that a retry sends it
        raise
    return True


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
        headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
        if unsubscribe
        else {},
    )
    email.attach_alternative(html, "text/html")
    return email
