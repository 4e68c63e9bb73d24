from django.apps import AppConfig


class MaracConfig(AppConfig):
    name = "desist.marac"
    label = "marac"
    verbose_name = "MARAC (domestic abuse)"
