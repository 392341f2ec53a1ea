"""The scheduled jobs as organisation admins and superusers see them (the same as ``trygg jobs``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from trygg.core import jobs
from trygg.orgs import access


@login_required
def jobs_page(request: HttpRequest) -> HttpResponse:
    access.require(access.can_see_jobs(request.user))
    return render(request, "core/jobs.html", {"rows": job_rows()})


def job_rows(now=None) -> list[dict]:
    now = now or timezone.now()
    latest = jobs.latest_runs()
    return [
        {
            "job": job,
            "schedule": job.schedule,
            "next": jobs.next_time(job.schedule, now),
            "run": latest.get(job.name),
        }
        for job in jobs.all_jobs()
    ]
