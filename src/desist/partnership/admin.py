from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db import transaction

from desist.audit.admin_base import admin_actor
from desist.partnership.models import Agency, District, Membership, Team
from desist.partnership.services import administrator_rights_log, membership_remove, membership_save

# The index lists the latest grants of access for every administrator to see (issue 10, item 7).
admin.site.index_template = "admin/desist_index.html"


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class TeamInline(admin.StackedInline):  # stacked: each field has its label
    model = Team
    extra = 0


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "district"]
    list_filter = ["kind", "district"]
    search_fields = ["name", "code"]
    inlines = [TeamInline]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "district"]
    list_filter = ["agency"]
    search_fields = ["name"]


class MembershipInline(admin.StackedInline):  # stacked: each field has its label
    model = Membership
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """A membership decides whose records a user sees: each grant is logged as a disclosure
    (desist.partnership.services) and listed on the admin's index for the other administrators."""

    list_display = ["user", "agency", "team", "role", "is_active"]
    list_filter = ["agency", "role", "is_active"]
    list_select_related = ["user", "agency", "team", "team__agency"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "agency", "team"]

    def save_model(self, request: Any, obj: Membership, form: Any, change: bool) -> None:
        saved = membership_save(actor=admin_actor(request), membership=obj)
        obj.pk = saved.pk

    def delete_model(self, request: Any, obj: Membership) -> None:
        membership_remove(actor=admin_actor(request), membership=obj)

    @transaction.atomic
    def delete_queryset(self, request: Any, queryset: Any) -> None:
        for membership in queryset:
            membership_remove(actor=admin_actor(request), membership=membership)


admin.site.unregister(User)


@admin.register(User)
class DesistUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]

    def save_model(self, request: Any, obj: User, form: Any, change: bool) -> None:
        rights = ("is_staff", "is_superuser")
        stored = User.objects.filter(pk=obj.pk).values(*rights).first() if obj.pk else None
        super().save_model(request, obj, form, change)
        before = {k: bool(stored[k]) if stored else False for k in rights}
        after = {k: bool(getattr(obj, k)) for k in rights}
        if stored is not None or any(after.values()):
            administrator_rights_log(actor=admin_actor(request), user=obj, before=before, after=after)

    def save_formset(self, request: Any, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Membership:
            super().save_formset(request, form, formset, change)
            return
        # Memberships go through the service, so a grant made on a user's page is logged like any other.
        actor = admin_actor(request)
        for membership in formset.save(commit=False):
            membership_save(actor=actor, membership=membership)
        for membership in formset.deleted_objects:
            membership_remove(actor=actor, membership=membership)
        formset.save_m2m()
