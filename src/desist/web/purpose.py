"""The purpose of access (DPA 2018 s.62; issue 10, item 8). A signed-in session states why it is using desist
before its first page that can show person data, and can change it at any time; the purpose, and the user's
own words for "other", go on every access-log entry. Nothing defaults to case management."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

PURPOSE_KEY = "purpose"
JUSTIFICATION_KEY = "purpose_justification"


def purpose_state(session: SessionBase, *, purpose: str, justification: str = "") -> None:
    """Keep the stated purpose (and the words for "other") for the rest of the session."""
    session[PURPOSE_KEY] = purpose
    if justification:
        session[JUSTIFICATION_KEY] = justification
    else:
        session.pop(JUSTIFICATION_KEY, None)


def safe_next(request: HttpRequest, target: str, default: str = "/") -> str:
    """`target` when it is a path on this site (never another site, never the purpose page again)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return default
    if urlsplit(target).path == reverse("set_purpose"):
        return default
    return target


def purpose_url(next_path: str) -> str:
    """The purpose page, coming back to `next_path` afterwards."""
    return f"{reverse('set_purpose')}?{urlencode({'next': next_path})}"


def _coming_back_to(request: HttpRequest) -> str:
    """Where to return after the purpose is stated: the page asked for, or for an HTMX fragment or a form post
    the page the user was on (a fragment alone is no page to land on, and a post cannot be repeated)."""
    if getattr(request, "htmx", False):
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        return current.path + (f"?{current.query}" if current.query else "") if current.path else "/"
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = urlsplit(request.headers.get("Referer", ""))
    if referer.netloc == request.get_host() and referer.path:
        return referer.path + (f"?{referer.query}" if referer.query else "")
    return "/"


class PurposeRequiredMiddleware:
    """Send a signed-in session without a stated purpose to the purpose page before any page that can show
    person data. HTMX requests are told to go there with HX-Redirect (a fragment cannot show a form)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._needs_purpose(request):
            target = purpose_url(safe_next(request, _coming_back_to(request)))
            if getattr(request, "htmx", False):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return HttpResponseRedirect(target)
        return self.get_response(request)

    @staticmethod
    def _needs_purpose(request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        # The home page only sends the user on to the work queue: ask there, so the way back is the queue.
        if request.path == reverse("home") or request.path.startswith(
            tuple(settings.DESIST_PURPOSE_NOT_NEEDED)
        ):
            return False
        return not request.session.get(PURPOSE_KEY)
