import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from trygg.core.importing import RecordError, iter_json_records, open_binary
from trygg.demo import citizens as demo_citizens
from trygg.demo import measures as demo_measures
from trygg.demo import orgs as demo_orgs
from trygg.demo import police_shift
from trygg.demo import reports as demo_reports
from trygg.demo import screening as demo_screening
from trygg.incidents.police import import_events
from trygg.orgs.loaders import load_municipalities
from trygg.orgs.models import County, Municipality

POLICE_FILE = Path("polisen/events_2022-09_2026-08.jsonl.gz")


class Command(BaseCommand):
    help = (
        "Load the Karlstad & Örebro demo (idempotent): municipalities, the seed's organisations, one user per "
        "role, named places, the real police events for both municipalities and their counties, and generated "
        "partner reports (labelled as generated)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--data", type=Path, default=None, help="Shared data folder (default: TRYGG_SHARED_DATA).")
        parser.add_argument("--until", type=dt.date.fromisoformat, default=None, help="Last day of generated reports.")
        parser.add_argument("--seed", type=int, default=demo_reports.DEFAULT_SEED)
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args, **options):
        data = Path(options["data"] or settings.TRYGG_SHARED_DATA)
        if not Municipality.objects.filter(code__in=[demo_orgs.KARLSTAD, demo_orgs.OREBRO]).exists():
            try:
                result = load_municipalities(data)
            except RecordError as exc:
                raise CommandError(f"cannot load municipalities: {exc}") from exc
            self.stdout.write(f"Loaded {result.municipalities} municipalities from {data}.")
        with transaction.atomic():
            organisations = demo_orgs.load_organisations()
            users = demo_orgs.load_users(organisations)
            places = demo_orgs.load_places()
        self.stdout.write(f"Organisations: {len(organisations)}, users: {len(users)}, places: {len(places)}.")

        police_file = data / POLICE_FILE
        if police_file.exists():
            areas = {demo_orgs.KARLSTAD, demo_orgs.OREBRO}
            areas |= set(County.objects.filter(municipalities__code__in=areas).values_list("code", flat=True))
            with open_binary(police_file) as fh:
                report = import_events(iter_json_records(fh), source=str(police_file), only_areas=areas)
            self.stdout.write(
                f"Police events (real, polisen.se): {report.created} new, {report.already_present} already present."
            )
            weeks = police_shift.shift_to(options["until"] or dt.date.today(), areas)
            if weeks:
                self.stdout.write(
                    f"Police events moved {weeks} weeks forward so that the demo's last weeks hold some "
                    f"(labelled '{police_shift.LABEL.strip()}')."
                )
        else:
            self.stderr.write(
                f"Police events skipped: {police_file} is missing (set TRYGG_SHARED_DATA to the shared data folder)."
            )
        created = demo_reports.load_reports(organisations, end=options["until"], seed=options["seed"])
        self.stdout.write(f"Generated partner reports (labelled as generated demo data): {created} new.")
        residents = demo_citizens.load(options["until"] or dt.date.today())
        if residents:
            self.stdout.write(f"Residents (generated demo data): {residents}")
        measures = demo_measures.load(options["until"] or dt.date.today())
        if measures:
            self.stdout.write(f"Measures (generated demo data): {measures}")
        screening = demo_screening.load(data, today=options["until"])
        for key in ("ofac", "registry", "own_list"):
            if key in screening:
                self.stdout.write(f"Screening — {screening[key]}")
        for reference, level in screening.get("cases", []):
            self.stdout.write(f"Screening demo case {reference}: recommendation {level}")
        devices = demo_screening.totp_devices()
        if not options["quiet_logins"]:
            self.stdout.write("")
            self.stdout.write(f"Demo logins (password for all: {demo_orgs.DEMO_PASSWORD}):")
            for spec, _user in users:
                org = organisations[spec.organisation]
                self.stdout.write(f"  {spec.username:22} {org.name} — {spec.role}")
            self.stdout.write("Screening officers also need a second factor. Add the key to an authenticator app, or")
            self.stdout.write("print the current code with 'trygg demo_otp USERNAME':")
            for username, secret in devices:
                self.stdout.write(f"  {username:22} TOTP key {secret}")
