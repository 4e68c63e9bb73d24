from django.contrib import admin

from desist.assessments.models import RiskScore


@admin.register(RiskScore)
class RiskScoreAdmin(admin.ModelAdmin):
    """Read-only: scores are worked out from the record (recalculate_risk), never typed in."""

    list_display = ["person_id", "kind", "display", "band", "as_of", "is_current"]
    list_filter = ["kind", "band", "is_current"]
    search_fields = ["=person__id"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
