from django.apps import AppConfig


class RegistersConfig(AppConfig):
    name = "desist.registers"
    label = "registers"
