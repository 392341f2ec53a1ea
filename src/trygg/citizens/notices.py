"""Messages about residents' tips: the sender's status message, the follow-up "Är det åtgärdat?" two weeks
after a tip became an incident (a "no" puts it back before the coordinator), and the coordinators' notice of new
tips. A resident's address is used for their own tip only and erased after the last message (or its unsubscribe
link); a coordinator's notice says how many tips came in, never what they say.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.db.models import Count
from django.urls import reverse

from trygg.audit import log
from trygg.core import jobs, mail
from trygg.core.notifications import on_resident_unsubscribe
from trygg.orgs import senders
from trygg.orgs.access import COORDINATING_ROLES

from .models import Tip, TipUpdate
from .services import BY_CODE

FOLLOW_UP_AFTER = dt.timedelta(days=14)
ANSWER_WITHIN = dt.timedelta(days=14)  # the address is erased when the follow-up has not been answered by then
FOLLOWUP_SALT = "trygg.citizens.followup"
STATUS_WORDS = {
    Tip.Status.ACCEPTED: "har tagits emot och registrerats som en händelse",
    Tip.Status.MERGED: "gällde samma sak som ett tidigare tips och har slagits ihop med det",
    Tip.Status.REJECTED: "har avslutats utan åtgärd",
    Tip.Status.FORWARDED: "har skickats till den som åtgärdar sådant",
    Tip.Status.RESOLVED: "har avslutats av den som åtgärdar sådant",
}


def _resident(tip: Tip, kind: str, key: str, subject: str, template: str, context: dict) -> bool:
    return mail.send(mail.Outgoing(
        kind, key, tip.email, subject, template, {"tip": tip, "service": BY_CODE[tip.service_code].name, **context},
        tip_id=tip.pk, sender_name=senders.sender_name(municipality_code=tip.municipality_id),
    ))  # fmt: skip


def status_url(tip: Tip) -> str:
    """The tip's public status page: by its unguessable public id, never by the short reference."""
    return mail.absolute(reverse("citizens:tip_status", args=[tip.public_id]))


def send_status(tip: Tip, update: TipUpdate, what: str = "") -> bool:
    """The sender hears what became of their tip (once per update: a tip reopened and accepted again is told
    again). ``what`` replaces the status's usual words (the forwarding names the department)."""
    return _resident(
        tip,
        "tip_status",
        f"tip_update:{update.pk}",
        f"Ditt tips {tip.reference} till Trygg",
        "citizens/mail/status",
        {"what": what or STATUS_WORDS[tip.status], "status_url": status_url(tip)},
    )


def send_reply(update_id: int) -> bool:
    """The sender reads the municipality's reply (once per reply), while the tip still has their address."""
    from .updates import signed_by

    update = TipUpdate.objects.select_related("tip__municipality").defer("tip__municipality__boundary")
    update = update.filter(pk=update_id, kind=TipUpdate.Kind.REPLY).first()
    if update is None or not update.tip.email:
        return False
    tip = update.tip
    return _resident(
        tip,
        "tip_reply",
        f"tip_update:{update.pk}",
        f"Svar på ditt tips {tip.reference}",
        "citizens/mail/reply",
        {"update": update, "signed": signed_by(tip.municipality.name), "status_url": status_url(tip)},
    )


def followup_token(tip: Tip, answer: str) -> str:
    return signing.dumps({"t": tip.pk, "a": answer}, salt=FOLLOWUP_SALT)


def read_followup(token: str) -> tuple[int, str]:
    data = signing.loads(token, salt=FOLLOWUP_SALT, max_age=FOLLOW_UP_AFTER + ANSWER_WITHIN)
    if data.get("a") not in ("yes", "no"):
        raise signing.BadSignature("unknown answer")
    return data["t"], data["a"]


