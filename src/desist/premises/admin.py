from django.contrib import admin

from desist.premises.models import BedSpace, Premises


class BedSpaceInline(admin.StackedInline):  # stacked: each field has its label
    model = BedSpace
    extra = 0


@admin.register(Premises)
class PremisesAdmin(admin.ModelAdmin):
    """Premises and their beds are edited here; bookings go through the pages and the API only."""

    list_display = ["name", "kind", "provider", "women_only", "men_only", "accepts_sexual_offences"]
    list_filter = ["kind", "provider"]
    inlines = [BedSpaceInline]
