"""Issuing, checking and revoking API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from desist.api.models import ApiToken


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


SCOPES = ("read", "write")
# Methods that change data: a token needs the "write" scope for them.
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class TokenRefused(ValueError):
    """A token cannot be issued as asked (a lifetime of 0 or over the maximum, an unknown scope)."""


@transaction.atomic
def api_token_issue(
    *, user: User, name: str, days: int | None = None, scopes: tuple[str, ...] = ("read",)
) -> tuple[ApiToken, str]:
    """Create a token for a user; returns it with the secret, which is never stored and cannot be shown again.

    Every token expires: `days` defaults to, and may not exceed, DESIST_API_TOKEN_MAX_DAYS. It may only read
    unless `scopes` includes "write"."""
    max_days = settings.DESIST_API_TOKEN_MAX_DAYS
    days = max_days if days is None else days
    if not 1 <= days <= max_days:
        raise TokenRefused(
            f"A token must expire after between 1 and {max_days} days (DESIST_API_TOKEN_MAX_DAYS); "
            f"{days} was asked for."
        )
    unknown = set(scopes) - set(SCOPES)
    if unknown or not scopes:
        raise TokenRefused(
            f"Scopes are {', '.join(SCOPES)}; {', '.join(sorted(unknown)) or 'none'} was asked for."
        )
    raw = "dst_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        key_hash=_hash(raw),
        key_prefix=raw[:8],
        expires_at=timezone.now() + timedelta(days=days),
        scopes=" ".join(s for s in SCOPES if s in scopes),
    )
    return token, raw


def api_token_check(raw: str) -> ApiToken | None:
    """The valid token for this secret: unrevoked, its user active, not past its expiry nor past
    DESIST_API_TOKEN_MAX_DAYS from creation (so lowering the setting shortens tokens already issued). Or
    None."""
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(raw), revoked=False).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    latest = token.created_at + timedelta(days=settings.DESIST_API_TOKEN_MAX_DAYS)
    if now >= latest or (token.expires_at is not None and token.expires_at <= now):
        return None
    # Record use at most once a minute, to keep reads cheap.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def api_token_user(raw: str) -> User | None:
    """The active user a valid, unrevoked, unexpired token belongs to, or None."""
    token = api_token_check(raw)
    return token.user if token is not None else None


def api_token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk).update(revoked=True)
