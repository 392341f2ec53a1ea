"""The pages behind the messages: a user's choice of what they get, and the one-click unsubscribe."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required, login_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from trygg.audit import log
from trygg.core import mail


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """Which kinds of message the user gets (all are on until turned off)."""
    choices = mail.kinds(for_staff=True)
    if request.method == "POST":
        chosen = set(request.POST.getlist("kind"))
        for kind in choices:
            mail.set_preference(request.user, kind.code, kind.code in chosen)
        log.record(request.user, "update", request.user, summary="message preferences",
                   changes={"on": sorted(chosen & {k.code for k in choices})})  # fmt: skip
        messages.success(request, _("Your choice of messages is saved."))
        return redirect("core:messages")
    rows = [{"kind": k, "on": mail.wants(request.user, k.code)} for k in choices]
    return render(request, "core/messages.html", {"rows": rows})


@login_not_required
@csrf_exempt  # the signed token is the authorisation; mail programs post the one-click form without a CSRF token
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a page with one button (link scanners only GET). POST: the kind is off for its recipient (RFC 8058)."""
    try:
        data = mail.read_token(token)
    except signing.BadSignature:
        return render(request, "core/unsubscribe.html", {"invalid": True}, status=400)
    kind = mail.kind(data["k"])
    if request.method != "POST":
        return render(request, "core/unsubscribe.html", {"kind": kind, "resident": "t" in data})
    if "u" in data:
        user = get_user_model().objects.filter(pk=data["u"]).first()
        if user is not None:
            mail.set_preference(user, kind.code, False)
            log.record(user, "update", user, summary=f"unsubscribed from {kind.code}")
    else:
        forget_resident_address(data["t"])
    return render(request, "core/unsubscribe.html", {"kind": kind, "done": True, "resident": "t" in data})


_resident_address_forgetters = []


def on_resident_unsubscribe(forget) -> None:
    """The app that keeps residents' addresses registers how to forget one (by its tip's id)."""
    _resident_address_forgetters.append(forget)


def forget_resident_address(tip_id: int) -> None:
    for forget in _resident_address_forgetters:
        forget(tip_id)
