"""The start page and the jobs page."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_not_required, login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from trygg.citizens.views import public_home
from trygg.core import todo
from trygg.core.jobs_views import job_rows
from trygg.incidents.models import Incident
from trygg.orgs import access


@login_not_required
def home(request):
    """Logged in: the municipalities the user works with, with recent counts. Otherwise: the public start."""
    if not request.user.is_authenticated:
        return public_home(request)
    municipalities = list(access.visible_municipalities(request.user))
    since = timezone.now() - dt.timedelta(days=28)
    counts = dict(
        Incident.objects.restrict(request.user)
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
        "site/home.html",
        {
            "cards": cards,
            "can_report": access.can_report(request.user),
            "memberships": request.user.memberships.select_related("organisation"),
            "todo": todo.for_user(request.user),
        },
    )


@login_required
def jobs_page(request: HttpRequest) -> HttpResponse:
    """The scheduled jobs as organisation admins and superusers see them (the same as ``trygg jobs``)."""
    access.require(access.can_see_jobs(request.user), request.user, "jobs")
    return render(request, "site/jobs.html", {"rows": job_rows()})
