from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "desist.retention"
    label = "retention"
    verbose_name = "Retention"
