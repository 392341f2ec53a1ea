from django.apps import AppConfig


class PartnerCheckConfig(AppConfig):
    name = "trygg.partnercheck"
    label = "partnercheck"
    verbose_name = "Partners' company check"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:  # the screening officers' start-page count of partners' concerns
        from trygg.core import todo as start_page
        from trygg.partnercheck import todo

        start_page.register(todo.items)
