import json

from django.core.management.base import BaseCommand, CommandError

from trygg.audit import log
from trygg.screening.importers import export_ftm
from trygg.screening.models import Dataset, Entity, Relation


class Command(BaseCommand):
    help = "Export a dataset (registry or list) as FollowTheMoney entities, one JSON object per line."

    def add_arguments(self, parser):
        parser.add_argument("dataset", help="Name of the dataset.")
        parser.add_argument("-o", "--output", required=True)

    def handle(self, *args, **options):
        dataset = Dataset.objects.filter(name=options["dataset"]).first()
        if dataset is None:
            names = ", ".join(Dataset.objects.exclude(kind="case_input").values_list("name", flat=True))
            raise CommandError(f"no dataset {options['dataset']!r}; there are: {names or 'none'}")
        if dataset.kind == Dataset.Kind.CASE_INPUT:
            raise CommandError("case data is exported per party as an extract for the data subject, not in bulk")
        entities = Entity.objects.filter(dataset=dataset)
        relations = Relation.objects.filter(dataset=dataset).select_related("source", "target")
        count = 0
        with open(options["output"], "w", encoding="utf-8") as fh:
            for obj in export_ftm(entities.iterator(), relations.iterator()):
                fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
                count += 1
        log.record(
            "export_ftm",
            "export",
            object_type="screening.dataset",
            object_id=dataset.pk,
            summary=f"{count} objects → {options['output']}",
        )
        self.stdout.write(f"{count} FollowTheMoney objects written to {options['output']}")
