from django.apps import AppConfig


class CitizensConfig(AppConfig):
    name = "trygg.citizens"
    verbose_name = "Residents"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:  # the app's recurring jobs, messages and start-page items
        from trygg.citizens import notices, public_map_release, todo
        from trygg.core import todo as start_page

        notices.register()
        public_map_release.register()
        start_page.register(todo.items)
