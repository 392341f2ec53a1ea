"""``trygg import_incidents FILE.csv --organisation SLUG``: a partner's own incident log into Trygg."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from trygg.core.importing import RecordError, open_binary, report_rejections
from trygg.incidents.csv_import import import_reports, read_rows
from trygg.orgs.models import Organisation


class Command(BaseCommand):
    help = (
        "Import a partner organisation's incident reports from CSV (layout in trygg/incidents/csv_import.py and "
        "README). Idempotent by the rows' ids. Exit status 1 if any row was rejected; the valid rows are imported."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="CSV file (UTF-8 or Windows-1252), comma or semicolon separated, optionally gzipped."
        )
        parser.add_argument("--organisation", required=True, metavar="SLUG", help="The reporting organisation.")
        parser.add_argument("--dry-run", action="store_true", help="Check every row; write nothing.")
        parser.add_argument(
            "--allow-names",
            action="store_true",
            help="Accept descriptions that seem to name a person (after checking they do not).",
        )

    def handle(self, *args, **options):
        with translation.override("en"):  # command-line output is English, like the other commands
            self._import(options)

    def _import(self, options):
        try:
            organisation = Organisation.objects.get(slug=options["organisation"])
        except Organisation.DoesNotExist as exc:
            slugs = ", ".join(Organisation.objects.values_list("slug", flat=True)[:30])
            raise CommandError(f"no organisation {options['organisation']!r}; known: {slugs}") from exc
        source = options["file"]
        try:
            with open_binary(source) as fh:
                rows = read_rows(fh.read())
            report = import_reports(
                rows, organisation, source, allow_names=options["allow_names"], dry_run=options["dry_run"]
            )
        except (RecordError, OSError) as exc:
            raise CommandError(f"{source}: {exc}") from exc
        prefix = _("check only (nothing written; new = would be created): ") if options["dry_run"] else ""
        self.stdout.write(prefix + report.summary())
        for warning in report.warnings:
            self.stdout.write(f"  {warning}")
        report_rejections(self, report)
