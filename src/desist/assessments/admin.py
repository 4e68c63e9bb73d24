from django.contrib import admin

from desist.assessments.models import RiskScore
from desist.people.admin import PersonDataAdmin


@admin.register(RiskScore)
class RiskScoreAdmin(PersonDataAdmin):
    """Read-only (never deleted either): scores are worked out from the record (recalculate_risk), never typed
    in. Only for people the administrator's agencies may see, and logged (desist.people.admin)."""

    list_display = ["person_id", "kind", "display", "band", "as_of", "is_current"]
    list_filter = ["kind", "band", "is_current"]
    search_fields = ["=person__id"]
