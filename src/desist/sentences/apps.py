from django.apps import AppConfig


class SentencesConfig(AppConfig):
    name = "desist.sentences"
    label = "sentences"
