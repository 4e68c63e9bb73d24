from django.apps import AppConfig


class ReleaseConfig(AppConfig):
    name = "desist.release"
    label = "release"
    verbose_name = "Release from custody"

    def ready(self) -> None:
        # A register entry added or ended (registers.signals.register_changed) works the release dates out
        # again.
        from desist.release import receivers  # noqa: F401
