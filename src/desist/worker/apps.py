from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "desist.worker"
    label = "worker"
    verbose_name = "Background task worker"
