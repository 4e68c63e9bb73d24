from django.contrib import admin

from desist.outcomes.models import AccommodationStatus, EmploymentStatus, EnforcementAction
from desist.people.admin import PersonDataAdmin


class ReadOnly(PersonDataAdmin):
    """Outcomes are recorded through the services, which log each write; the admin only shows them, for people
    the administrator's agencies may see, and logs what it showed (desist.people.admin)."""

    list_select_related = ("person", "sentence")


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
