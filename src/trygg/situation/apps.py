from django.apps import AppConfig


class SituationConfig(AppConfig):
    name = "trygg.situation"
    verbose_name = "Lägesbild"
    default_auto_field = "django.db.models.BigAutoField"
