"""Logging the search a user settles on, not every pause in their typing (issue 10, item 9).

Live search asks for results 400 ms after each pause in typing, so one name typed makes several searches. The
log is append-only, so an entry cannot be written and later withdrawn; instead a keystroke search is held in
the session, not logged, until it settles:

- the user submits the form (Enter or the Search button, or opens a search address): logged at once;
- the results stay on screen for DESIST_SEARCH_SETTLE_SECONDS: the results fragment asks `search_settled`,
  which logs it (a fragment replaced sooner asks nothing, htmx drops requests of removed elements);
- the session asks for any other page (a result opened, another page, signing out): logged before that page;
- another keystroke search comes after the settle time: the held one is logged first.

A search replaced sooner than that, while the user was still typing, is not logged on its own but goes into
the entry of the search it led to (`while_typing`: each query and the people it showed), so everything that
was on screen is in the log. Only results shown for less than the settle time, after which the browser is
closed with no further request, go unlogged.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import fields
from datetime import UTC, datetime
from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from desist.audit.context import Actor
from desist.audit.refusals import AuthenticatedHttpRequest
from desist.people.services import person_search_record

PENDING_KEY = "pending_search"
# A held search carries at most this many searches typed on the way; beyond it, it is logged and a new one
# held.
MAX_TYPED = 20


def _actor(request: AuthenticatedHttpRequest, pending: dict[str, Any]) -> Actor:
    # The entry describes the search as it was shown: its address and the purpose stated at the time.
    # (request.actor is a lazy object, so its fields are copied rather than `replace`d.)
    current = request.actor
    return Actor(
        **{f.name: getattr(current, f.name) for f in fields(Actor)}
        | {
            "path": pending["path"],
            "purpose": pending["purpose"],
            "justification": pending.get("justification", ""),
        }
    )


def _record(request: AuthenticatedHttpRequest, pending: dict[str, Any], settled_by: str) -> None:
    person_search_record(
        actor=_actor(request, pending),
        query=pending["query"],
        person_ids=pending["person_ids"],
        settled_by=settled_by,
        typed=pending["typed"],
        shown_at=pending["shown_at_iso"],
    )


def search_shown(request: AuthenticatedHttpRequest, *, query: str, person_ids: list[int]) -> str:
    """Hold a keystroke search's results as shown (not logged yet); return its id for the settle request."""
    session = request.session
    pending = session.get(PENDING_KEY)
    typed: list[dict[str, Any]] = []
    if pending:
        settled = time.time() - pending["shown_at"] >= settings.DESIST_SEARCH_SETTLE_SECONDS
        if settled or len(pending["typed"]) >= MAX_TYPED:
            _record(request, pending, "kept on screen, then searched again" if settled else "typing went on")
        else:
            typed = [*pending["typed"], {"query": pending["query"], "person_ids": pending["person_ids"]}]
    search_id = uuid.uuid4().hex
    now = time.time()
    session[PENDING_KEY] = {
        "id": search_id,
        "query": query,
        "person_ids": person_ids,
        "typed": typed,
        "shown_at": now,
        "shown_at_iso": datetime.fromtimestamp(now, tz=UTC).isoformat(timespec="seconds"),
        "path": request.get_full_path()[:500],
        "purpose": session.get("purpose", ""),
        "justification": session.get("purpose_justification", ""),
    }
    return search_id


def search_submitted(request: AuthenticatedHttpRequest, *, query: str, person_ids: list[int]) -> None:
    """Log a submitted search at once, with any keystroke searches that led to it."""
    pending = request.session.pop(PENDING_KEY, None)
    typed: list[dict[str, Any]] = []
    if pending:
        if pending["query"] == query:  # typed, then Enter: one search, one entry
            typed = pending["typed"]
        else:
            _record(request, pending, "followed by another search")
    person_search_record(
        actor=request.actor, query=query, person_ids=person_ids, settled_by="submitted", typed=typed
    )


def search_settle(request: AuthenticatedHttpRequest, *, settled_by: str, search_id: str = "") -> bool:
    """Log the held search, if any (and if it is still the one `search_id` names). True when one was
    logged."""
    pending = request.session.get(PENDING_KEY)
    if not pending or (search_id and pending["id"] != search_id):
        return False
    del request.session[PENDING_KEY]
    _record(request, pending, settled_by)
    return True


class SettledSearchMiddleware:
    """Before any page other than the search itself, log the search the session was holding: the user has
    settled on it (opened a result, moved on, or is signing out)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if (
            session is not None
            and PENDING_KEY in session
            and request.path not in (reverse("search"), reverse("search_settled"))
        ):
            # Only a signed-in session holds a search; AccessContextMiddleware (earlier) attached the actor.
            search_settle(
                cast(AuthenticatedHttpRequest, request),
                settled_by=f"followed by {request.method} {request.path[:200]}",
            )
        return self.get_response(request)
