from django.core.management.base import BaseCommand, CommandError

from trygg.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup folder written by `trygg backup` into the configured database and media folder, "
        "replacing what is there, then check every table's row count and the audit-log checksum."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--yes", action="store_true", help="Do not ask before replacing the data.")

    def handle(self, *args, **options):
        if not options["yes"] and options.get("interactive", True):
            answer = input("This replaces the database and the uploaded files with the backup. Type 'yes': ")
            if answer.strip().lower() != "yes":
                raise CommandError("not restored")
        try:
            manifest = restore(options["folder"])
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"restored {rows} rows in {len(manifest['tables'])} tables from {manifest['created_at']}; row counts and "
            f"audit checksum verified. The secret key was kept in {manifest['secret_key']}."
        )
