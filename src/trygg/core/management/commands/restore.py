from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

from trygg.audit import log
from trygg.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup folder written by `trygg backup`: check its signature (TRYGG_BACKUP_KEY), unpack it into "
        "a new database and media folder, check every file's and table's digest, and only then replace the live "
        "ones (kept under a 'before-restore' name). A backup that does not match changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--yes", action="store_true", help="Do not ask before replacing the data.")
        parser.add_argument(
            "--unsigned",
            action="store_true",
            help="Accept a backup without a signature that can be checked (its digests are still checked).",
        )

    def handle(self, *args, **options):
        if not options["yes"] and options.get("interactive", True):
            answer = input(
                "This replaces the database and the uploaded files with the backup. Stop `trygg serve` and the "
                "workers first. Type 'yes': "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("not restored")
        try:
            result = restore(options["folder"], allow_unsigned=options["unsigned"])
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        manifest = result.manifest
        rows = sum(t["rows"] for t in manifest["tables"].values())
        executor = MigrationExecutor(connection)
        unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
        try:
            log.record("trygg restore", "import", object_type="database", summary=f"restored {options['folder']}"[:300])
        except DatabaseError as exc:
            self.stderr.write(f"the restore could not be written to the audit log: {exc}")
        checked = "signature, " if result.signed else "NO signature (--unsigned), "
        self.stdout.write(
            f"restored {rows} rows in {len(manifest['tables'])} tables and {len(manifest['files']) - 1} files from "
            f"{manifest['created_at']}; {checked}every file's and every table's digest verified before the live "
            f"data was replaced. The secret key was kept in {manifest['secret_key']}."
        )
        if unapplied:
            self.stdout.write(
                f"The backup is of an older Trygg: run `trygg migrate` ({len(unapplied)} migrations to apply)."
            )
        for what, kept in (("database", result.kept_database), ("media folder", result.kept_media)):
            if kept:
                self.stdout.write(f"The replaced {what} is kept as {kept}: remove it once the restore is checked.")
