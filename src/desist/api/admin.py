from django.contrib import admin

from desist.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued with `manage.py issue_api_token` (the secret is shown once); here they can be
    revoked."""

    list_display = ["name", "user", "key_prefix", "created_at", "expires_at", "last_used_at", "revoked"]
    list_filter = ["revoked"]
    readonly_fields = ["user", "name", "key_prefix", "key_hash", "created_at", "last_used_at"]

    def has_add_permission(self, request: object) -> bool:
        return False
