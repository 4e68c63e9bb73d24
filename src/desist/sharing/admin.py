"""Administrators add and change the partnership's sharing agreements in the admin. Consents, restrictions
and break-glass uses are about people: not in the admin (which would have to scope them by the access rule,
people.admin.PersonDataAdmin, a layer above this app); the DPO's page shows break-glass uses."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from desist.audit.admin_base import admin_actor
from desist.sharing import services
from desist.sharing.models import SharingAgreement


@admin.register(SharingAgreement)
class SharingAgreementAdmin(admin.ModelAdmin):
    """Each save is logged."""

    list_display = ("reference", "title", "recipient_kind", "recipient_agency", "lawful_basis", "review_date")
    list_filter = ("lawful_basis", "recipient_kind")
    search_fields = ("reference", "title", "approved_by")

    def save_model(self, request: HttpRequest, obj: SharingAgreement, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        services.agreement_changed(actor=admin_actor(request), agreement=obj, created=not change)
