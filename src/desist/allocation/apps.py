from django.apps import AppConfig


class AllocationConfig(AppConfig):
    name = "desist.allocation"
    verbose_name = "Allocation and workload"

    def ready(self) -> None:
        # A changed record (people.signals.record_changed) queues the recompute of the person's case holders.
        from desist.allocation import tasks  # noqa: F401
