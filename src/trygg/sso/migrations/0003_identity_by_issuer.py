"""Bindings of people at identity providers are keyed by the provider's issuer and subject (OpenID Connect Core
1.0 §2), not by Trygg's name for the provider: existing rows take the issuer of the provider configured under
their name (``TRYGG_OIDC_PROVIDERS`` — run the migration with the production environment); a row of a provider
no longer configured gets a placeholder issuer that no sign-in matches."""

from django.conf import settings
from django.db import migrations, models

PLACEHOLDER = "urn:trygg:unconfigured-provider:{name}"


def issuers_from_configuration(apps, schema_editor):
    ExternalIdentity = apps.get_model("sso", "ExternalIdentity")
    configured = getattr(settings, "TRYGG_OIDC_PROVIDERS", {}) or {}
    for name in ExternalIdentity.objects.values_list("provider", flat=True).distinct():
        provider = configured.get(name)
        issuer = provider.issuer if provider is not None else PLACEHOLDER.format(name=name)
        ExternalIdentity.objects.filter(provider=name).update(issuer=issuer)


class Migration(migrations.Migration):
    dependencies = [
        ("sso", "0002_drop_mapping_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="externalidentity",
            name="issuer",
            field=models.CharField(default="", max_length=255),
            preserve_default=False,
        ),
        migrations.RunPython(issuers_from_configuration, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="externalidentity",
            name="one_user_per_subject",
        ),
        migrations.AddConstraint(
            model_name="externalidentity",
            constraint=models.UniqueConstraint(fields=("issuer", "subject"), name="one_user_per_issuer_subject"),
        ),
        migrations.AlterField(
            model_name="externalidentity",
            name="provider",
            field=models.CharField(help_text="Trygg's name of the provider at the last sign-in.", max_length=31),
        ),
    ]
