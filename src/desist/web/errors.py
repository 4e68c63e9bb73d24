"""The service's own error answers: pages for people, JSON under /api/ (config/urls.py names these
handlers)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils.html import escape
from django.views import defaults

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
SORRY = "Sorry, there is a problem with the service"

# The last resort, if even the error page cannot be rendered (a missing template or static manifest, say).
PLAIN_500 = (
    '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>{sorry} – {name}</title></head>'
    "<body><header><p>desist – {name}</p></header>"
    "<main><h1>{sorry}</h1><p>Try again later.</p></main></body></html>"
)


def _for_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404: the page for people; JSON, in the API's own shape, for an API address that matches nothing."""
    if _for_api(request):
        return JsonResponse({"detail": "Not Found"}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: "Sorry, there is a problem with the service", without stack detail and without the request's
    context (the session, the user or the database may be what failed)."""
    if _for_api(request):
        return JsonResponse({"detail": f"{SORRY}. Try again later."}, status=500)
    name = settings.DESIST_PARTNERSHIP_NAME
    try:
        body: str = loader.render_to_string("500.html", {"partnership_name": name})
    except Exception:  # the page that says something broke must not break as well
        logger.exception("The 500 page could not be rendered")
        body = PLAIN_500.format(sorry=SORRY, name=escape(name))
    return HttpResponseServerError(body)
