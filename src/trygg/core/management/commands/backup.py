from django.core.management.base import BaseCommand, CommandError

from trygg.audit import log
from trygg.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite online backup or pg_dump), the uploaded files and a manifest with row "
        "counts and an audit-log checksum into a new folder in DIR."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, *args, **options):
        # logged first, so that the backup holds the entry of its own making
        log.record(
            "trygg backup", "export", object_type="database", summary=f"backup into {options['directory']}"[:300]
        )
        try:
            folder = backup(options["directory"])
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"backup written to {folder}")
