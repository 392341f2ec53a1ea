"""Sending tips to the department and reading back what it did with them.

* A new tip in a category routed to an active destination gets a forwarding row in the tip's own transaction
  (``on_tip_created``, registered in ``ForwardingConfig.ready``); after the commit a background task sends it.
  Nothing of this can fail the resident's submission: the hook runs in a savepoint and the task is queued
  after the commit (``robust``), and what was not sent is sent by the job.
* A send is claimed by a state transition — ``pending``/``failed`` → ``sending`` with a conditional UPDATE —
  so two workers or job runs at once post a tip once (as ``trygg.core.jobs`` claims its runs). A failure is
  retried after 10 min, 30 min, 2 h and 6 h; the fifth failure leaves it "failed — needs a person" (the page's
  "Try again now" gives it another attempt). A send interrupted for ``STUCK_AFTER`` (a killed worker) is tried
  again: that may post it twice, and so may a success whose answer was lost — the department's endpoint has
  no way to ask "did you get this?", and Trygg chooses sending twice over not sending. Every claim counts as
  an attempt, an interrupted one too: after ``MAX_ATTEMPTS`` a send that keeps crashing needs a person instead
  of being posted again every ``STUCK_AFTER``.
* One forwarding never stops the others: the job sends, reads and tells each one on its own (an unexpected
  error is logged with its traceback and recorded on that forwarding). A status read that fails counts on the
  forwarding (``poll_failures``); the reads back off (9 min, 18 min, 36 min, …) and after ``MAX_POLL_FAILURES``
  in a row they stop and the forwarding needs a person ("Try again now" reads it again).
* The job ``tip_forwarding`` (every 10 minutes) sends what is due, resolves tokens into ids, reads the status
  of sent requests (claimed per row by ``last_polled_at``) and turns each change the department makes into one
  public update of the tip (``TipUpdate``, signed by the municipality on the status page) and one message to
  the resident — once per change: the change is claimed by its fingerprint and the message by the update's
  key (``tip_update:<id>``), and a message that could not be sent stays due (``notice_update``) until it is.

GeoReport v2: http://wiki.open311.org/GeoReport_v2
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections import Counter, defaultdict

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from trygg.audit import log
from trygg.citizens import notices, tips
from trygg.citizens.models import Tip
from trygg.citizens.services import BY_CODE
from trygg.citizens.updates import record_status
from trygg.core import jobs
from trygg.core.importing import RecordError

from . import client
from .models import MAX_POLL_FAILURES, Destination, Forwarding, Route

logger = logging.getLogger(__name__)

ACTOR = "forwarding"  # the audit log's name for what the job does by itself
BACKOFF = (dt.timedelta(minutes=10), dt.timedelta(minutes=30), dt.timedelta(hours=2), dt.timedelta(hours=6))
MAX_ATTEMPTS = len(BACKOFF) + 1
STUCK_AFTER = dt.timedelta(minutes=15)
POLL_EVERY = dt.timedelta(minutes=9)  # each run of the 10-minute job reads every sent request
POLL_BATCH = 20  # ids per GET requests.json
KEEP_ADDRESS = dt.timedelta(days=180)  # a resident's address waits this long for the department to close
State = Forwarding.State


def route_for(tip: Tip) -> Route | None:
    """The active route of the tip's municipality and category (None: the tip stays in Trygg)."""
    return (
        Route.objects.select_related("destination")
        .filter(municipality_id=tip.municipality_id, category=tip.service_code, destination__active=True)
        .first()
    )


def on_tip_created(tip: Tip) -> None:
    """The hook for new tips: a forwarding row when the category is routed, sent after the commit."""
    route = route_for(tip)
    if route is None:
        return
    forwarding = Forwarding.objects.create(
        tip=tip, destination=route.destination, service_code=route.remote_service_code, next_attempt_at=timezone.now()
    )
    log.record(ACTOR, "create", forwarding, summary=f"tip {tip.reference} to {route.destination.name}")
    _send_after_commit(forwarding.pk)


