"""``trygg worker``: a worker for the configured task backend (the database's, or Redis Queue's).

The database's worker is django-tasks-db's, made to outlast a database outage: when the database goes away it
waits with back-off (``trygg.core.outage``) instead of ending, and the task it was running when the database
vanished is queued again once it is back (tasks are written to be run again: see ``trygg.core.jobs.run_job``).
A Redis Queue worker touches the database only inside the process it forks for each task, so an outage fails
that task and not the worker; the scheduler queues an interrupted job run again (``jobs.STUCK_AFTER``).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands import db_worker

from trygg.core.outage import DATABASE_ERRORS, Outage

log = logging.getLogger(__name__)


class OutlastingWorker(db_worker.Worker):
    """django-tasks-db's worker that waits out a database outage and then runs the interrupted task again."""

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self.interrupted: list = []  # ids of tasks a database error cut short, to be queued again

    def run(self) -> None:
        outage = Outage(f"task worker {self.worker_id[:8]}")
        while True:
            try:
                super().run()
                return
            except DATABASE_ERRORS as error:
                if not self.running:  # asked to stop meanwhile
                    raise
                outage.wait_until_reachable(error)
                self.queue_interrupted_again()
                self.startup_delay = False

    def run_task(self, db_task_result) -> None:
        try:
            super().run_task(db_task_result)
        except DATABASE_ERRORS:  # the task failed, and so did recording it: the database is away
            self.interrupted.append(db_task_result.pk)
            raise

    def queue_interrupted_again(self) -> None:
        from django_tasks_db.models import DBTaskResult, TaskResultStatus

        if not self.interrupted:
            return
        again = DBTaskResult.objects.filter(pk__in=self.interrupted, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.READY
        )
        log.warning("task worker %s: %d task(s) cut short by the outage queued again", self.worker_id[:8], again)
        self.interrupted = []


class Command(BaseCommand):
    help = "Run a task worker for TRYGG_TASK_BACKEND (db: the database worker; rq: a Redis Queue worker)."

    def add_arguments(self, parser):
        parser.add_argument("--burst", action="store_true", help="Run what is queued, then stop.")

    def handle(self, *args, **options):
        backend = settings.TASKS["default"]["BACKEND"]
        if backend == settings.TASK_BACKENDS["rq"]:
            extra = ["--burst"] if options["burst"] else []
            queues = list(settings.TASKS["default"].get("QUEUES", ["default"]))  # RQ takes them in this order
            call_command("rqworker", *queues, "--job-class", "django_tasks_rq.backend.Job", *extra)
        elif backend == settings.TASK_BACKENDS["db"]:
            self.run_database_worker(options["burst"], options["verbosity"])
        else:
            self.stderr.write(f"{backend} runs its tasks itself: no worker to start")

    def run_database_worker(self, burst: bool, verbosity: int) -> None:
        db_worker.Command(stdout=self.stdout, stderr=self.stderr).configure_logging(verbosity)
        worker = OutlastingWorker(
            queue_names=list(settings.TASKS["default"].get("QUEUES", ["default"])),
            interval=1.0,  # seconds between looks when idle, as db_worker's default
            batch=burst,
            backend_name="default",
            startup_delay=not burst,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        worker.configure_signals()
        worker.run()
