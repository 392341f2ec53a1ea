"""Covering indexes on relations, so that the network walk reads each node's relations from the index alone."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("screening", "0003_namekey_dataset_company")]

    operations = [
        migrations.AlterField(
            model_name="relation",
            name="source",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="outgoing",
                to="screening.entity",
            ),
        ),
        migrations.AlterField(
            model_name="relation",
            name="target",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="incoming",
                to="screening.entity",
            ),
        ),
        migrations.RemoveIndex(model_name="relation", name="screening_r_source__77c833_idx"),
        migrations.RemoveIndex(model_name="relation", name="screening_r_target__2f964c_idx"),
        migrations.AddIndex(
            model_name="relation",
            index=models.Index(fields=["source", "role", "valid_to", "target", "id"], name="relation_from"),
        ),
        migrations.AddIndex(
            model_name="relation",
            index=models.Index(fields=["target", "role", "valid_to", "source", "id"], name="relation_to"),
        ),
    ]
