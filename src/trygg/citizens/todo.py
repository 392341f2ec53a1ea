"""What waits for a coordinator among the residents' tips (counts only; the tips themselves on the triage page)."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse

from trygg.core.todo import Item
from trygg.orgs import access

from .models import Tip


def items(user) -> list[Item]:
    codes = access.resident_data_municipalities(user)
    if not codes or user.is_superuser:
        return []
    waiting = dict(
        Tip.objects.filter(municipality__in=codes, status=Tip.Status.OPEN)
        .values_list("municipality__name")
        .annotate(n=Count("id"))
    )
    url = reverse("citizens:triage")
    return [
        Item("Invånarnas tips", f"{name}: {n} {'nytt tips' if n == 1 else 'nya tips'} att gå igenom", url, order=10)
        for name, n in sorted(waiting.items())
    ]
