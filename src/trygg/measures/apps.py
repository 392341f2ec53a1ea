from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "trygg.measures"
    verbose_name = "Åtgärder"
    default_auto_field = "django.db.models.BigAutoField"
