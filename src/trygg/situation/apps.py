from django.apps import AppConfig


class SituationConfig(AppConfig):
    name = "trygg.situation"
    verbose_name = "Lägesbild"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from trygg.situation import jobs

        jobs.register()
