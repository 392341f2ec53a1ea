"""What makes Trygg usable without network: forms a phone may send twice, and pages it may keep.

A reporter in a stairwell fills in a report; the page's script (``static/trygg/offline.js``) finds no network and
keeps the form in the phone's IndexedDB, then sends it when the network returns — and, since a connection can
drop after the server stored a report but before the phone heard the answer, it may send it again. Every queued
form therefore carries an *idempotency key* (a random UUID made on the phone when the reporter pressed Send), and
a view decorated with :func:`idempotent` stores the key with the first successful answer: the same key again is
answered with that first answer (the redirect) and writes nothing. The key is the user's own (two users cannot
collide), and an answer that was not a success (a form with errors) keeps no key, so a corrected form can be
sent. Pattern: the ``Idempotency-Key`` header of the IETF draft *The Idempotency-Key HTTP Header Field*
(draft-ietf-httpapi-idempotency-key-header), and Stripe's API, carried in a form field as well because a queued
form is posted as a form.

:func:`keep_offline` marks a page the service worker (``/sw.js``) may keep on the phone for use without network
(the report form, a safety walk's page); other pages are never stored there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from functools import wraps

from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.core.models import Submission

KEY_FIELD = "idempotency_key"
KEY_HEADER = "HTTP_IDEMPOTENCY_KEY"
KEEP_HEADER = "X-Trygg-Offline"
REPLAYED_HEADER = "X-Trygg-Replayed"
KEEP_FOR = dt.timedelta(days=30)  # a phone offline longer than this sends its report as new
_VALID_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_SUCCESS = (301, 302, 303)


def key_of(request) -> str:
    return (request.POST.get(KEY_FIELD) or request.META.get(KEY_HEADER) or "").strip()


VOLATILE_FIELDS = frozenset({KEY_FIELD, "csrfmiddlewaretoken"})  # differ between two sends of the same form


def fingerprint(request) -> str:
    """A digest of what the form says — the address, every field and every file's bytes, not the key or the form
    token — so that a key reused for a *different* form is told apart from the same form sent again."""
    digest = hashlib.sha256(request.path.encode())
    for name in sorted(request.POST):
        if name not in VOLATILE_FIELDS:
            for value in request.POST.getlist(name):
                digest.update(b"\0f" + name.encode() + b"\0" + value.encode())
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            digest.update(b"\0u" + name.encode() + b"\0")
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return digest.hexdigest()


def _key_reused(request) -> HttpResponse:
    message = _(
        "This report was sent with the key of another report, which is already stored. Nothing was stored from this "
        "one: open the form again and send it anew."
    )
    return HttpResponse(message, status=409, content_type="text/plain; charset=utf-8")


def _queued(request) -> bool:
    """Sent by the phone's outbox (``X-Trygg-Queue: 1``): it wants the outcome in JSON, not a redirect."""
    return request.headers.get("X-Trygg-Queue") == "1"


def _answer(request, location: str, replayed: bool) -> HttpResponse:
    if _queued(request):
        response = JsonResponse({"ok": True, "location": location, "replayed": replayed})
    else:
        response = HttpResponseRedirect(location)
    if replayed:
        response[REPLAYED_HEADER] = "1"
    return response


def idempotent(view):
    """Answer a POST whose idempotency key this user already used with the first answer, writing nothing again.

    The key is claimed by inserting its row in the same transaction as the view's writes: of two copies sent at
    once one inserts and the other waits for it (PostgreSQL's unique index; SQLite writes one at a time) and
    then finds the stored answer. Without a key the view runs as always.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        key = key_of(request) if request.method == "POST" else ""
        if not key or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if not _VALID_KEY.match(key):
            return HttpResponse(
                "The idempotency key must be 16 to 64 letters, digits, '-' or '_'.",
                status=400,
                content_type="text/plain",
            )
        sent = fingerprint(request)
        earlier = Submission.objects.filter(user=request.user, key=key).first()
        if earlier is not None:
            return _replay(request, earlier, sent)
        try:
            with transaction.atomic():
                claim = Submission.objects.create(user=request.user, key=key, path=request.path[:300], fingerprint=sent)
                response = view(request, *args, **kwargs)
                if response.status_code in _SUCCESS:
                    claim.location = response["Location"][:500]
                    claim.save(update_fields=["location"])
                else:
                    transaction.set_rollback(True)  # nothing was stored; the corrected form may use the key
        except IntegrityError:
            earlier = Submission.objects.filter(user=request.user, key=key).first()
            if earlier is None:
                raise  # the view's own integrity error, not a second copy
            return _replay(request, earlier, sent)
        Submission.objects.filter(user=request.user, created_at__lt=timezone.now() - KEEP_FOR).delete()
        if response.status_code in _SUCCESS:
            return _answer(request, claim.location, replayed=False) if _queued(request) else response
        if _queued(request) and response.status_code == 200:
            response.status_code = 422  # the form had errors: the outbox keeps it and shows them
        return response

    wrapper.idempotent = True
    return wrapper


def _replay(request, earlier: Submission, sent: str) -> HttpResponse:
    """The first answer again for the same form; 409 for a different form under the same key (never dropped in
    silence). A submission stored before fingerprints were kept matches any form."""
    if earlier.fingerprint and earlier.fingerprint != sent:
        return _key_reused(request)
    return _answer(request, earlier.location, replayed=True)


def keep_offline(view):
    """Let the service worker keep this page for use without network (``X-Trygg-Offline: keep``)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.method == "GET" and response.status_code == 200:
            response[KEEP_HEADER] = "keep"
        return response

    return wrapper
