"""Failed sign-ins and lockouts are refusals too (issue 10, item 6): Django's `user_login_failed` and
django-axes' `user_locked_out` write `denied` entries. The entry names the account tried, never the
password (Django masks it before sending the signal; we read only the username)."""

from __future__ import annotations

import dataclasses
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from desist.audit.context import Actor, actor_for_request
from desist.audit.models import Channel
from desist.audit.refusals import log_refusal


def _anonymous_actor(request: HttpRequest | None, username: str) -> Actor:
    base = actor_for_request(request) if request is not None else Actor(user=None, channel=Channel.WEB)
    return dataclasses.replace(
        base,
        user=None,
        agency_ids=frozenset(),
        roles=frozenset(),
        agency_code="",
        extra={"username": username[:150] or "anonymous"},
    )


@receiver(user_login_failed, dispatch_uid="desist.audit.sign_in_failed")
def sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username") or "")
    locked = bool(getattr(request, "axes_locked_out", False))
    log_refusal(
        _anonymous_actor(request, username),
        summary=f"Sign-in refused for {username[:100]!r}",
        reason="locked out after repeated failures" if locked else "wrong user name or password",
    )


@receiver(user_locked_out, dispatch_uid="desist.audit.locked_out")
def locked_out(
    sender: Any,
    request: HttpRequest | None = None,
    username: str | None = None,
    ip_address: str | None = None,
    **kwargs: Any,
) -> None:
    log_refusal(
        _anonymous_actor(request, username or ""),
        summary=f"Sign-in locked for {(username or '')[:100]!r} after repeated failures",
        reason="locked out",
        detail={"ip_address": ip_address or ""},
    )
