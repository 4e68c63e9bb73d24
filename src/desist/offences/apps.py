from django.apps import AppConfig


class OffencesConfig(AppConfig):
    name = "desist.offences"
    label = "offences"
