from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "trygg.orgs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:  # the kinds of message administration sends
        from trygg.orgs import invitations, notices, partners

        invitations.register()
        notices.register()
        partners.register()
