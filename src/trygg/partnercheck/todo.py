"""Partners' concerns waiting for a screening officer, counted on the start page (the company and the message
are read on the concerns page, behind the second factor)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import ngettext

from trygg.core.todo import Item
from trygg.orgs import access
from trygg.partnercheck.models import Concern


def items(user) -> list[Item]:
    if not access.screening_municipalities(user):
        return []
    n = Concern.objects.restrict(user).filter(handled_at__isnull=True).count()
    if not n:
        return []
    text = ngettext(
        "%(n)s concern about a company from a partner to go through",
        "%(n)s concerns about companies from partners to go through",
        n,
    ) % {"n": n}
    return [Item("Granskning", text, reverse("partnercheck:concerns"), order=6)]
