"""Sign-in rules applied to every request that reaches Django (static files are served before this, by
WhiteNoise, and keep their caching): the idle timeout, two-factor sign-in where it is required or chosen, and
`Cache-Control: no-store` so no page, fragment, API answer or export is kept by a browser or proxy."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast
from urllib.parse import urlencode

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django_otp import user_has_device

from desist.accounts.rules import idle_too_long, needs_code, record_activity
from desist.audit.context import actor_for_request
from desist.audit.models import Channel
from desist.audit.refusals import AuthenticatedHttpRequest, log_refusal

# A request carrying this header (e.g. HTMX polling: hx-headers='{"X-Desist-Background": "1"}') does not count
# as the user being active, so a page left open does not keep its session alive.
BACKGROUND_HEADER = "X-Desist-Background"
# Pages a signed-in user may reach before giving a code.
OPEN_URL_NAMES = ("login", "logout", "two_factor_verify", "two_factor_setup")


def _is_api(request: HttpRequest) -> bool:
    """An API call, answered in JSON (the API's docs page is a page: it redirects like the others)."""
    return request.path.startswith("/api/") and request.path.rstrip("/") != "/api/docs"


class SignInRulesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self._check(request) or self.get_response(request)
        add_never_cache_headers(response)
        response["Pragma"] = "no-cache"
        return response

    def _check(self, request: HttpRequest) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated:
            return None
        if request.path.startswith("/api/") and "HTTP_AUTHORIZATION" in request.META:
            return None  # a bearer token speaks for itself, whatever the browser's session
        if idle_too_long(request.session):
            logout(request)
            return self._to(request, reverse("login"), idle=True)
        if not request.headers.get(BACKGROUND_HEADER):
            record_activity(request.session)
        if user.is_verified() or self._open(request):  # type: ignore[attr-defined]
            return None
        # Signed in (checked above); AccessContextMiddleware, earlier in MIDDLEWARE, attached the actor.
        actor = cast(AuthenticatedHttpRequest, request).actor
        if not (needs_code(user, actor, request.session) or request.path.startswith("/admin/")):
            return None
        if _is_api(request):
            actor = actor_for_request(request, channel=Channel.API)
            log_refusal(
                actor,
                summary=f"Refused {request.method} {request.path[:160]}: two-factor sign-in not done",
                reason="two-factor code not given",
            )
            return JsonResponse({"detail": "Sign in with your two-factor code first."}, status=403)
        name = "two_factor_verify" if user_has_device(user, confirmed=True) else "two_factor_setup"
        return self._to(request, reverse(name))

    @staticmethod
    def _open(request: HttpRequest) -> bool:
        match = getattr(request, "resolver_match", None)
        if match is None:
            from django.urls import Resolver404, resolve

            try:
                match = resolve(request.path_info)
            except Resolver404:
                return False
        return match.url_name in OPEN_URL_NAMES and not match.namespaces

    @staticmethod
    def _to(request: HttpRequest, url: str, *, idle: bool = False) -> HttpResponse:
        # django-htmx's middleware, earlier in MIDDLEWARE, attached `htmx` to every request.
        page_get = request.method == "GET" and not cast(AuthenticatedHttpRequest, request).htmx
        params = {"next": request.get_full_path()} if page_get else {}
        if idle:
            params["idle"] = "1"
        target = f"{url}?{urlencode(params)}" if params else url
        if _is_api(request):
            return JsonResponse({"detail": "Your session has ended; sign in again."}, status=401)
        if getattr(request, "htmx", False):
            # HTMX would swap a redirected page into the fragment; ask it to load the page instead.
            return HttpResponse(status=204, headers={"HX-Redirect": target})
        return HttpResponseRedirect(target)
