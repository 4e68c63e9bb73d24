"""API tokens: a secret shown once, stored only as a hash."""

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'nightly extract'.")
    key_hash = models.CharField(max_length=64, unique=True)
    key_prefix = models.CharField(max_length=8, help_text="First characters, to recognise the token.")
    created_at = models.DateTimeField(auto_now_add=True)
    # Always set (at most DESIST_API_TOKEN_MAX_DAYS after creation); null only in tokens from before it was
    # required.
    expires_at = models.DateTimeField(null=True, blank=True)
    scopes = models.CharField(
        max_length=50,
        default="read",
        help_text="What the token may do, space-separated: read, write (POST, PUT, PATCH, DELETE).",
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…) for {self.user}"

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())


class IdempotentRequest(models.Model):
    """An API write sent with an `Idempotency-Key` header, and the answer it got, so that the same request
    sent again (a retry after a lost connection, a double click) gets the same answer instead of being done
    twice. Kept for DESIST_IDEMPOTENCY_HOURS (desist.api.idempotency)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the method, path, query and body.")
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    status_code = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty while in progress."
    )
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(blank=True, default=b"")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotent_request_once_per_user")
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotent_request_created")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.key})"
