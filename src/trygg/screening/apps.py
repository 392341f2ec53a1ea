from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "trygg.screening"
    verbose_name = "Screening"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:  # the app's recurring jobs, messages and start-page items
        from trygg.core import todo as start_page
        from trygg.screening import digest, jobs, procedure, todo

        jobs.register()
        digest.register()
        procedure.register()
        start_page.register(todo.items)