def _send_after_commit(pk: int) -> None:
    transaction.on_commit(lambda: send_task.enqueue(forwarding_id=pk), robust=True)


@task()
def send_task(forwarding_id: int) -> None:
    """Background task: send one forwarding now (a doubled or late delivery finds it claimed or sent)."""
    send(forwarding_id)


def manual_routes(tip: Tip) -> list[Route]:
    """Where a coordinator may send the tip by hand: the active routes of its municipality, its own category
    first."""
    routes = Route.objects.filter(municipality_id=tip.municipality_id, destination__active=True)
    routes = list(routes.select_related("destination").order_by("destination__name", "category"))
    return sorted(routes, key=lambda r: r.category != tip.service_code)


def forward_manually(tip: Tip, route: Route, user) -> Forwarding:
    """A coordinator sends an open tip to a route's destination under the route's service code."""
    from django.utils.translation import gettext as _

    if route.municipality_id != tip.municipality_id or not route.destination.active:
        raise RecordError(_("Choose a destination of the tip's municipality that is turned on."))
    with transaction.atomic():
        locked = Tip.objects.select_for_update(of=("self",)).get(pk=tip.pk)
        if not locked.is_open:
            message = _("Only a new tip can be forwarded; this one is: %(status)s.")
            raise RecordError(message % {"status": locked.get_status_display()})
        if Forwarding.objects.filter(tip=locked).exclude(state=State.FAILED).exists():
            raise RecordError(_("The tip has already been forwarded; see the list of forwarded tips."))
        existing = Forwarding.objects.filter(tip=locked, destination=route.destination).first()
        if existing is not None:  # failed before: try again, under the chosen code
            Forwarding.objects.filter(pk=existing.pk).update(
                state=State.PENDING, service_code=route.remote_service_code, next_attempt_at=timezone.now()
            )
            forwarding = Forwarding.objects.get(pk=existing.pk)
        else:
            forwarding = Forwarding.objects.create(
                tip=locked,
                destination=route.destination,
                service_code=route.remote_service_code,
                next_attempt_at=timezone.now(),
                created_by=user,
            )
        log.record(
            user,
            "create",
            forwarding,
            summary=f"tip {locked.reference} forwarded by hand to {route.destination.name}",
            changes={"service_code": route.remote_service_code},
        )
        _send_after_commit(forwarding.pk)
    return forwarding


def retry_now(forwarding: Forwarding, user) -> bool:
    """ "Try again now": a failed (or waiting) forwarding is due at once, and one whose status could not be read is
    read again by the next run; False when it is neither."""
    with transaction.atomic():
        won = Forwarding.objects.filter(pk=forwarding.pk, state__in=[State.FAILED, State.PENDING]).update(
            state=State.PENDING, next_attempt_at=timezone.now()
        )
        reread = Forwarding.objects.filter(pk=forwarding.pk, state=State.SENT, poll_failures__gt=0).update(
            poll_failures=0, last_polled_at=None
        )
        if reread:
            changes = {"poll_failures": forwarding.poll_failures, "last_error": forwarding.last_error[:300]}
            log.record(user, "update", forwarding, summary="forwarding: read the status again", changes=changes)
            return True
        if won:
            changes = {"attempts": forwarding.attempts, "last_error": forwarding.last_error[:300]}
            log.record(user, "update", forwarding, summary="forwarding: try again now", changes=changes)
            _send_after_commit(forwarding.pk)
    return bool(won)


# -- sending -------------------------------------------------------------------------------------------------


