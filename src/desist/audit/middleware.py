"""Attach the acting user's Actor to each request, built once and only when used."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from desist.audit.context import actor_for_request


class AccessContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.actor = SimpleLazyObject(lambda: actor_for_request(request))  # type: ignore[attr-defined]
        return self.get_response(request)
