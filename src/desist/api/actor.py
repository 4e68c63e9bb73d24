"""Who is calling the API, and why: the caller's Actor on the API channel with the purpose it states.

Shared by every router (kept apart from api.py so routers need not import the module that mounts them)."""

from __future__ import annotations

from dataclasses import replace

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import HttpError

from desist.audit.context import Actor, actor_for_request
from desist.audit.models import Channel
from desist.audit.refusals import log_refusal


def api_actor(request: HttpRequest) -> Actor:
    """The caller, with the purpose it states: the X-Desist-Purpose header (and X-Desist-Justification, in
    words, for "other"), or else the purpose the web session stated. A call with neither is refused and
    logged, never recorded as case management (issue 10, item 8; docs/security.md)."""
    actor = actor_for_request(request, channel=Channel.API)
    purpose = request.headers.get("X-Desist-Purpose", "")
    justification = " ".join(request.headers.get("X-Desist-Justification", "").split())[:300]
    if purpose:
        if purpose not in settings.DESIST_PURPOSES:
            raise HttpError(
                400, f"Unknown purpose {purpose[:64]!r}; use one of: {', '.join(settings.DESIST_PURPOSES)}"
            )
        if purpose == "other" and not justification:
            raise HttpError(
                400, "The purpose 'other' needs the reason in words: set the X-Desist-Justification header."
            )
        actor = replace(actor, purpose=purpose, justification=justification if purpose == "other" else "")
    if not actor.purpose:
        log_refusal(
            actor,
            summary=f"Refused {request.method} {request.path[:160]}: no purpose stated",
            reason="no X-Desist-Purpose header",
        )
        raise HttpError(
            400,
            "State why you are reading: set the X-Desist-Purpose header to one of: "
            f"{', '.join(settings.DESIST_PURPOSES)}.",
        )
    return actor
