from django.apps import AppConfig


class PriorityConfig(AppConfig):
    name = "desist.priority"
    label = "priority"
    verbose_name = "priority groups"
