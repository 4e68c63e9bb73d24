from django.contrib import admin

from desist.offences.models import OffenceCode


@admin.register(OffenceCode)
class OffenceCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "description", "ogrs3_category", "ogrs3_weight", "needs_details"]
    list_filter = ["ogrs3_category", "needs_details"]
    search_fields = ["code", "description"]
