"""The purpose of an entry by identity (references are unique only per municipality); the append-only triggers
on SQLite too (created after the fields, since SQLite rebuilds the table to add them); on PostgreSQL, deleting a
user no longer fails on their entries."""

from django.db import migrations, models

from trygg.audit.database import POSTGRESQL, SQLITE, SQLITE_DROP

POSTGRESQL_BEFORE = """
CREATE OR REPLACE FUNCTION trygg_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL)
    elif schema_editor.connection.vendor == "sqlite":
        from trygg.audit.database import register_sqlite_function

        register_sqlite_function(None, schema_editor.connection)
        for statement in SQLITE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_BEFORE)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_append_only_trigger")]
    operations = [
        migrations.AddField(model_name="auditevent", name="purpose_id", field=models.CharField(blank=True, max_length=64)),
        migrations.AddField(
            model_name="auditevent", name="purpose_type", field=models.CharField(blank=True, max_length=100)
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["purpose_type", "purpose_id", "at"], name="audit_purpose"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
