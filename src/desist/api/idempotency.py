"""Repeated API requests: the `Idempotency-Key` header on writes, and conflicts answered 409 rather than 500.

A client that may send a write twice (a retry after a timeout, a double click in a partner system) sends a key
of its choosing, unique per write, in `Idempotency-Key` on POST, PUT, PATCH or DELETE. The first request is
done and its answer kept, per user and key, with a fingerprint of the request (method, path, query and body):

- the same key and the same request again within DESIST_IDEMPOTENCY_HOURS: the kept answer, not done again
  (header `Idempotent-Replayed: true`; the replay is logged as a consultation);
- the same key with a different request: 422, nothing done;
- the same key while the first is still being done: 409, nothing done; retry later;
- an answer of 500 or more is not kept, so a retry with the key is done afresh.

Without the header a write is done each time it is sent, as before; the release-date endpoint is idempotent by
itself (the same date twice records nothing more)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from desist.api.models import IdempotentRequest
from desist.api.services import api_token_user
from desist.audit.context import actor_for_user, client_ip
from desist.audit.models import Action, Channel
from desist.audit.services import log_access

HEADER = "Idempotency-Key"
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
MAX_KEY = 255


def _hours() -> int:
    return int(getattr(settings, "DESIST_IDEMPOTENCY_HOURS", 24))


def _user(request: HttpRequest) -> User | None:
    """Who is writing: a bearer token's user, else the signed-in session's (as the API itself decides)."""
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        return api_token_user(auth[7:].strip())
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (request.method or "", request.path, request.META.get("QUERY_STRING", "")):
        digest.update(part.encode() + b"\0")
    digest.update(request.body)
    return digest.hexdigest()


def _problem(status: int, message: str) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status)


class IdempotencyMiddleware:
    """Keeps and replays the answers to API writes sent with an Idempotency-Key (see the module's
    docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if key is None or request.method not in WRITES or not request.path.startswith("/api/"):
            return self.get_response(request)
        key = key.strip()
        if not key or len(key) > MAX_KEY or not key.isprintable():
            return _problem(400, f"The {HEADER} header must be 1 to {MAX_KEY} printable characters.")
        user = _user(request)
        if user is None:
            return self.get_response(request)  # the API answers 401 itself
        fingerprint = _fingerprint(request)
        cutoff = timezone.now() - timedelta(hours=_hours())
        IdempotentRequest.objects.filter(user=user, created_at__lt=cutoff).delete()
        try:
            with transaction.atomic():
                kept = IdempotentRequest.objects.create(
                    user=user,
                    key=key,
                    fingerprint=fingerprint,
                    method=request.method or "",
                    path=request.path[:500],
                )
        except IntegrityError:
            return self._again(request, user, key, fingerprint)
        try:
            response = self.get_response(request)
        except BaseException:
            IdempotentRequest.objects.filter(pk=kept.pk).delete()
            raise
        if response.status_code >= 500 or getattr(response, "streaming", False):
            IdempotentRequest.objects.filter(pk=kept.pk).delete()
            return response
        IdempotentRequest.objects.filter(pk=kept.pk).update(
            status_code=response.status_code,
            content_type=response.get("Content-Type", "")[:100],
            body=bytes(response.content),
        )
        return response

    def _again(self, request: HttpRequest, user: User, key: str, fingerprint: str) -> HttpResponse:
        kept = IdempotentRequest.objects.filter(user=user, key=key).first()
        if kept is None:  # the first one failed and was forgotten in between: the client may simply retry
            return _problem(409, f"A request with this {HEADER} has just failed; send it again.")
        if kept.fingerprint != fingerprint:
            return _problem(
                422,
                f"This {HEADER} was already used for a different request ({kept.method} "
                f"{kept.path}). Use a new key for each change.",
            )
        if kept.status_code is None:
            return _problem(
                409, f"A request with this {HEADER} is still being done. Wait, then send it again."
            )
        actor = actor_for_user(
            user,
            channel=Channel.API,
            purpose=request.headers.get("X-Desist-Purpose", ""),
            ip_address=client_ip(request),
            path=request.get_full_path()[:500],
        )
        log_access(
            actor=actor,
            action=Action.CONSULTATION,
            summary=f"Replayed the kept answer to {kept.method} {kept.path}"[:255],
            detail={"idempotency_key": key[:80], "status": kept.status_code},
        )
        response = HttpResponse(
            bytes(kept.body), status=kept.status_code, content_type=kept.content_type or "application/json"
        )
        response["Idempotent-Replayed"] = "true"
        return response


def conflict_message(error: IntegrityError) -> str:
    """What a unique rule the database enforced means to the person who broke it (API 409s, form errors)."""
    text = str(error)
    # PostgreSQL names the constraint; SQLite names the columns.
    known = [
        (
            ("victims_victim_reference", "victims_victim.reference"),
            "A victim with this reference is already recorded.",
        ),
        (
            ("referral_one_open_per_need", "referrals_referral.person_id, referrals_referral.need"),
            "This person already has an open referral for this need.",
        ),
        (
            ("cohort_one_open_membership", "iom_cohortmembership.person_id"),
            "This person is already proposed to or adopted into the IOM cohort.",
        ),
        (
            ("victim_link_once", "victims_victimlink.victim_id"),
            "This victim is already linked to this offence.",
        ),
        (("booking_no_overlap",), "That bed is already booked for some of those nights."),
    ]
    for names, message in known:
        if any(name in text for name in names):
            return message
    return (
        "Someone else made the same change at the same moment. Reload the record and check it before trying "
        "again."
    )
