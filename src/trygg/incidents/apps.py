from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "trygg.incidents"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:  # the app's recurring jobs, messages and start-page items
        from trygg.core import todo as start_page
        from trygg.incidents import jobs, todo

        jobs.register()
        start_page.register(todo.items)
