"""``trygg scheduler``: start each recurring job when it is due (``trygg serve`` starts one alongside)."""

import contextlib

from django.core.management.base import BaseCommand

from trygg.core import jobs


class Command(BaseCommand):
    help = "Run the scheduler: every 30 s, claim the jobs that are due and queue them for the task worker."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=30.0, help="Seconds between two looks (default 30).")
        parser.add_argument("--once", action="store_true", help="Look once and stop.")

    def handle(self, *args, **options):
        if options["once"]:
            claimed = jobs.tick()
            self.stdout.write(", ".join(f"{run.name} {jobs.period_key(run.period)}" for run in claimed) or "none due")
            return
        with contextlib.suppress(KeyboardInterrupt):
            jobs.scheduler_loop(options["interval"])
