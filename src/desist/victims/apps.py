from django.apps import AppConfig


class VictimsConfig(AppConfig):
    name = "desist.victims"
    label = "victims"
    verbose_name = "Victim contact"
