from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "desist.people"
    label = "people"
