from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from trygg.core.importing import RecordError
from trygg.orgs.loaders import load_municipalities


class Command(BaseCommand):
    help = "Load Sweden's 290 municipalities and 21 counties (SCB codes, population 2024, boundaries)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--data", type=Path, default=None, help="Folder with geo/ and stats/ (default: TRYGG_SHARED_DATA)."
        )

    def handle(self, *args, **options):
        data_dir = options["data"] or settings.TRYGG_SHARED_DATA
        try:
            result = load_municipalities(Path(data_dir))
        except RecordError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{result.municipalities} municipalities in {result.counties} counties "
            f"({result.created} new; population for {result.with_population}, boundary for {result.with_boundary})"
        )
