from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "desist.supervision"
    label = "supervision"
    verbose_name = "Supervision: chronology and appointments"
