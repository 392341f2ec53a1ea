from django.db import migrations


def install_v1(apps, schema_editor):
    from trygg.incidents.taxonomy import install

    install(
        apps.get_model("incidents", "TaxonomyVersion"),
        apps.get_model("incidents", "Category"),
        apps.get_model("incidents", "PoliceTypeMapping"),
        number=1,
    )


class Migration(migrations.Migration):
    dependencies = [("incidents", "0002_initial")]
    operations = [migrations.RunPython(install_v1, migrations.RunPython.noop)]
