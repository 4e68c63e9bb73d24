from django.apps import AppConfig


class ReleaseConfig(AppConfig):
    name = "desist.release"
    label = "release"
    verbose_name = "Release from custody"
