from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "desist.imports"
    label = "imports"
    verbose_name = "Agency extract imports"
