from typing import Any

from django.conf import settings
from django.http import HttpRequest


def sign_in(request: HttpRequest) -> dict[str, Any]:
    """The idle timeout, for the sign-in page's "you were signed out" notice."""
    return {"idle_minutes": settings.DESIST_IDLE_TIMEOUT_MINUTES}
