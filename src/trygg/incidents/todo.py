"""A reporter's last reports and what became of them."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from trygg.core.todo import Item

from .models import Incident

LAST = 5


def items(user) -> list[Item]:
    mine = Incident.objects.filter(reported_by=user).select_related("category").order_by("-reported_at")[:LAST]
    result = [
        Item(
            "Mina senaste rapporter",
            f"{timezone.localtime(i.reported_at):%Y-%m-%d}: {i.category.label} — {i.get_status_display().lower()}",
            reverse("incidents:detail", args=[i.pk]),
            order=40,
        )
        for i in mine
    ]
    return result
