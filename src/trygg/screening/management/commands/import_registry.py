from django.core.management.base import BaseCommand, CommandError

from trygg.core.importing import RecordError, open_binary
from trygg.screening.importers import import_ftm, import_registry

from ._finish import finish_import


class Command(BaseCommand):
    help = (
        "Import a registry extract: companies.csv and roles.csv (layout in README.md), or FollowTheMoney JSON "
        "lines (Company, Person, Organization, Address, Ownership, Directorship, UnknownLink). A file with a "
        "rejected record stores nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--companies", help="companies.csv")
        parser.add_argument("--roles", help="roles.csv")
        parser.add_argument("--ftm", help="FollowTheMoney JSON lines instead of CSV.")
        parser.add_argument("--name", default="Registerutdrag")
        parser.add_argument(
            "--extract-version",
            dest="extract",
            default="",
            help="The extract's version or date (recorded with each screening run that reads it).",
        )
        parser.add_argument(
            "--allow-removals",
            action="store_true",
            help="Accept a re-import that removes more than a tenth of the registry (refused otherwise).",
        )

    def handle(self, *args, **options):
        try:
            if options["ftm"]:
                with open_binary(options["ftm"]) as fh:
                    report = import_ftm(fh, options["name"], kind="registry", allow_removals=options["allow_removals"],
                                        version=options["extract"])  # fmt: skip
            elif options["companies"] and options["roles"]:
                with open_binary(options["companies"]) as companies, open_binary(options["roles"]) as roles:
                    report = import_registry(
                        companies, roles, options["name"], allow_removals=options["allow_removals"],
                        version=options["extract"],
                    )  # fmt: skip
            else:
                raise CommandError("give --companies and --roles, or --ftm")
        except (RecordError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        finish_import(self, report, "import_registry")
