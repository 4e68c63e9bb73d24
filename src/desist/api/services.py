"""Issuing, checking and revoking API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from desist.api.models import ApiToken


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_issue(*, user: AbstractBaseUser, name: str, days: int | None = 365) -> tuple[ApiToken, str]:
    """Create a token for a user; returns it with the secret, which is never stored and cannot be shown again."""
    raw = "dst_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        key_hash=_hash(raw),
        key_prefix=raw[:8],
        expires_at=timezone.now() + timedelta(days=days) if days else None,
    )
    return token, raw


def api_token_user(raw: str) -> AbstractBaseUser | None:
    """The active user a valid, unrevoked, unexpired token belongs to, or None."""
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(raw), revoked=False).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.expires_at is not None and token.expires_at <= now:
        return None
    # Record use at most once a minute, to keep reads cheap.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def api_token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk).update(revoked=True)
