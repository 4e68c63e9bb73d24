from django.apps import AppConfig


class WorkqueueConfig(AppConfig):
    name = "desist.workqueue"
    label = "workqueue"
    verbose_name = "Work queue"
