from django.apps import AppConfig


class IomConfig(AppConfig):
    name = "desist.iom"
    label = "iom"
    verbose_name = "IOM cohort"
