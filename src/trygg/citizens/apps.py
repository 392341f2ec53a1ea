from django.apps import AppConfig


class CitizensConfig(AppConfig):
    name = "trygg.citizens"
    verbose_name = "Residents"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:  # the app's recurring jobs, messages and start-page items
        from trygg.citizens import notices, public_map_release, todo
        from trygg.citizens.models import Survey, SurveyResponse
        from trygg.core import todo as start_page
        from trygg.orgs import place_references

        notices.register()
        public_map_release.register()
        start_page.register(todo.items)
        place_references.register("surveys", lambda place: Survey.objects.filter(areas=place).count())
        place_references.register("responses", lambda place: SurveyResponse.objects.filter(area=place).count())
