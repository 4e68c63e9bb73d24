from django.contrib import admin

from desist.outcomes.models import AccommodationStatus, EmploymentStatus, EnforcementAction


class ReadOnly(admin.ModelAdmin):
    """Outcomes are recorded through the services, which log each write; the admin only shows them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccommodationStatus, EmploymentStatus)
class StatusAdmin(ReadOnly):
    list_display = ("person", "sentence", "stage", "kind", "recorded_on")
    list_filter = ("stage", "kind")
    raw_id_fields = ("person", "sentence")


@admin.register(EnforcementAction)
class EnforcementActionAdmin(ReadOnly):
    list_display = ("person", "sentence", "kind", "action_date")
    list_filter = ("kind",)
    raw_id_fields = ("person", "sentence")
