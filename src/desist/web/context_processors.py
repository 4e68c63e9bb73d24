from typing import Any

from django.conf import settings
from django.http import HttpRequest


def partnership(request: HttpRequest) -> dict[str, Any]:
    """The partnership's name and the purposes a user may state, for every page."""
    return {
        "partnership_name": settings.DESIST_PARTNERSHIP_NAME,
        "purposes": {k: v for k, v in settings.DESIST_PURPOSES.items() if k not in ("administration", "record_linkage")},
        "demo_notice": settings.DESIST_DEMO_NOTICE,
        "current_purpose": request.session.get("purpose", settings.DESIST_DEFAULT_PURPOSE)
        if hasattr(request, "session")
        else settings.DESIST_DEFAULT_PURPOSE,
    }
