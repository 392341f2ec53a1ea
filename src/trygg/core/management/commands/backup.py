import secrets
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from trygg.audit import log
from trygg.core.backup import BackupError, backup, backup_keys
from trygg.core.backup_crypto import new_identity
from trygg.core.private_files import create_private_file, make_private_dir, private_umask


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite online backup or pg_dump), the uploaded photos and a manifest signed with "
        "TRYGG_BACKUP_KEY (every file's and every table's digest) into a new folder in DIR (0700, files 0600); "
        "encrypted with age when TRYGG_BACKUP_RECIPIENTS is set. `--new-keys FOLDER` makes the keys."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?")
        parser.add_argument(
            "--new-keys",
            metavar="FOLDER",
            help="Write a new signing key and a new age key pair into FOLDER (0700, files 0600) and say where "
            "each belongs; backs nothing up.",
        )

    def handle(self, *args, **options):
        if options["new_keys"]:
            return self.new_keys(Path(options["new_keys"]))
        if not options["directory"]:
            raise CommandError("name the folder to write the backup into: trygg backup DIR")
        try:
            keys = backup_keys()
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        # logged first, so that the backup holds the entry of its own making
        log.record(
            "trygg backup", "export", object_type="database", summary=f"backup into {options['directory']}"[:300]
        )
        try:
            result = backup(options["directory"], keys=keys)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(t["rows"] for t in result.manifest["tables"].values())
        self.stdout.write(
            f"backup written to {result.folder}: {rows} rows in {len(result.manifest['tables'])} tables, "
            f"{len(result.manifest['files'])} files"
        )
        if not result.signed:
            self.stdout.write(
                "UNSIGNED: no TRYGG_BACKUP_KEY or TRYGG_BACKUP_KEY_FILE is set, so a restore cannot tell whether "
                "this backup was altered and refuses it without --unsigned."
            )
        self.stdout.write(
            "encrypted with age for " + ", ".join(result.manifest["encryption"]["recipients"])
            if result.encrypted
            else "not encrypted: it holds personal data in plain form (set TRYGG_BACKUP_RECIPIENTS to encrypt)"
        )
        for name in result.manifest["media_skipped"]:
            self.stderr.write(f"not backed up (not a regular file): media/{name}")

    def new_keys(self, folder: Path) -> None:
        with private_umask():
            make_private_dir(folder, exist_ok=True)
            signing, identity = folder / "backup-signing.key", folder / "backup-identity.txt"
            secret, public = new_identity()
            try:
                with open(create_private_file(signing), "w") as out:
                    out.write(secrets.token_urlsafe(48) + "\n")
                with open(create_private_file(identity), "w") as out:
                    out.write(f"# public key: {public}\n{secret}\n")
            except FileExistsError as exc:
                raise CommandError(f"{exc.filename} exists already; keys are never overwritten") from exc
        self.stdout.write(
            f"On the server that makes backups (and where you restore):\n"
            f"  TRYGG_BACKUP_KEY_FILE={signing.resolve()}\n"
            f"  TRYGG_BACKUP_RECIPIENTS={public}\n"
            f"Keep a copy of {signing.name} where the server's other secrets are kept: without it no backup "
            f"can be checked.\n"
            f"Move {identity.resolve()} off the server (a password safe, a sealed envelope): it is the only key "
            f"that decrypts the backups. To restore, set TRYGG_BACKUP_IDENTITY_FILE to it."
        )
