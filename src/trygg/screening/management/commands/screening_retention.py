from django.core.management.base import BaseCommand

from trygg.screening.cases import delete_expired


class Command(BaseCommand):
    help = "Delete screening cases, the person data entered for them and match judgements past retention (logged)."

    def handle(self, *args, **options):
        counts = delete_expired()
        self.stdout.write(
            f"deleted {counts['cases']} case(s), {counts['entities']} entered person/company record(s), "
            f"{counts['judgements']} judgement(s)"
        )
