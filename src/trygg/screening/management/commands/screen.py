import json

from django.core.management.base import BaseCommand, CommandError

from trygg.core.importing import RecordError
from trygg.screening.cases import create_case
from trygg.screening.engine import screen
from trygg.screening.models import Case


class Command(BaseCommand):
    help = (
        "Screen an application described in CASE.json (format in trygg.screening.cases.create_case) and print the "
        "findings and the recommendation as JSON. An existing case with the same reference is screened again."
    )

    def add_arguments(self, parser):
        parser.add_argument("case_file")

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
        run = screen(case)
        output = {
            "case": {
                "id": case.pk,
                "reference": case.reference,
                "kind": case.kind,
                "municipality": case.municipality_id,
            },
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
