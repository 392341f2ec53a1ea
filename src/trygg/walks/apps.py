from django.apps import AppConfig


class WalksConfig(AppConfig):
    name = "trygg.walks"
    label = "walks"
    verbose_name = "Safety walks"
