from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "desist.families"
    label = "families"
    verbose_name = "families and households"
