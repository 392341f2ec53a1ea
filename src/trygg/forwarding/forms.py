"""The destination form: the endpoint, the name of its key's environment variable, and which categories go
there under which of the department's service codes (one field per Trygg category; empty: stays in Trygg).

The address is checked with the function every call uses (``client.check_address``, ``trygg.core.outbound``):
its form always; and, when the destination is to send, the installation's allowed hosts and ports and the
addresses the host resolves to. The key's variable is always of the destination's own municipality."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trygg.citizens.services import SERVICES
from trygg.core import outbound
from trygg.core.concurrency import OptimisticLockMixin

from . import client
from .models import KEY_NAME, KEY_PREFIX, Destination, Route

REMOTE_CODE = re.compile(r"^[\w.:-]{1,100}$")


def refusal_message(exc: outbound.AddressRefused) -> str:
    """The refusal of an address in the user's language."""
    messages = {
        "characters": _("The address contains characters that are not allowed in it: %(chars)s."),
        "userinfo": _("The address may not contain @ (no user name or password in the address)."),
        "unreadable": _(
            "The address cannot be read unambiguously; write it plainly, e.g. https://open311.example.se/v2/."
        ),
        "scheme": _("The address must start with https:// (the API key is sent to it)."),
        "host": _("The host name may contain only letters a–z, digits, dots and hyphens."),
        "origin": _("Trygg may not send to %(host)s: the server's TRYGG_OPEN311_HOSTS must name it (ask IT)."),
        "port": _(
            "Trygg may not send to %(origin)s: the server's TRYGG_OPEN311_HOSTS names the host but not this port "
            "(ask IT)."
        ),
        "internal": _(
            "%(host)s leads to an address inside the server's own network or a reserved range; Trygg does not send "
            "there (IT can allow a network in TRYGG_OUTBOUND_ALLOW_NETWORKS)."
        ),
        "dns": _("The host name %(host)s cannot be found (DNS)."),
    }
    if exc.code in messages:
        return messages[exc.code] % exc.params if exc.params else messages[exc.code]
    return _("The server's setting is wrong: %(detail)s (ask IT).") % {"detail": exc}


def route_field(code: str) -> str:
    return f"route_{code}"


class DestinationForm(OptimisticLockMixin, forms.ModelForm):
    base_url = Destination._meta.get_field("base_url").formfield(assume_scheme="https")

    class Meta:
        model = Destination
        fields = ["name", "base_url", "jurisdiction_id", "key_name", "active"]

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        current = {}
        if self.instance.pk is not None:
            current = dict(self.instance.routes.values_list("category", "remote_service_code"))
        for service in SERVICES:
            self.fields[route_field(service.code)] = forms.CharField(
                label=service.name,
                required=False,
                max_length=100,
                initial=current.get(service.code, ""),
                help_text=gettext_lazy("The department's service_code; empty: the category stays in Trygg."),
            )

    def route_fields(self):
        return [self[route_field(s.code)] for s in SERVICES]

    def main_fields(self):
        return [self[name] for name in self._meta.fields]

    def clean_key_name(self) -> str:
        value = self.cleaned_data["key_name"].strip().upper()
        value = value.removeprefix(KEY_PREFIX).removeprefix(f"{self.municipality.code}_")  # typed in full
        if not KEY_NAME.match(value):
            message = _(
                "Use capital letters A–Z, digits and _ only, starting with a letter, e.g. GATA: the key is then read "
                "from %(example)s."
            )
            raise forms.ValidationError(message % {"example": f"{KEY_PREFIX}{self.municipality.code}_GATA"})
        return value

    def clean_base_url(self) -> str:
        value = self.cleaned_data["base_url"].strip()
        if "?" in value or "#" in value:
            raise forms.ValidationError(_("Give the base address without ? or #, e.g. https://open311.example.se/v2/."))
        try:
            outbound.parse_target(value)
        except outbound.AddressRefused as exc:
            raise forms.ValidationError(refusal_message(exc)) from None
        return value if value.endswith("/") else value + "/"

    def clean(self):
        data = super().clean()
        url = data.get("base_url")
        if url and data.get("active"):  # may be saved turned off before IT allows it, not on
            try:
                client.check_address(url)  # what every call checks again
            except outbound.AddressRefused as exc:
                self.add_error("base_url", refusal_message(exc))
        taken = dict(
            Route.objects.filter(municipality=self.municipality)
            .exclude(destination=self.instance.pk)
            .values_list("category", "destination__name")
        )
        for service in SERVICES:
            name = route_field(service.code)
            code = (data.get(name) or "").strip()
            data[name] = code
            if not code:
                continue
            if not REMOTE_CODE.match(code):
                self.add_error(name, _("Letters, digits and . : _ - only."))
            elif service.code in taken:
                message = _("This category already goes to %(other)s. Remove it there first.")
                self.add_error(name, message % {"other": taken[service.code]})
        return data

    def routes(self) -> dict[str, str]:
        """The categories to route and their remote service codes, as entered."""
        entered = {s.code: self.cleaned_data.get(route_field(s.code)) for s in SERVICES}
        return {code: remote for code, remote in entered.items() if remote}
