from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "desist.monitoring"
    label = "monitoring"
    verbose_name = "Electronic monitoring"
