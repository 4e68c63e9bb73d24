from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "desist.audit"
    label = "audit"

    def ready(self) -> None:
        # Failed sign-ins and lockouts come to us as Django's and django-axes' signals.
        from desist.audit import signals  # noqa: F401
