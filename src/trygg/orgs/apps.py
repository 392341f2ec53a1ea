from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "trygg.orgs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:  # the invitation's kind of message
        from trygg.orgs import invitations

        invitations.register()
