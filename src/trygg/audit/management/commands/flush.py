"""Django's ``flush`` (empty every table), allowed to empty the append-only audit log on SQLite.

The test suite resets the database with it between tests; on PostgreSQL ``flush`` truncates, which row triggers
do not see.
"""

from django.core.management.commands.flush import Command as DjangoFlush

from trygg.audit.database import maintenance


class Command(DjangoFlush):
    def handle(self, **options):
        with maintenance():
            return super().handle(**options)
