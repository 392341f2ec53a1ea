"""What waits for a coordinator among the residents' tips (counts only; the tips themselves on the triage page)."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse

from trygg.core.todo import Item

from .models import Tip


def items(user) -> list[Item]:
    if user.is_superuser:
        return []
    waiting = dict(
        Tip.objects.restrict(user, "handle")
        .filter(status=Tip.Status.OPEN)
        .values_list("municipality__name")
        .annotate(n=Count("id"))
    )
    url = reverse("citizens:triage")
    return [
        Item("Invånarnas tips", f"{name}: {n} {'nytt tips' if n == 1 else 'nya tips'} att gå igenom", url, order=10)
        for name, n in sorted(waiting.items())
    ]
