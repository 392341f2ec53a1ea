from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The site shell above the apps: the start page, the menu and the jobs page — what puts the apps together."""

    name = "trygg.site"
    label = "site"
    verbose_name = "Site"
