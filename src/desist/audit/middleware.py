"""Attach the acting user's Actor to each request, built once and only when used; and log any refusal
a view answered without logging it itself."""

import dataclasses
from collections.abc import Callable
from typing import cast

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from desist.audit.context import Actor, actor_for_request
from desist.audit.models import AccessLogEntry, Action, Channel
from desist.audit.refusals import AuthenticatedHttpRequest, log_refusal

REFUSALS = (403, 404)


class AccessContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The attribute AuthenticatedHttpRequest declares, as a lazy Actor: built on first use, then kept.
        lazy_actor = SimpleLazyObject(lambda: actor_for_request(request))
        cast(AuthenticatedHttpRequest, request).actor = cast(Actor, lazy_actor)
        started = timezone.now()
        response = self.get_response(request)
        if response.status_code in REFUSALS or (
            response.status_code == 401 and "HTTP_AUTHORIZATION" in request.META
        ):
            self._log_unlogged_refusal(request, response, started)
        return response

    @staticmethod
    def _log_unlogged_refusal(request: HttpRequest, response: HttpResponse, started: object) -> None:
        """Every refusal is logged (DPA 2018 s.62; issue 10, item 6). Views log their own through
        `desist.audit.refusals.refuse`, with the person concerned; this is the net for any that did not.
        Only a request that reached a view counts: an address matching no page is not a refusal."""
        match = getattr(request, "resolver_match", None)
        user = getattr(request, "user", None)
        if match is None or (
            response.status_code != 401 and not (user is not None and user.is_authenticated)
        ):
            return
        channel = Channel.API if "api" in match.namespaces else Channel.WEB
        actor = actor_for_request(request, channel=channel)
        if actor.user is None:
            actor = dataclasses.replace(actor, extra={"username": "anonymous"})
        already = AccessLogEntry.objects.filter(
            action=Action.DENIED, at__gte=started, path=actor.path, user=actor.user
        ).exists()
        if not already:
            log_refusal(
                actor,
                summary=f"Refused {request.method} {request.path[:160]} ({response.status_code})",
                reason="refused by the view" if response.status_code != 401 else "API token not valid",
                detail={"view": match.view_name or "", "status": response.status_code},
            )
