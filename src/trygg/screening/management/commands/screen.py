import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from trygg.core.importing import RecordError
from trygg.screening.cases import create_case
from trygg.screening.engine import AsOfError, screen
from trygg.screening.models import Case

from ._finish import operator


class Command(BaseCommand):
    help = (
        "Screen an application described in CASE.json (format in trygg.screening.cases.create_case) and print the "
        "findings and the recommendation as JSON. An existing case with the same reference is screened again."
    )

    def add_arguments(self, parser):
        parser.add_argument("case_file")
        parser.add_argument("--as-of", help="Screen as of this date (YYYY-MM-DD); default the case's received_on.")

    def handle(self, *args, **options):
        try:
            with open(options["case_file"], encoding="utf-8") as fh:
                data = json.load(fh)
        except json.JSONDecodeError as exc:
            raise CommandError(f"{options['case_file']}: not JSON (line {exc.lineno}: {exc.msg})") from exc
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        if not isinstance(data, dict):
            raise CommandError(f"{options['case_file']}: expected a JSON object")
        case = Case.objects.filter(
            municipality_id=str(data.get("municipality", "")), reference=str(data.get("reference", "")).strip()
        ).first()
        if case is None:
            try:
                case = create_case(data)
            except RecordError as exc:
                raise CommandError(f"{options['case_file']}: {exc}") from exc
        try:
            as_of = dt.date.fromisoformat(options["as_of"]) if options["as_of"] else None
        except ValueError as exc:
            raise CommandError(f"--as-of {options['as_of']!r}: not a date (YYYY-MM-DD)") from exc
        try:
            run = screen(case, f"trygg screen ({operator()})", as_of=as_of)
        except AsOfError as exc:
            raise CommandError(str(exc)) from exc
        output = {
            "case": {
                "id": case.pk,
                "reference": case.reference,
                "kind": case.kind,
                "municipality": case.municipality_id,
            },
            "as_of": run.as_of.isoformat() if run.as_of else None,
            "versions": run.versions,
            "recommendation": run.recommendation,
            "reasons": run.reasons,
            "findings": [
                {
                    "kind": f.kind,
                    "code": f.code,
                    "severity": f.severity,
                    "score": f.score,
                    "summary": f.summary,
                    "party": f.party.entity.name if f.party else None,
                    "matched": f.matched.name if f.matched else None,
                    "evidence": f.evidence,
                    "source": f.source,
                }
                for f in run.findings.select_related("party__entity", "matched")
            ],
            "thresholds": run.config,
        }
        self.stdout.write(json.dumps(output, ensure_ascii=False, indent=1, default=str))
