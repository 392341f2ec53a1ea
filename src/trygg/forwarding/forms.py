"""The destination form: the endpoint, the name of its key's environment variable, and which categories go
there under which of the department's service codes (one field per Trygg category; empty: stays in Trygg)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trygg.citizens.services import SERVICES
from trygg.core.concurrency import OptimisticLockMixin

from . import client
from .models import Destination, Route

KEY_NAME = re.compile(r"^[A-Z0-9_]{1,50}$")
REMOTE_CODE = re.compile(r"^[\w.:-]{1,100}$")
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


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
        if not KEY_NAME.match(value):
            raise forms.ValidationError(_("Use capital letters A–Z, digits and _ only, e.g. KARLSTAD_GATA."))
        return value

    def clean_base_url(self) -> str:
        value = self.cleaned_data["base_url"].strip()
        parts = urlsplit(value)
        if parts.scheme != "https" and parts.hostname not in LOOPBACK:
            raise forms.ValidationError(_("The address must start with https:// (the API key is sent to it)."))
        if parts.query or parts.fragment:
            raise forms.ValidationError(_("Give the base address without ? or #, e.g. https://open311.example.se/v2/."))
        return value if value.endswith("/") else value + "/"

    def clean(self):
        data = super().clean()
        url = data.get("base_url")
        if url and data.get("active") and not client.host_allowed(url):  # may be saved turned off, not on
            message = _("Trygg may not send to %(host)s: the server's TRYGG_OPEN311_HOSTS must name it (ask IT).")
            self.add_error("base_url", message % {"host": urlsplit(url).hostname})
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