def answer_followup(tip_id: int, answer: str) -> Tip | None:
    """Record the sender's answer once; "no" reopens the tip for the coordinator. The address is then erased."""
    with transaction.atomic():
        tip = Tip.objects.select_for_update(of=("self",)).filter(pk=tip_id).first()
        if tip is None or tip.followup_answer or tip.followup_sent_at is None:
            return tip
        from .updates import record_status

        tip.followup_answer, tip.email = answer, ""
        fields = ["followup_answer", "email", "updated_at"]
        old = tip.status
        if answer == "no":
            tip.status = Tip.Status.OPEN
            tip.status_note = "Avsändaren svarade i uppföljningen att det inte är åtgärdat."
            fields += ["status", "status_note"]
        tip.save(update_fields=fields)
        if tip.status != old:  # no message: the address was erased with the answer
            record_status(tip, old, text=tip.status_note)
        log.record("resident", "update", tip, summary=f"follow-up answered {answer}")
    return tip


def resident_followup(context: jobs.JobContext) -> str:
    now = context.now
    due = Tip.objects.filter(
        status=Tip.Status.ACCEPTED, followup_sent_at__isnull=True, closed_at__lte=now - FOLLOW_UP_AFTER
    ).exclude(email="")
    sent = 0
    for tip in due.select_related("municipality").defer("municipality__boundary"):
        links = {a: mail.absolute(reverse("citizens:followup", args=[followup_token(tip, a)])) for a in ("yes", "no")}
        sent += _resident(tip, "tip_followup", f"tip_followup:{tip.pk}", "Är det åtgärdat?", "citizens/mail/followup",
                          {"yes_url": links["yes"], "no_url": links["no"]})  # fmt: skip
        Tip.objects.filter(pk=tip.pk).update(followup_sent_at=now)
    expired = Tip.objects.filter(followup_sent_at__lte=now - ANSWER_WITHIN, followup_answer="").exclude(email="")
    erased = expired.update(email="")
    return f"{sent} uppföljningar skickade, {erased} adresser raderade utan svar"


def tip_notices(context: jobs.JobContext) -> str:
    """Coordinators of a municipality's own organisation hear how many tips arrived since the previous run."""
    from trygg.orgs.models import Membership

    since = jobs.previous_period(jobs.get("tip_notices").schedule, context.period)
    counts = dict(
        Tip.objects.filter(created_at__gte=since, created_at__lt=context.period, status=Tip.Status.OPEN)
        .values_list("municipality")
        .annotate(n=Count("id"))
    )
    if not counts:
        return "inga nya tips"
    memberships = Membership.objects.filter(
        organisation__kind="municipality", organisation__municipalities__code__in=counts, role__in=COORDINATING_ROLES,
        user__is_active=True,
    ).values_list("user", "organisation__municipalities__code", "organisation__municipalities__name")  # fmt: skip
    per_user: dict[int, list[tuple[str, int]]] = {}
    for user_id, code, name in memberships:
        if code in counts:
            per_user.setdefault(user_id, []).append((name, counts[code]))
    users = get_user_model().objects.in_bulk(list(per_user))
    sent = 0
    triage = mail.absolute(reverse("citizens:triage"))
    for user_id, rows in per_user.items():
        user = users[user_id]
        sent += mail.send(mail.Outgoing(
            "tip_notices", f"tip_notices:{context.period_key}:user:{user_id}", user.email, "Nya tips från invånare",
            "citizens/mail/new_tips", {"rows": sorted(rows), "triage_url": triage}, user=user,
            sender_name=senders.sender_name(user),
        ))  # fmt: skip
    return f"{sum(counts.values())} nya tips, {sent} meddelanden"


def register() -> None:
    mail.register_kind("tip_notices", "Nya tips från invånare (till samordnare)")
    mail.register_kind("tip_status", "Besked om ditt tips", for_staff=False)
    mail.register_kind("tip_followup", "Uppföljning av ditt tips", for_staff=False)
    mail.register_kind("tip_reply", "Svar om ditt tips", for_staff=False)
    on_resident_unsubscribe(lambda tip_id: Tip.objects.filter(pk=tip_id).update(email=""))
    jobs.register("tip_notices", tip_notices, "Meddelar samordnare om nya tips", "0 7-18 * * 1-5",
                  catch_up=dt.timedelta(minutes=50))  # fmt: skip
    jobs.register("resident_followup", resident_followup, "Frågar invånare om det blev åtgärdat", "0 10 * * *")
