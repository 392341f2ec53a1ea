"""Start page and small shared views."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone

from trygg.core import todo
from trygg.orgs import access


def home(request):
    """Logged in: the municipalities the user works with, with recent counts. Otherwise: the public start."""
    if not request.user.is_authenticated:
        from trygg.citizens.views import public_home

        return public_home(request)
    municipalities = list(access.visible_municipalities(request.user))
    since = timezone.now() - dt.timedelta(days=28)
    counts = dict(
        access.visible_incidents(request.user)
        .in_statistics()
        .filter(municipality__in=municipalities, occurred_start__gte=since)
        .values_list("municipality")
        .annotate(n=Count("id"))
    )
    own = access.reach(request.user).own_municipalities
    cards = [
        {"municipality": m, "count": counts.get(m.code, 0), "own": m.code in own}
        for m in sorted(municipalities, key=lambda m: (m.code not in own, m.name))
    ]
    return render(
        request,
        "core/home.html",
        {
            "cards": cards,
            "can_report": access.can_report(request.user),
            "memberships": request.user.memberships.select_related("organisation"),
            "todo": todo.for_user(request.user),
        },
    )
