from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from trygg.audit import log
from trygg.core.importing import RecordError, fetch_url, open_binary, report_rejections
from trygg.incidents.police import area_filter, import_event_file


class Command(BaseCommand):
    help = (
        "Import Swedish Police events (polisen.se /api/events format: JSON array or JSON lines, .gz allowed). "
        "Idempotent by event id. Exit status 1 if any record was rejected."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="Events file (JSON array or JSON lines, optionally gzipped).")
        parser.add_argument(
            "--url",
            nargs="?",
            const=settings.TRYGG_POLICE_API_URL,
            help=f"Fetch the live API instead of a file (default URL: {settings.TRYGG_POLICE_API_URL}).",
        )
        parser.add_argument(
            "--area",
            action="append",
            default=[],
            metavar="CODE",
            help="Only events located in this municipality (4-digit code) or county-level events of this county "
            "(2-digit code). Repeatable.",
        )

    def handle(self, *args, **options):
        if bool(options["file"]) == bool(options["url"]):
            raise CommandError("give either a FILE or --url")
        try:
            only = area_filter(options["area"]) if options["area"] else None
            if options["url"]:
                source = options["url"]
                report = import_event_file(fetch_url(source), source=source, only_areas=only)
            else:
                source = options["file"]
                with open_binary(source) as fh:
                    report = import_event_file(fh, source=source, only_areas=only)
        except (RecordError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        log.record(
            "import_police_events",
            "import",
            object_type="incidents.incident",
            summary=report.summary(),
            changes={"created": report.created, "rejected": len(report.rejected)},
        )
        self.stdout.write(report.summary())
        for warning in report.warnings:
            self.stdout.write(_("warning: %(text)s") % {"text": warning})
        report_rejections(self, report)
