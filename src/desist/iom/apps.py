from django.apps import AppConfig


class IomConfig(AppConfig):
    name = "desist.iom"
    label = "iom"
    verbose_name = "IOM cohort"

    def ready(self) -> None:
        # A changed record (people.signals.record_changed) queues the refresh of the figures derived from it.
        from desist.iom import tasks  # noqa: F401
