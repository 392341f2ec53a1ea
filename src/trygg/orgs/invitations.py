"""Invitations by e-mail: a signed link that expires after ``TRYGG_INVITE_DAYS`` days (default 7) and works once
(the stored :class:`~trygg.orgs.models.Invitation` says whether it is still pending)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.urls import reverse

from trygg.core import mail

SALT = "trygg.orgs.invitation"
KIND = "invitation"


def days() -> int:
    return int(getattr(settings, "TRYGG_INVITE_DAYS", 7))


def token(invitation) -> str:
    return signing.dumps({"i": invitation.pk, "e": invitation.email.lower()}, salt=SALT)


def read(value: str) -> dict:
    """``{"i": invitation id, "e": address}``; ``signing.SignatureExpired`` when too old, ``signing.BadSignature``
    when forged or damaged."""
    data = signing.loads(value, salt=SALT, max_age=dt.timedelta(days=days()))
    if not isinstance(data, dict) or not isinstance(data.get("i"), int):
        raise signing.BadSignature("not an invitation")
    return data


def expires(invitation) -> dt.datetime:
    return invitation.created_at + dt.timedelta(days=days())


def send(invitation) -> bool:
    """The invitation's e-mail (Swedish, HTML and text), sent once per invitation."""
    url = mail.absolute(reverse("orgs:accept", args=[token(invitation)]))
    inviter = invitation.invited_by
    return mail.send(
        mail.Outgoing(
            KIND,
            f"{KIND}:{invitation.pk}",
            invitation.email,
            "Inbjudan till Trygg",
            "orgs/mail/invitation",
            {
                "invitation": invitation,
                "organisation": invitation.organisation.name,
                "role": invitation.get_role_display(),
                "inviter": (inviter.get_full_name() or inviter.get_username()) if inviter else "",
                "url": url,
                "days": days(),
            },
            sender_name=invitation.organisation.name,
        )
    )


def register() -> None:
    mail.register_kind(KIND, "Inbjudningar att bli medlem i en organisation", transactional=True)
