from django.contrib import admin

from desist.release.models import EarlyReleaseScheme


@admin.register(EarlyReleaseScheme)
class EarlyReleaseSchemeAdmin(admin.ModelAdmin):
    """Early-release schemes are data: add one when the partnership is told of it (docs/release.md)."""

    list_display = ["name", "starts_on", "ends_on", "days_early", "plan_required"]
    date_hierarchy = "starts_on"
