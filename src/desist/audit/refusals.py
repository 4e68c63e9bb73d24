"""One way to refuse (issue 13, item 1): log the refused attempt as `denied`, then raise what the actor's
channel understands. Pages get Http404 or PermissionDenied, the API an HttpError, commands a CommandError,
so a person who does not exist and a person you may not see look the same everywhere.

The per-noun getters (`people.selectors.person_for_actor`, `release.selectors.plan_for_actor`, ...) call
`refuse`; views, HTMX fragments, the API and commands call the getters. `AccessContextMiddleware` is the
safety net: a 403 or 404 from a view that logged no refusal is logged there (and the URL walk in
tests/app/test_url_access.py fails on it, so it stays a net and not the rule).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn

from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError
from django.http import Http404, HttpRequest
from django_htmx.middleware import HtmxDetails
from ninja.errors import HttpError

from desist.audit.context import Actor
from desist.audit.models import AccessLogEntry, Action, Channel
from desist.audit.services import log_access

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db import models

NOT_FOUND = "No such record is available to you."
NOT_VISIBLE = "no current involvement by the user's agency"


class AuthenticatedHttpRequest(HttpRequest):
    """The one typed request: a request past `login_required` (or the API's auth), as views, fragments and
    helpers annotate it, so `request.actor` and `request.htmx` type-check. Never built: Django's HttpRequest
    carries these attributes at run time. `AccessContextMiddleware` attaches the actor (to every request),
    django-htmx's middleware `htmx`; code typed by Django with a plain HttpRequest (middleware, the admin)
    reaches them through `typing.cast(AuthenticatedHttpRequest, request)`, with a comment why it holds."""

    actor: Actor
    user: User
    htmx: HtmxDetails


def log_refusal(
    actor: Actor,
    *,
    summary: str,
    person_id: int | None = None,
    obj: models.Model | None = None,
    reason: str = NOT_VISIBLE,
    detail: dict[str, Any] | None = None,
) -> AccessLogEntry:
    """Write the `denied` entry for a refused attempt, for services that raise their own error after it."""
    return log_access(
        actor=actor,
        action=Action.DENIED,
        summary=summary,
        person_id=person_id,
        obj=obj,
        detail={"reason": reason, **(detail or {})},
    )


def refuse(
    actor: Actor,
    *,
    summary: str,
    person_id: int | None = None,
    obj: models.Model | None = None,
    reason: str = NOT_VISIBLE,
    status: int = 404,
    message: str = "",
    detail: dict[str, Any] | None = None,
) -> NoReturn:
    """Log the refusal, then raise the channel's error: 404 (not found, the default, for records the actor may
    not see) or 403 (the page exists, the actor's role may not use it). `message` is shown to the actor."""
    log_refusal(actor, summary=summary, person_id=person_id, obj=obj, reason=reason, detail=detail)
    message = message or (NOT_FOUND if status == 404 else "You may not do this.")
    if actor.channel == Channel.API:
        raise HttpError(status, message)
    if actor.channel == Channel.CLI:
        raise CommandError(message)
    if status == 404:
        raise Http404(message)
    raise PermissionDenied(message)
