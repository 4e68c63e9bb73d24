from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "desist.api"
    label = "api"
