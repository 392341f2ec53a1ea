from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "trygg.sso"
    label = "sso"
    verbose_name = "Single sign-on"
