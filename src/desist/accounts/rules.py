"""Who must sign in with a two-factor code, and the session's idle clock."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from django.conf import settings
from django_otp import user_has_device

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.contrib.sessions.backends.base import SessionBase
    from django.http import HttpRequest

    from desist.audit.context import Actor

LAST_ACTIVITY_KEY = "desist_last_activity"
# Writing the session on every request would cost a database write each time; a minute's precision is enough.
ACTIVITY_PRECISION_SECONDS = 60


DEVICE_KNOWN_KEY = "desist_has_two_factor"


def signed_in(sender: object, request: HttpRequest, user: AbstractBaseUser, **kwargs: object) -> None:
    """At sign-in: start the idle clock and note whether the user has an authenticator, saved with the
    sign-in's own session write so that the next pages write nothing."""
    if getattr(request, "session", None) is not None:
        request.session[DEVICE_KNOWN_KEY] = user_has_device(user, confirmed=True)
        record_activity(request.session)


def has_device(user: AbstractBaseUser, session: SessionBase) -> bool:
    """Whether the user has a confirmed authenticator or backup codes; asked once a session (two queries), and
    forgotten whenever this session sets up or removes one (`forget_device`)."""
    if DEVICE_KNOWN_KEY not in session:
        session[DEVICE_KNOWN_KEY] = user_has_device(user, confirmed=True)
    return bool(session[DEVICE_KNOWN_KEY])


def forget_device(session: SessionBase) -> None:
    session.pop(DEVICE_KNOWN_KEY, None)


def two_factor_required(actor: Actor) -> bool:
    """True when the DESIST_2FA_REQUIRED_FOR setting obliges this user to use a two-factor code."""
    return settings.DESIST_2FA_REQUIRED_FOR == "everyone" or actor.is_administrator


def needs_code(user: AbstractBaseUser, actor: Actor, session: SessionBase | None = None) -> bool:
    """True when this user must give a code before going on: required of them, or they chose to set it up."""
    if two_factor_required(actor):
        return True
    return has_device(user, session) if session is not None else user_has_device(user, confirmed=True)


def idle_too_long(session: SessionBase, *, now: float | None = None) -> bool:
    """True when the session has seen no activity for longer than DESIST_IDLE_TIMEOUT_MINUTES."""
    last = session.get(LAST_ACTIVITY_KEY)
    now = time.time() if now is None else now
    return last is not None and now - float(last) > settings.DESIST_IDLE_TIMEOUT_MINUTES * 60


def record_activity(session: SessionBase, *, now: float | None = None) -> None:
    """Note that the user did something now (at most one session write a minute)."""
    now = time.time() if now is None else now
    last = session.get(LAST_ACTIVITY_KEY)
    if last is None or now - float(last) >= ACTIVITY_PRECISION_SECONDS:
        session[LAST_ACTIVITY_KEY] = now
