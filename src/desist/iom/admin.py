from django.contrib import admin

from desist.iom.models import CohortSettings, Panel


@admin.register(CohortSettings)
class CohortSettingsAdmin(admin.ModelAdmin):
    """The partnership's IOM scoring matrix and caps (docs/iom.md); empty weights keep the defaults."""

    list_display = [
        "__str__",
        "lookback_days",
        "min_score",
        "cap_fixed",
        "cap_flex",
        "cap_free",
        "cap_per_district",
    ]

    def has_add_permission(self, request: object) -> bool:
        return not CohortSettings.objects.exists()


@admin.register(Panel)
class PanelAdmin(admin.ModelAdmin):
    list_display = ["held_on", "district", "notes"]
    list_filter = ["district"]
    date_hierarchy = "held_on"
