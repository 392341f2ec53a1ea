import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from trygg.audit import log
from trygg.core.periods import PeriodError, parse_period
from trygg.orgs.models import Municipality, Place
from trygg.situation import charts, docx_export
from trygg.situation.service import builder_for, options_from_settings, render_html, render_pdf

FORMATS = ["html", "pdf", "docx", "json"]


class Command(BaseCommand):
    help = (
        "Produce a lägesbild for a municipality and period (ISO week 2026-W10, month 2026-03, tertial 2026-T1, "
        "year 2026) as HTML, PDF, Word (docx) or JSON. The JSON holds every number shown in the report."
    )

    def add_arguments(self, parser):
        parser.add_argument("--municipality", required=True, help="SCB code (e.g. 1780) or name.")
        parser.add_argument("--period", required=True)
        parser.add_argument("--area", default=None, help="Name of a place (area) in the municipality.")
        parser.add_argument("--format", choices=FORMATS, default=None)
        parser.add_argument("-o", "--output", required=True, help="Output file; the format follows its suffix.")
        parser.add_argument(
            "--knox-simulations", type=int, default=None, help="Monte Carlo simulations of the Knox test (999)."
        )
        parser.add_argument(
            "--as-user", default=None, help="Show what this user may see (default: what partners may see)."
        )

    def handle(self, *args, **options):
        municipality = (
            Municipality.objects.filter(code=options["municipality"]).first()
            or Municipality.objects.filter(name__iexact=options["municipality"]).first()
        )
        if municipality is None:
            raise CommandError(f"unknown municipality {options['municipality']!r} (give the SCB code, e.g. 1780)")
        try:
            period = parse_period(options["period"])
        except PeriodError as exc:
            raise CommandError(str(exc)) from exc
        place = None
        if options["area"]:
            place = Place.objects.filter(municipality=municipality, name__iexact=options["area"]).first()
            if place is None:
                names = ", ".join(Place.objects.filter(municipality=municipality).values_list("name", flat=True))
                raise CommandError(f"no place {options['area']!r} in {municipality.name}; known: {names or 'none'}")
        user = None
        if options["as_user"]:
            user = get_user_model().objects.filter(username=options["as_user"]).first()
            if user is None:
                raise CommandError(f"unknown user {options['as_user']!r}")
        output = Path(options["output"])
        fmt = options["format"] or output.suffix.lstrip(".").lower()
        if fmt not in FORMATS:
            raise CommandError("choose --format html, pdf, docx or json (or an output file ending in one of them)")
        if options["knox_simulations"] is not None and options["knox_simulations"] < 0:
            raise CommandError("--knox-simulations cannot be negative")
        overrides = {} if options["knox_simulations"] is None else {"knox_simulations": options["knox_simulations"]}
        builder = builder_for(municipality, period.key, place, user, options_from_settings(**overrides))
        with translation.override("sv"):
            report = builder.build()
            if fmt == "json":
                output.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
            elif fmt == "docx":
                output.write_bytes(docx_export.build(report, municipality.boundary))
            else:
                figures = charts.all_charts(report, municipality.boundary)
                if fmt == "html":
                    output.write_text(render_html(report, figures), encoding="utf-8")
                else:
                    output.write_bytes(render_pdf(report, figures))
        log.record(
            user or "trygg lagesbild", "export", object_type="situation.lagesbild",
            object_id=f"{municipality.code}:{period.key}", summary=f"{fmt} → {output}",
        )  # fmt: skip
        self.stdout.write(
            f"{municipality.name} {period.label_sv}: {report['totals']['incidents']} incidents → {output}"
        )
