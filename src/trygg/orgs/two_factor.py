"""Two-step verification with an authenticator app (TOTP, RFC 6238, through django-otp) for every staff user.

It is optional for everybody and required for the screening, which asks for it itself. A user who has set up an
app is asked for its code after the password at every login, before any page opens (``SecondFactorMiddleware``);
codes are throttled by django-otp after wrong tries. Setting up, verifying and turning it off are audited;
turning it off needs a current code, and a screening officer cannot turn it off.
"""

from __future__ import annotations

import base64
import io
from urllib.parse import quote

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from trygg.audit import log
from trygg.orgs import access

# pages a user who has an app but has not yet entered its code may still open
OPEN_BEFORE_CODE = frozenset({"two_factor_verify", "screening:verify", "logout", "set_language", "core:unsubscribe"})


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.GET.get("next") or default
    return target if url_has_allowed_host_and_scheme(target, {request.get_host()}) else default


def _qr(device: TOTPDevice) -> tuple[str, str]:
    """The set-up QR code as a data URL (no request leaves the server) and the key to type by hand."""
    svg = io.BytesIO()
    qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage).save(svg)
    return (
        "data:image/svg+xml;base64," + base64.b64encode(svg.getvalue()).decode(),
        base64.b32encode(device.bin_key).decode(),
    )


def verify_page(request: HttpRequest, *, default_next: str, purpose: str = "") -> HttpResponse:
    """Set up an authenticator app (the first time) or enter its code; then on to ``next``.

    ``purpose`` names why the code is asked for here (the screening's page says it holds personal data)."""
    next_url = _safe_next(request, default_next)
    setup = not user_has_device(request.user, confirmed=True)
    device = None
    if setup:
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first() or TOTPDevice.objects.create(
            user=request.user, name="Trygg", confirmed=False
        )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].strip()
        verified = (
            device if setup and device.verify_token(token) else (None if setup else match_token(request.user, token))
        )
        if verified is not None:
            if setup:
                verified.confirmed = True
                verified.save()
                log.record(request.user, "update", request.user, summary="second factor set up")
            otp_login(request, verified)
            log.record(request.user, "login", object_type=purpose or "account", summary="second factor verified")
            return redirect(next_url)
        form.add_error("token", _("The code is not right. Check the time on your phone and try again."))
    context = {"form": form, "setup": setup, "purpose": purpose}
    if setup:
        context["qr"], context["secret"] = _qr(device)
    return render(request, "registration/two_factor_verify.html", context)


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    return verify_page(request, default_next=reverse("site:home"))


def required_for(user) -> bool:
    """The screening requires a second factor: its officers keep theirs."""
    return bool(access.screening_municipalities(user))


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """The user's own account: password and two-step verification."""
    return render(
        request,
        "registration/account.html",
        {
            "has_device": user_has_device(request.user, confirmed=True),
            "required": required_for(request.user),
            "form": TokenForm(),
        },
    )


@login_required
@require_POST
def turn_off(request: HttpRequest) -> HttpResponse:
    """Remove the user's authenticator app, given a current code from it."""
    if required_for(request.user):
        messages.error(request, _("Screening officers need two-step verification; it cannot be turned off."))
        return redirect("account")
    form = TokenForm(request.POST)
    if not form.is_valid() or match_token(request.user, form.cleaned_data["token"].strip()) is None:
        messages.error(request, _("The code is not right; two-step verification is still on."))
        return redirect("account")
    TOTPDevice.objects.filter(user=request.user).delete()
    log.record(request.user, "update", request.user, summary="second factor removed")
    messages.success(request, _("Two-step verification is off. You log in with your password only."))
    return redirect("account")


class SecondFactorMiddleware:
    """A logged-in user who has set up an authenticator app opens no page before entering its code
    (place after django-otp's ``OTPMiddleware``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match is None or match.view_name in OPEN_BEFORE_CODE or not user_has_device(user, confirmed=True):
            return None
        target = request.get_full_path() if request.method == "GET" else reverse("site:home")
        return redirect(f"{reverse('two_factor_verify')}?next={quote(target)}")
