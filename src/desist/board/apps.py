from django.apps import AppConfig


class BoardConfig(AppConfig):
    name = "desist.board"
    label = "board"
    verbose_name = "Board measures"
