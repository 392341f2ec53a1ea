from django.apps import AppConfig


class ForwardingConfig(AppConfig):
    name = "trygg.forwarding"
    label = "forwarding"
    verbose_name = "Forwarding to departments"

    def ready(self) -> None:
        import datetime as dt

        from trygg.citizens import extensions, tips
        from trygg.core import jobs

        from . import pages, sending

        tips.on_tip_created(sending.on_tip_created)
        extensions.register(extensions.TIP_PAGE, pages.tip_page_part)
        extensions.register(extensions.TIP_STATUS, pages.tip_status_part)
        extensions.register(extensions.TRIAGE, pages.triage_part)
        jobs.register(
            "tip_forwarding",
            sending.run,
            "Skickar tips till förvaltningarnas Open311 och hämtar deras status",
            "*/10 * * * *",
            catch_up=dt.timedelta(minutes=9),
        )
