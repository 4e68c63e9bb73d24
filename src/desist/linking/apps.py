from typing import Any

from django.apps import AppConfig
from django.core import checks


class LinkingConfig(AppConfig):
    name = "desist.linking"
    label = "linking"
    verbose_name = "Record linkage"

    def ready(self) -> None:
        checks.register(_deprecated_threshold_settings, checks.Tags.compatibility)


def _deprecated_threshold_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Say so when the thresholds are still set as match weights (docs/production.md, "Record linkage")."""
    from desist.linking.selectors import deprecated_threshold_settings

    return [
        checks.Warning(
            message,
            id="desist.W101",
            hint="Set DESIST_LINK_PROBABILITY and DESIST_REVIEW_PROBABILITY instead (docs/production.md).",
        )
        for message in deprecated_threshold_settings()
    ]
