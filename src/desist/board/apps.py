from django.apps import AppConfig


class BoardConfig(AppConfig):
    name = "desist.board"
    label = "board"
    verbose_name = "Board measures"

    def ready(self) -> None:
        # A change to a record the basket reads queues the background refresh of the stored basket.
        from desist.board import tasks

        tasks.connect()
