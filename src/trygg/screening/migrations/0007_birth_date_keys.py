"""A person's full birth date becomes a blocking key (``b:YYYY-MM-DD``, see trygg.screening.matching.keys): the
entities already stored get theirs, and the key frequencies are recounted."""

from django.db import migrations


def add_birth_keys(apps, schema_editor):
    Entity = apps.get_model("screening", "Entity")
    NameKey = apps.get_model("screening", "NameKey")
    KeyFrequency = apps.get_model("screening", "KeyFrequency")
    people = Entity.objects.filter(schema="Person").exclude(birth_date="").values_list("pk", "dataset_id", "birth_date")
    batch = []
    for pk, dataset, birth in people.iterator(chunk_size=5000):
        if len(birth) == 10:
            batch.append(NameKey(entity_id=pk, key=f"b:{birth}", dataset_id=dataset, company=False))
        if len(batch) >= 5000:
            NameKey.objects.bulk_create(batch)
            batch = []
    NameKey.objects.bulk_create(batch)
    counts: dict[str, int] = {}
    for key in NameKey.objects.filter(key__startswith="b:").values_list("key", flat=True).iterator(chunk_size=5000):
        counts[key] = counts.get(key, 0) + 1
    KeyFrequency.objects.filter(key__startswith="b:").delete()
    KeyFrequency.objects.bulk_create([KeyFrequency(key=k, count=n) for k, n in counts.items()], batch_size=5000)


def remove_birth_keys(apps, schema_editor):
    apps.get_model("screening", "NameKey").objects.filter(key__startswith="b:").delete()
    apps.get_model("screening", "KeyFrequency").objects.filter(key__startswith="b:").delete()


class Migration(migrations.Migration):
    dependencies = [("screening", "0006_relation_kin_and_detail")]

    operations = [migrations.RunPython(add_birth_keys, remove_birth_keys)]
