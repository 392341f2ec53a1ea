import csv
import sys

from django.core.management.base import BaseCommand, CommandError

from trygg.screening.matching import DEFAULT_THRESHOLD, compare


class Command(BaseCommand):
    help = (
        "Score name pairs: reads a CSV with at least schema,name1,name2 (optional id1,id2,birth1,birth2) and writes "
        f"the same rows plus score and match (true at score >= {DEFAULT_THRESHOLD})."
    )

    def add_arguments(self, parser):
        parser.add_argument("pairs")
        parser.add_argument("-o", "--output", default="-")
        parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)

    def handle(self, *args, **options):
        try:
            source = open(options["pairs"], encoding="utf-8-sig", newline="")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        with source:
            reader = csv.DictReader(source)
            missing = [c for c in ("schema", "name1", "name2") if c not in (reader.fieldnames or [])]
            if missing:
                raise CommandError(f"missing column(s): {', '.join(missing)}")
            out = sys.stdout if options["output"] == "-" else open(options["output"], "w", encoding="utf-8", newline="")  # noqa: SIM115
            try:
                writer = csv.DictWriter(out, fieldnames=[*reader.fieldnames, "score", "match"], lineterminator="\n")
                writer.writeheader()
                for row in reader:
                    result = compare(
                        row["name1"] or "",
                        row["name2"] or "",
                        row["schema"] or "Person",
                        id1=row.get("id1") or None,
                        id2=row.get("id2") or None,
                        birth1=row.get("birth1") or None,
                        birth2=row.get("birth2") or None,
                    )
                    writer.writerow(
                        {
                            **row,
                            "score": f"{result.score:.4f}",
                            "match": "true" if result.score >= options["threshold"] else "false",
                        }
                    )
            finally:
                if out is not sys.stdout:
                    out.close()
