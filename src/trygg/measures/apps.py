from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "trygg.measures"
    verbose_name = "Åtgärder"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:  # the app's recurring jobs, messages and start-page items
        from trygg.core import todo as start_page
        from trygg.measures import digest, meetings, reminders, todo
        from trygg.measures.models import Goal
        from trygg.orgs import place_references
        from trygg.situation import sections

        sections.register(sections.OPEN_MEASURES, meetings.lagesbild_section)
        digest.register()
        reminders.register()
        start_page.register(todo.items)
        place_references.register("goals", lambda place: Goal.objects.filter(area=place).count())
