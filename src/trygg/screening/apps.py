from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "trygg.screening"
    verbose_name = "Screening"
    default_auto_field = "django.db.models.BigAutoField"
