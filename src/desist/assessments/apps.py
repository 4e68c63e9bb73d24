from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "desist.assessments"
    label = "assessments"
