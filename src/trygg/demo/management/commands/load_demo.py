import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trygg.core.importing import RecordError, open_binary
from trygg.demo import citizens as demo_citizens
from trygg.demo import measures as demo_measures
from trygg.demo import orgs as demo_orgs
from trygg.demo import police_shift
from trygg.demo import reports as demo_reports
from trygg.demo import screening as demo_screening
from trygg.demo import walks as demo_walks
from trygg.incidents.police import import_event_file
from trygg.orgs.loaders import load_municipalities
from trygg.orgs.models import County, Municipality, Role
from trygg.screening.models import Recommendation

POLICE_FILE = Path("polisen/events_2022-09_2026-08.jsonl.gz")


COUNTED = {
    "venues": gettext_lazy("venues"),
    "receipts": gettext_lazy("receipt reports"),
    "tips": gettext_lazy("tips"),
    "responses": gettext_lazy("survey answers"),
    "surveys": gettext_lazy("surveys"),
    "problem_places": gettext_lazy("problem places"),
    "measures": gettext_lazy("measures"),
    "meetings": gettext_lazy("meetings"),
}
VERDICTS = {
    "decrease": gettext_lazy("a decrease"),
    "increase": gettext_lazy("an increase"),
    "no_detectable_change": gettext_lazy("no change that can be told from chance"),
    "cannot_tell": gettext_lazy("too few events to tell"),
}


def counts(result: dict) -> str:
    """``{'tips': 14, 'evaluation': 'decrease'}`` as words for people: "14 tips, utvärdering: en minskning"."""
    parts = [f"{value} {COUNTED[key]}" for key, value in result.items() if key in COUNTED]
    if "evaluation" in result:
        verdict = VERDICTS.get(result["evaluation"], result["evaluation"])
        parts.append(_("the demo measure's evaluation: %(verdict)s") % {"verdict": verdict})
    parts += [f"{key} {value}" for key, value in result.items() if key not in COUNTED and key != "evaluation"]
    return ", ".join(parts)


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
            self.stdout.write(
                _("Loaded %(n)s municipalities from %(path)s.") % {"n": result.municipalities, "path": data}
            )
        with transaction.atomic():
            organisations = demo_orgs.load_organisations()
            users = demo_orgs.load_users(organisations)
            places = demo_orgs.load_places()
        self.stdout.write(
            _("Organisations: %(orgs)s, users: %(users)s, places: %(places)s.")
            % {"orgs": len(organisations), "users": len(users), "places": len(places)}
        )

        police_file = data / POLICE_FILE
        if police_file.exists():
            areas = {demo_orgs.KARLSTAD, demo_orgs.OREBRO}
            areas |= set(County.objects.filter(municipalities__code__in=areas).values_list("code", flat=True))
            with open_binary(police_file) as fh:
                report = import_event_file(fh, source=str(police_file), only_areas=areas)
            self.stdout.write(
                _("Police events (real, polisen.se): %(new)s new, %(old)s already present.")
                % {"new": report.created, "old": report.already_present}
            )
            weeks = police_shift.shift_to(options["until"] or dt.date.today(), areas)
            if weeks:
                self.stdout.write(
                    _(
                        "Police events moved %(weeks)s weeks forward so that the demo's last weeks hold some "
                        "(labelled “%(label)s”)."
                    )
                    % {"weeks": weeks, "label": police_shift.LABEL.strip()}
                )
        else:
            self.stderr.write(
                _("Police events skipped: %(path)s is missing (set TRYGG_SHARED_DATA to the shared data folder).")
                % {"path": police_file}
            )
        created = demo_reports.load_reports(organisations, end=options["until"], seed=options["seed"])
        self.stdout.write(_("Generated partner reports (labelled as generated demo data): %(n)s new.") % {"n": created})
        residents = demo_citizens.load(options["until"] or dt.date.today())
        if residents:
            self.stdout.write(_("Residents (generated demo data): %(counts)s") % {"counts": counts(residents)})
        __import__("trygg.demo.forwarding", fromlist=["load"]).load()  # Karlstad's lighting department, turned off
        measures = demo_measures.load(options["until"] or dt.date.today())
        if measures:
            self.stdout.write(_("Measures (generated demo data): %(counts)s") % {"counts": counts(measures)})
        self.stdout.write(demo_walks.load(options["until"] or dt.date.today()))
        screening = demo_screening.load(data, today=options["until"])
        for key in ("ofac", "registry", "own_list"):
            if key in screening:
                self.stdout.write(_("Screening — %(summary)s") % {"summary": screening[key]})
        for reference, level in screening.get("cases", []):
            self.stdout.write(
                _("Screening demo case %(ref)s: recommendation “%(level)s”")
                % {"ref": reference, "level": Recommendation(level).label}
            )
        devices = demo_screening.totp_devices()
        if not options["quiet_logins"]:
            self.stdout.write("")
            self.stdout.write(
                _("Demo logins (password for all: %(password)s):") % {"password": demo_orgs.DEMO_PASSWORD}
            )
            for spec, _user in users:
                org = organisations[spec.organisation]
                self.stdout.write(f"  {spec.username:22} {org.name} — {Role(spec.role).label}")
            self.stdout.write(
                _(
                    "Screening officers also need a second factor. Add the key to an authenticator app, or "
                    "print the current code with “trygg demo_otp USERNAME”:"
                )
            )
            for username, secret in devices:
                self.stdout.write(_("  %(user)-22s TOTP key %(secret)s") % {"user": username, "secret": secret})
