"""What a resident hears back: a tip's public updates (status changes and the coordinators' replies), the words
its status page uses, and the canned replies a coordinator starts from.

An update is public — on the tip's status page (reached by the unguessable ``public_id``), in the resident's
e-mail and in Open311's ``notes`` — and it is signed by the municipality, never by the coordinator who wrote it
(who is kept in ``TipUpdate.author`` and in the audit log). Every change of a tip's status writes one, inside
the transaction that changes the status; the message to the resident is sent after it, once per update (the
mail module's key is the update's id).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trygg.audit import log
from trygg.core.importing import RecordError

from .models import Tip, TipUpdate

MAX_REPLY = 2000

# Swedish text in code on purpose: it is content the coordinator edits before sending, not interface.
CANNED_REPLIES: tuple[tuple[str, str], ...] = (
    ("vidare", "Tack, vi har tagit emot ditt tips och skickat det vidare till den som ansvarar för platsen."),
    ("atgardat", "Platsen är åtgärdad. Tack för att du hörde av dig!"),
    ("polisen", "Det här hanteras av polisen – ring 114 14, eller 112 om brott pågår eller någon är i fara."),
    ("foljer-upp", "Vi har tittat på platsen och följer upp den under de närmaste veckorna."),
    ("fastighetsagare", "Platsen sköts inte av kommunen. Vi har lämnat ditt tips vidare till fastighetsägaren."),
)

PUBLIC_STATUS = {
    Tip.Status.OPEN: gettext_lazy("Received – the municipality has not handled it yet"),
    Tip.Status.ACCEPTED: gettext_lazy("Registered as an incident – the municipality is handling it"),
    Tip.Status.MERGED: gettext_lazy("Merged with an earlier report of the same thing"),
    Tip.Status.REJECTED: gettext_lazy("Closed without action"),
    Tip.Status.FORWARDED: gettext_lazy("Sent to those who fix it – the responsible department is handling it"),
    Tip.Status.RESOLVED: gettext_lazy("Closed by those who fix it"),
}


def public_status(status: str) -> str:
    return str(PUBLIC_STATUS[Tip.Status(status)])


def signed_by(municipality_name: str) -> str:
    """How the public sees who wrote: "Karlstads kommun" (Swedish genitive: no extra s after s, x or z)."""
    name = municipality_name.strip()
    return f"{name} kommun" if name[-1:].lower() in ("s", "x", "z") else f"{name}s kommun"


def record_status(tip: Tip, old: str, user=None, text: str = "") -> TipUpdate:
    """The change of ``tip`` (already saved with its new status) from ``old``; call inside the transaction that
    changed it. The caller sends the resident's message after the transaction (``tips._notify``)."""
    update = TipUpdate.objects.create(
        tip=tip, kind=TipUpdate.Kind.STATUS, old_status=old, new_status=tip.status, text=text, author=user
    )
    return update


def reply(tip: Tip, text: str, user) -> TipUpdate:
    """A coordinator's public reply; the tip's row is locked while it is written (two replies at once are two
    replies, each mailed once) and its ``updated_at`` moves, for Open311's ``updated_after``."""
    from . import notices
    from .tips import plain_text

    text = plain_text(text)
    if len(text) < 3:
        raise RecordError(_("Write a reply."))
    if len(text) > MAX_REPLY:
        raise RecordError(_("The reply may be at most %(n)s characters.") % {"n": MAX_REPLY})
    with transaction.atomic():
        locked = Tip.objects.select_for_update(of=("self",)).get(pk=tip.pk)
        update = TipUpdate.objects.create(
            tip=locked, kind=TipUpdate.Kind.REPLY, new_status=locked.status, text=text, author=user
        )
        locked.save(update_fields=["updated_at"])
        log.record(user, "update", locked, summary="reply to the resident", changes={"update": update.pk})
    notices.send_reply(update.pk)  # after the commit, as the status messages
    return update


def public_updates(tip: Tip):
    return tip.updates.order_by("created_at", "id")
