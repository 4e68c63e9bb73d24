"""API tokens: a secret shown once, stored only as a hash."""

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'nightly extract'.")
    key_hash = models.CharField(max_length=64, unique=True)
    key_prefix = models.CharField(max_length=8, help_text="First characters, to recognise the token.")
    created_at = models.DateTimeField(auto_now_add=True)
    # Always set (at most DESIST_API_TOKEN_MAX_DAYS after creation); null only in tokens from before it was required.
    expires_at = models.DateTimeField(null=True, blank=True)
    scopes = models.CharField(max_length=50, default="read",
                              help_text="What the token may do, space-separated: read, write (POST, PUT, PATCH, DELETE).")
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…) for {self.user}"

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())
