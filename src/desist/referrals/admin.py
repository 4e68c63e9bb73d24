from django.contrib import admin

from desist.referrals.models import Service


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    """The catalogue is edited here; referrals are made through the pages and the API only."""

    list_display = ["name", "provider", "pathway", "capacity", "unit", "response_days", "is_active"]
    list_filter = ["pathway", "provider", "is_active"]
    search_fields = ["name"]
