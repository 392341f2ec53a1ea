"""The scheduled jobs as a table: schedule, next time and the last run (``trygg jobs`` and the jobs page)."""

from __future__ import annotations

from django.utils import timezone

from trygg.core import jobs


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
