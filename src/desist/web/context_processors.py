from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from desist.audit.context import purpose_label
from desist.web.purpose import JUSTIFICATION_KEY, PURPOSE_KEY


def partnership(request: HttpRequest) -> dict[str, Any]:
    """The partnership's name and the purpose this session stated, for every page."""
    session = getattr(request, "session", None)
    purpose = session.get(PURPOSE_KEY, "") if session is not None else ""
    return {
        "partnership_name": settings.DESIST_PARTNERSHIP_NAME,
        "demo_notice": settings.DESIST_DEMO_NOTICE,
        # The purpose this session stated (never a default: docs/security.md), shown with "Change" on every
        # page.
        "current_purpose": purpose,
        "current_purpose_label": purpose_label(
            purpose, session.get(JUSTIFICATION_KEY, "") if session is not None else ""
        ),
        "purpose_page_url": reverse("set_purpose"),
        # Refusals reported after a redirect (messages.error): the layout shows them as a GOV.UK error summary
        # and starts the title with "Error: ". Lazy, so a fragment that never shows messages does not use them
        # up.
        "message_errors": SimpleLazyObject(
            lambda: [message for message in messages.get_messages(request) if message.level == messages.ERROR]
        ),
    }
