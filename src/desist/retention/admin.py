from django.contrib import admin

from desist.retention.models import RetentionRule, Tombstone


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    """The retention schedule (docs/retention.md): an administrator edits periods, conditions and sources."""

    list_display = [
        "kind",
        "model",
        "date_field",
        "years",
        "months",
        "per_person",
        "review_group",
        "is_active",
    ]
    list_filter = ["is_active", "partnership_choice", "model"]


@admin.register(Tombstone)
class TombstoneAdmin(admin.ModelAdmin):
    """What the schedule deleted: read-only."""

    list_display = ["model", "object_id", "rule_kind", "reached_on", "deleted_on"]
    list_filter = ["rule_kind", "deleted_on"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
