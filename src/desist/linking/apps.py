from django.apps import AppConfig


class LinkingConfig(AppConfig):
    name = "desist.linking"
    label = "linking"
    verbose_name = "Record linkage"
