from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from trygg.core.importing import RecordError, open_binary
from trygg.orgs.models import Cooperation, Organisation
from trygg.screening.importers import import_ftm, import_ofac, import_own_list

from ._finish import finish_import


def _owner(slug: str | None) -> Organisation:
    """The municipality organisation that keeps an own list (a list without one is read by no screening)."""
    owner = Organisation.objects.filter(slug=slug or "").first()
    if owner is not None:
        return owner
    slugs = ", ".join(
        Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY).order_by("slug").values_list("slug", flat=True)
    )
    if not slug:
        raise CommandError(
            _("an own list needs --owner, the municipality organisation that keeps it (one of: %(slugs)s)")
            % {"slugs": slugs}
        )
    raise CommandError(_("unknown organisation %(slug)r (one of: %(slugs)s)") % {"slug": slug, "slugs": slugs})


class Command(BaseCommand):
    help = (
        "Import a watch list: the OFAC SDN list (official CSV), FollowTheMoney entities (JSON lines) or the "
        "cooperation's own list (CSV). A re-import reports what was added, changed and removed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", choices=["ofac", "ftm", "own"], required=True)
        parser.add_argument("--name", help="Name of the list (default: by format).")
        parser.add_argument("--list-version", dest="list_version", default="", help="Version or date of the list.")
        parser.add_argument(
            "--legal-basis",
            dest="legal_basis",
            default="",
            help="Why the municipality may hold the list (kept with it and with every run that reads it).",
        )
        parser.add_argument("--owner", help="Own lists: slug of the owning municipality organisation.")
        parser.add_argument("--share-with", help="Own lists: slug of the cooperation to share it with.")
        parser.add_argument(
            "--allow-removals",
            action="store_true",
            help="Accept a re-import that removes more than a tenth of the list (refused otherwise: truncated?).",
        )

    def handle(self, *args, **options):
        name = options["name"] or {"ofac": "OFAC SDN", "ftm": "FollowTheMoney", "own": "Egen lista"}[options["format"]]
        try:
            with open_binary(options["file"]) as fh:
                if options["format"] == "ofac":
                    report = import_ofac(fh, name, options["list_version"], allow_removals=options["allow_removals"],
                                         legal_basis=options["legal_basis"])  # fmt: skip
                elif options["format"] == "ftm":
                    report = import_ftm(fh, name, allow_removals=options["allow_removals"],
                                        version=options["list_version"],
                                        legal_basis=options["legal_basis"])  # fmt: skip
                else:
                    owner = _owner(options["owner"])
                    coop = (
                        Cooperation.objects.filter(slug=options["share_with"]).first()
                        if options["share_with"]
                        else None
                    )
                    if options["share_with"] and coop is None:
                        raise CommandError(_("unknown cooperation %(slug)r") % {"slug": options["share_with"]})
                    report = import_own_list(fh, name, owner=owner, shared_with=coop, version=options["list_version"],
                                             legal_basis=options["legal_basis"])  # fmt: skip
        except (RecordError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        finish_import(self, report, "import_watchlist")
