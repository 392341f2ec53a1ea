from django.apps import AppConfig


class CitizensConfig(AppConfig):
    name = "trygg.citizens"
    verbose_name = "Residents"
    default_auto_field = "django.db.models.BigAutoField"
