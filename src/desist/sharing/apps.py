from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "desist.sharing"
    label = "sharing"
    verbose_name = "Information sharing"
