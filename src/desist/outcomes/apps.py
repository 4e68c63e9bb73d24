from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "desist.outcomes"
    label = "outcomes"
    verbose_name = "Supervision outcomes"
