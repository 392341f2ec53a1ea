"""Sign-in through an identity provider (authorisation code flow with PKCE) and the table of sign-in mappings."""

from __future__ import annotations

import logging

from authlib.integrations.base_client import OAuthError
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required, login_required
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from joserfc.errors import JoseError
from requests import RequestException

from trygg.audit import log
from trygg.core.form_choices import NamedEmptyChoicesMixin
from trygg.orgs import access
from trygg.orgs.models import Cooperation, Organisation, Role
from trygg.sso import signin
from trygg.sso.client import client_for, provider_named
from trygg.sso.models import ClaimMapping

logger = logging.getLogger(__name__)
NEXT_KEY = "sso_next"


@login_not_required
@require_GET
def start(request: HttpRequest, name: str) -> HttpResponse:
    """Off to the provider's sign-in page; back at :func:`callback`."""
    provider = provider_named(name)
    next_url = request.GET.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        request.session[NEXT_KEY] = next_url
    redirect_uri = request.build_absolute_uri(reverse("sso:callback", args=[provider.name]))
    try:
        return client_for(provider).authorize_redirect(request, redirect_uri)
    except (RequestException, ValueError, KeyError, RuntimeError) as exc:
        logger.warning("identity provider %s: discovery failed: %s", provider.name, exc)
        return _refused(request, provider, _("The sign-in service could not be reached. Try again in a while."), 502)


def _refused(request: HttpRequest, provider, message: str, status: int) -> HttpResponse:
    return render(request, "sso/refused.html", {"provider": provider, "message": message}, status=status)


@login_not_required
@require_GET
def callback(request: HttpRequest, name: str) -> HttpResponse:
    """The provider sends the browser back with a code: exchange it, check the ID token, sign in."""
    provider = provider_named(name)
    client = client_for(provider)
    try:
        token = client.authorize_access_token(request)
        claims = dict(token.get("userinfo") or {})
        if not claims.get("sub"):
            raise OAuthError(description="no ID token")
        if provider.groups_claim not in claims and client.load_server_metadata().get("userinfo_endpoint"):
            extra = client.userinfo(token=token)
            if str(extra.get("sub")) == str(claims["sub"]):  # OpenID Connect Core §5.3.2
                claims |= dict(extra)
    except (OAuthError, JoseError, RequestException, ValueError, KeyError) as exc:
        logger.warning("identity provider %s: sign-in failed: %s", provider.name, exc)
        message = _("The sign-in could not be completed. Start again from the login page.")
        return _refused(request, provider, message, 400)
    outcome = signin.sign_in(provider, claims)
    signin.record(provider, outcome, str(claims["sub"]))
    if outcome.refused == "inactive":
        message = _("Your account in Trygg has been deactivated. Ask your organisation's administrator.")
        return _refused(request, provider, message, 403)
    if outcome.refused:
        message = _(
            "Your account at %(provider)s gives no role in Trygg. "
            "Ask your organisation's administrator to add your group."
        ) % {"provider": provider.label}
        return _refused(request, provider, message, 403)
    next_url = request.session.pop(NEXT_KEY, "")
    login(request, outcome.user, backend="django.contrib.auth.backends.ModelBackend")
    request.session["sso_provider"] = provider.name
    if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        return redirect(next_url)
    return redirect(settings.LOGIN_REDIRECT_URL)


class MappingForm(NamedEmptyChoicesMixin, forms.ModelForm):
    class Meta:
        model = ClaimMapping
        fields = ["provider", "claim", "value", "organisation", "role"]

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        providers = settings.TRYGG_OIDC_PROVIDERS
        self.fields["provider"] = forms.ChoiceField(
            label=gettext_lazy("Identity provider"), choices=[(p.name, p.label) for p in providers.values()]
        )
        self.fields["organisation"].queryset = organisations
        self.fields["role"].choices = list(Role.choices)
        self.fields["claim"].initial = next(iter(providers.values())).groups_claim if providers else "groups"
        self.fields["claim"].help_text = gettext_lazy("The claim in the ID token, usually groups or roles.")


def _administered(user) -> list[Cooperation]:
    return list(access.administered_cooperations(user))


def _organisations_of(cooperations: list[Cooperation]):
    return Organisation.objects.filter(cooperations__in=cooperations).distinct()


@login_required
def mappings(request: HttpRequest) -> HttpResponse:
    """Which group at which provider gives which role in which organisation, for a cooperation's admins."""
    cooperations = _administered(request.user)
    access.require(bool(cooperations))
    organisations = _organisations_of(cooperations)
    form = MappingForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                mapping = form.save()
        except IntegrityError:
            form.add_error("value", _("This value already gives a role in this organisation."))
        else:
            log.record(request.user, "created", mapping, summary=str(mapping), changes={"role": [None, mapping.role]})
            messages.success(request, _("The mapping was added."))
            return redirect("sso:mappings")
    labels = {name: p.label for name, p in settings.TRYGG_OIDC_PROVIDERS.items()}
    rows = list(ClaimMapping.objects.filter(organisation__in=organisations).select_related("organisation"))
    for row in rows:
        row.provider_label = labels.get(row.provider, row.provider)
    return render(
        request,
        "sso/mappings.html",
        {"form": form, "rows": rows, "cooperations": cooperations, "configured": bool(labels)},
    )


@login_required
@require_POST
def mapping_delete(request: HttpRequest, pk: int) -> HttpResponse:
    cooperations = _administered(request.user)
    access.require(bool(cooperations))
    with transaction.atomic():
        mapping = get_object_or_404(
            ClaimMapping.objects.select_for_update(), pk=pk, organisation__in=_organisations_of(cooperations)
        )
        log.record(request.user, "deleted", mapping, summary=str(mapping), changes={"role": [mapping.role, None]})
        mapping.delete()
    messages.success(request, _("The mapping was removed. Members it gave a role lose it at their next sign-in."))
    return redirect("sso:mappings")
