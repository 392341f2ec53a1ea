from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "trygg.core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from trygg.core import checks  # noqa: F401  (registers the deployment checks)
