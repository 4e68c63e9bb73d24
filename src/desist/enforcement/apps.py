from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "desist.enforcement"
    label = "enforcement"
    verbose_name = "Compliance and enforcement"
