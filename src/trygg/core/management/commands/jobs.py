"""``trygg jobs``: the recurring jobs with schedule, last run, duration and outcome; ``trygg jobs run NAME``."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from trygg.core import jobs
from trygg.core.jobs_views import job_rows


class Command(BaseCommand):
    help = "List the scheduled jobs, or run one at once: trygg jobs run NAME [--now YYYY-MM-DDTHH:MM]."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action")
        run = sub.add_parser("run", help="Run one job now, for the period the given time falls in.")
        run.add_argument("name")
        run.add_argument("--now", help="Run as if it were this local time, e.g. 2026-12-07T07:00.")

    def handle(self, *args, **options):
        if options.get("action") == "run":
            return self.run_one(options["name"], options.get("now"))
        for row in job_rows():
            run = row["run"]
            last = (
                f"{timezone.localtime(run.period):%Y-%m-%d %H:%M} {run.status}"
                f"{f' {run.duration:.1f} s' if run.duration is not None else ''}: {run.outcome}"
                if run
                else "not run yet"
            )
            self.stdout.write(
                f"{row['job'].name:<22} {row['schedule']:<16} next {row['next']:%Y-%m-%d %H:%M}  last {last}"
            )

    def run_one(self, name: str, now: str | None) -> None:
        moment = None
        if now:
            try:
                moment = dt.datetime.fromisoformat(now)
            except ValueError as exc:
                raise CommandError(f"--now {now!r} is not a time like 2026-12-07T07:00") from exc
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
        try:
            run = jobs.run_now(name, moment)
        except (KeyError, RuntimeError) as exc:
            raise CommandError(str(exc).strip("'\"")) from exc
        except Exception as exc:
            raise CommandError(f"{name} failed: {exc}") from exc
        self.stdout.write(f"{name} for {jobs.period_key(run.period)}: {run.outcome} ({run.duration:.1f} s)")
