from django.apps import AppConfig


class PremisesConfig(AppConfig):
    name = "desist.premises"
    label = "premises"
    verbose_name = "Accommodation places"