def send(pk: int, now: dt.datetime | None = None) -> str:
    """Post one due forwarding: "sent", "failed", or "skipped" (not due, or claimed by someone else)."""
    now = now or timezone.now()
    won = Forwarding.objects.filter(pk=pk, state__in=[State.PENDING, State.FAILED], next_attempt_at__lte=now).update(
        state=State.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not won:
        return "skipped"
    forwarding = Forwarding.objects.select_related("tip", "destination").get(pk=pk)
    tip, destination = forwarding.tip, forwarding.destination
    if tip.status != Tip.Status.OPEN:
        label = tip.get_status_display()
        _fail(forwarding, f"not sent: the tip was handled in Trygg first ({label})", now, retry=False)
        return "failed"
    if not destination.active:
        _fail(forwarding, "not sent: the destination is turned off", now, retry=False)
        return "failed"
    try:
        key = destination.api_key()
        if not key:
            raise client.Open311ClientError(f"the API key is missing: {destination.key_problem()}")
        body = client.post_body(
            service_code=forwarding.service_code,
            description=tip.description or BY_CODE[tip.service_code].name,
            lat=tip.lat,
            lon=tip.lon,
            address=tip.address,
            jurisdiction_id=destination.jurisdiction_id,
            api_key=key,
        )
        posted = client.post(destination.base_url, body)
    except client.Open311ClientError as exc:
        _fail(forwarding, str(exc), now)
        return "failed"
    except Exception:  # a fault of Trygg's own: this attempt fails, and is retried as any other
        logger.exception("forwarding %s: sending failed unexpectedly", pk)
        _fail(forwarding, "sending failed because of an error in Trygg (logged for IT)", now)
        return "failed"
    _sent(forwarding, posted, now)
    return "sent"


def _fail(forwarding: Forwarding, message: str, now: dt.datetime, retry: bool = True) -> None:
    attempts = forwarding.attempts
    next_at = now + BACKOFF[attempts - 1] if retry and attempts < MAX_ATTEMPTS else None
    Forwarding.objects.filter(pk=forwarding.pk).update(
        state=State.FAILED, last_error=message[:2000], next_attempt_at=next_at, claimed_at=None
    )
    if next_at is None:
        log.record(ACTOR, "update", forwarding, summary="forwarding failed: needs a person",
                   changes={"attempts": attempts, "error": message[:300]})  # fmt: skip


def _sent(forwarding: Forwarding, posted: client.Posted, now: dt.datetime) -> None:
    destination = forwarding.destination
    with transaction.atomic():
        Forwarding.objects.filter(pk=forwarding.pk).update(
            state=State.SENT, service_request_id=posted.service_request_id, token=posted.token, sent_at=now,
            last_error="", next_attempt_at=None, claimed_at=None,
        )  # fmt: skip
        tip = Tip.objects.select_for_update(of=("self",)).get(pk=forwarding.tip_id)
        if tip.status == Tip.Status.OPEN:  # a coordinator may have handled it while it was posted
            tip.status, tip.status_note = Tip.Status.FORWARDED, ""
            tip.save(update_fields=["status", "status_note", "updated_at"])
            text = f"Tipset har skickats till {destination.name}, som åtgärdar sådant. Deras besked visas här."
            update = record_status(tip, Tip.Status.OPEN, text=text)
            Forwarding.objects.filter(pk=forwarding.pk).update(notice_update=update)
        log.record(ACTOR, "update", forwarding, summary=f"sent to {destination.name}",
                   changes={"service_request_id": posted.service_request_id, "token": posted.token,
                            "attempt": forwarding.attempts})  # fmt: skip
    deliver_notice(forwarding.pk)


def unstick(now: dt.datetime) -> int:
    """Sends interrupted for STUCK_AFTER (a worker killed or crashed mid-send) are due again — the claim counted
    as an attempt, so after MAX_ATTEMPTS interrupted or failed ones the forwarding needs a person."""
    stuck = Forwarding.objects.filter(state=State.SENDING, claimed_at__lt=now - STUCK_AFTER)
    again = stuck.filter(attempts__lt=MAX_ATTEMPTS).update(
        state=State.FAILED,
        next_attempt_at=now,
        claimed_at=None,
        last_error="the send was interrupted; it is tried again (the department may have received it already)",
    )
    given_up = list(stuck.filter(attempts__gte=MAX_ATTEMPTS))
    for forwarding in given_up:
        message = (
            f"the send was interrupted {forwarding.attempts} times or failed; it is not tried again by itself "
            "(the department may have received it already)"
        )
        if Forwarding.objects.filter(pk=forwarding.pk, state=State.SENDING, claimed_at=forwarding.claimed_at).update(
            state=State.FAILED, next_attempt_at=None, claimed_at=None, last_error=message
        ):
            log.record(ACTOR, "update", forwarding, summary="forwarding failed: needs a person",
                       changes={"attempts": forwarding.attempts, "error": message})  # fmt: skip
    return again + len(given_up)


def _crashed(pk: int, now: dt.datetime) -> None:
    """A send that raised after its claim (outside ``send``'s own handling): the attempt failed."""
    forwarding = Forwarding.objects.filter(pk=pk, state=State.SENDING, claimed_at=now).first()
    if forwarding is not None:
        _fail(forwarding, "sending failed because of an error in Trygg (logged for IT)", now)


# -- the department's status ---------------------------------------------------------------------------------


def fingerprint(status: str, notes: str) -> str:
    return hashlib.sha256(f"{status}\n{notes}".encode()).hexdigest()[:16]


def _claim_poll(forwarding: Forwarding, now: dt.datetime) -> bool:
    rows = Forwarding.objects.filter(pk=forwarding.pk, state=State.SENT)
    if forwarding.last_polled_at is None:
        rows = rows.filter(last_polled_at__isnull=True)
    else:
        rows = rows.filter(last_polled_at=forwarding.last_polled_at)
    return bool(rows.update(last_polled_at=now))


def _poll_error(forwarding: Forwarding, message: str) -> None:
    """A failed status read of one forwarding: counted; at MAX_POLL_FAILURES in a row reading stops."""
    failures = forwarding.poll_failures + 1
    text = f"reading the status: {message}"
    if failures >= MAX_POLL_FAILURES:
        text += f" — not read again by itself after {failures} failed reads in a row"
    Forwarding.objects.filter(pk=forwarding.pk).update(last_error=text[:2000], poll_failures=F("poll_failures") + 1)
    if failures == MAX_POLL_FAILURES:
        log.record(ACTOR, "update", forwarding, summary="reading the status failed: needs a person",
                   changes={"poll_failures": failures, "error": message[:300]})  # fmt: skip


def _unexpected(forwarding: Forwarding, what: str) -> None:
    logger.exception("forwarding %s: %s failed unexpectedly", forwarding.pk, what)
    _poll_error(forwarding, f"{what} failed because of an error in Trygg (logged for IT)")


def _due_for_reading(now: dt.datetime) -> Q:
    """Sent requests whose status is due: every POLL_EVERY, twice as long after each failed read in a row."""
    due = Q(last_polled_at__isnull=True, poll_failures__lt=MAX_POLL_FAILURES)
    for failures in range(MAX_POLL_FAILURES):
        due |= Q(poll_failures=failures, last_polled_at__lte=now - POLL_EVERY * 2**failures)
    return due


def poll(now: dt.datetime) -> tuple[int, int]:
    """Read the status of the sent requests that are due; (read, changed). Each destination, batch and
    forwarding on its own: one that fails or answers something hostile never keeps the others from being read."""
    due = Forwarding.objects.filter(state=State.SENT).filter(_due_for_reading(now))
    claimed = [f for f in due.select_related("destination").order_by("pk")[:1000] if _claim_poll(f, now)]
    per_destination: dict[int, list[Forwarding]] = defaultdict(list)
    for forwarding in claimed:
        per_destination[forwarding.destination_id].append(forwarding)
    read = changed = 0
    for group in per_destination.values():
        for forwarding in [f for f in group if not f.service_request_id]:  # the token flow: an id yet?
            _read_token(forwarding)
        with_ids = [f for f in group if f.service_request_id]
        for start in range(0, len(with_ids), POLL_BATCH):
            batch_read, batch_changed = _read_batch(with_ids[start : start + POLL_BATCH], now)
            read, changed = read + batch_read, changed + batch_changed
    return read, changed


def _read_token(forwarding: Forwarding) -> None:
    destination = forwarding.destination
    try:
        request_id = client.read_token(destination.base_url, forwarding.token, destination.jurisdiction_id)
    except client.Open311ClientError as exc:
        _poll_error(forwarding, str(exc))
        return
    except Exception:
        _unexpected(forwarding, "reading the token")
        return
    if request_id:
        Forwarding.objects.filter(pk=forwarding.pk).update(
            service_request_id=request_id, last_error="", poll_failures=0
        )
        forwarding.service_request_id, forwarding.poll_failures = request_id, 0
    elif forwarding.poll_failures:
        Forwarding.objects.filter(pk=forwarding.pk).update(poll_failures=0)


def _read_batch(batch: list[Forwarding], now: dt.datetime) -> tuple[int, int]:
    destination = batch[0].destination
    try:
        remote = client.read_requests(destination.base_url, [f.service_request_id for f in batch],
                                      destination.jurisdiction_id)  # fmt: skip
    except client.Open311ClientError as exc:
        for forwarding in batch:
            _poll_error(forwarding, str(exc))
        return 0, 0
    except Exception:
        for forwarding in batch:
            _unexpected(forwarding, "reading the requests")
        return 0, 0
    by_id = {r.service_request_id: r for r in remote}
    read = changed = 0
    for forwarding in batch:
        found = by_id.get(forwarding.service_request_id)
        if found is None:
            _poll_error(forwarding, f"the answer does not include request {forwarding.service_request_id!r}")
            continue
        try:
            changed += apply_remote(forwarding, found, now)
        except client.Open311ClientError as exc:
            _poll_error(forwarding, str(exc))
            continue
        except Exception:
            _unexpected(forwarding, "recording the status")
            continue
        read += 1
    return read, changed


def apply_remote(forwarding: Forwarding, remote: client.RemoteRequest, now: dt.datetime) -> bool:
    """Record the department's status of a sent request; True when it changed. A change the resident should
    hear about (closed, reopened, a new note) becomes one public update of the tip and one message."""
    status = client.map_status(remote.status, where=f"reading the requests: request {remote.service_request_id}")
    notes = remote.status_notes.strip()[:2000]
    new = fingerprint(status, notes)
    if new == forwarding.remote_fingerprint:
        if forwarding.last_error or forwarding.poll_failures:
            Forwarding.objects.filter(pk=forwarding.pk).update(last_error="", poll_failures=0)
        return False
    previous = "closed" if forwarding.state == State.CLOSED else "open"
    tell = status != previous or bool(notes and notes != forwarding.remote_status_notes)
    destination = forwarding.destination
    with transaction.atomic():
        won = Forwarding.objects.filter(pk=forwarding.pk, remote_fingerprint=forwarding.remote_fingerprint).update(
            remote_status=remote.status, remote_status_notes=notes, remote_fingerprint=new,
            remote_updated=remote.updated_datetime[:40], state=State.CLOSED if status == "closed" else State.SENT,
            last_error="", poll_failures=0,
        )  # fmt: skip
        if not won or not tell:
            return bool(won)
        tip = Tip.objects.select_for_update(of=("self",)).get(pk=forwarding.tip_id)
        if tip.status not in (Tip.Status.FORWARDED, Tip.Status.RESOLVED):
            return True  # handled in Trygg meanwhile: the department's word is kept here only
        old = tip.status
        tip.status = Tip.Status.RESOLVED if status == "closed" else Tip.Status.FORWARDED
        tip.status_note = notes[:500]
        fields = ["status", "status_note", "updated_at"]
        if tip.status == Tip.Status.RESOLVED:
            tip.closed_at = now
            fields.append("closed_at")
        tip.save(update_fields=fields)
        if notes:
            text = f"{destination.name}: {notes}"
        elif status == "closed":
            text = f"{destination.name} har avslutat ärendet."
        else:
            text = f"{destination.name} har öppnat ärendet igen."
        update = record_status(tip, old, text=text)
        Forwarding.objects.filter(pk=forwarding.pk).update(notice_update=update)
        log.record(ACTOR, "update", tip, summary=f"status from {destination.name}",
                   changes={"remote_status": remote.status, "status": tip.status})  # fmt: skip
    deliver_notice(forwarding.pk)
    return True


# -- the resident's messages ---------------------------------------------------------------------------------


def _what(tip: Tip, old: str, destination: Destination) -> str:
    """The middle of "Ditt tips … {what}." in the status message."""
    if tip.status == Tip.Status.RESOLVED:
        return f"har avslutats av {destination.name}"
    if old == Tip.Status.OPEN:
        return f"har skickats till {destination.name}, som åtgärdar sådant"
    return f"har fått ett nytt besked från {destination.name}"


def deliver_notice(pk: int) -> bool:
    """Send the resident the message of the forwarding's due update (if they left an address); True when sent.
    An address is forgotten after the message that the department closed the tip."""
    forwarding = (
        Forwarding.objects.select_related("tip__municipality", "destination", "notice_update")
        .defer("tip__municipality__boundary")
        .filter(pk=pk, notice_update__isnull=False)
        .first()
    )
    if forwarding is None:
        return False
    tip, update = forwarding.tip, forwarding.notice_update
    sent = False
    if tip.email and update.new_status == tip.status:  # a later change has its own update
        try:
            sent = notices.send_status(tip, update, what=_what(tip, update.old_status, forwarding.destination))
        except Exception as exc:  # the SMTP server is down: the message stays due for the next run
            logger.exception("message about tip %s could not be sent", tip.pk)
            Forwarding.objects.filter(pk=pk).update(last_error=f"the message to the resident failed: {exc}"[:2000])
            return False
    Forwarding.objects.filter(pk=pk, notice_update=update).update(notice_update=None)
    if tip.status == Tip.Status.RESOLVED:
        tips.forget_address(tip.pk)
    return sent


def run(context: jobs.JobContext) -> str:
    """The ``tip_forwarding`` job: send what is due, read the department's status, deliver due messages."""
    now = context.now
    unstick(now)
    due = Forwarding.objects.filter(state__in=[State.PENDING, State.FAILED], next_attempt_at__lte=now)
    outcomes: Counter[str] = Counter()
    for pk in list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:500]):
        try:
            outcomes[send(pk, now)] += 1
        except Exception:  # one forwarding never stops the others
            logger.exception("forwarding %s: the send crashed", pk)
            _crashed(pk, now)
            outcomes["failed"] += 1
    read, changed = poll(now)
    for pk in list(Forwarding.objects.filter(notice_update__isnull=False).values_list("pk", flat=True)[:500]):
        try:
            deliver_notice(pk)
        except Exception:
            logger.exception("forwarding %s: the resident's message crashed", pk)
    erased = (
        Tip.objects.filter(status=Tip.Status.FORWARDED, forwardings__sent_at__lt=now - KEEP_ADDRESS)
        .exclude(email="")
        .update(email="")
    )
    outcome = f"{outcomes['sent']} skickade, {outcomes['failed']} misslyckade, {read} avlästa, {changed} ändrade"
    return outcome + (f", {erased} adresser raderade" if erased else "")


# -- what the tip's pages show ---------------------------------------------------------------------------------


def tip_panel(tip: Tip) -> dict:
    """For the coordinator's tip page: its forwardings, and where it may be sent by hand (an open tip that has
    no forwarding under way)."""
    rows = list(tip.forwardings.select_related("destination").order_by("created_at", "pk"))
    busy = any(f.state != State.FAILED for f in rows)
    own = Route.objects.filter(municipality_id=tip.municipality_id, category=tip.service_code)
    own = own.select_related("destination").first()  # why a tip of a routed category was not sent
    return {
        "rows": rows,
        "routes": manual_routes(tip) if tip.is_open and not busy else [],
        "own_route": own,
        "own_reasons": own.destination.why_not_sending() if own else [],
    }


def public_forwarding(tip: Tip) -> Forwarding | None:
    """The forwarding the resident's status page names (sent or closed), if any."""
    sent = tip.forwardings.filter(state__in=[State.SENT, State.CLOSED]).select_related("destination")
    return sent.order_by("-sent_at", "-pk").first()


def needs_person_count(codes) -> int:
    return Forwarding.objects.filter(Forwarding.needs_person_q(), tip__municipality__in=codes).count()
