from django.apps import AppConfig


class AllocationConfig(AppConfig):
    name = "desist.allocation"
    verbose_name = "Allocation and workload"
