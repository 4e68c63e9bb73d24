from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from desist.audit.admin_base import AdminConsultationLogged, admin_actor
from desist.sharing import services
from desist.sharing.models import CaseRestriction, Consent, EmergencyAccess, SharingAgreement


@admin.register(SharingAgreement)
class SharingAgreementAdmin(admin.ModelAdmin):
    """Administrators add and change the partnership's agreements here; each save is logged."""

    list_display = ("reference", "title", "recipient_kind", "recipient_agency", "lawful_basis", "review_date")
    list_filter = ("lawful_basis", "recipient_kind")
    search_fields = ("reference", "title", "approved_by")

    def save_model(self, request: HttpRequest, obj: SharingAgreement, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        services.agreement_changed(actor=admin_actor(request), agreement=obj, created=not change)


@admin.register(Consent)
class ConsentAdmin(AdminConsultationLogged):
    person_field = "person"
    list_display = ("person", "agency", "given_on", "withdrawn_at")


@admin.register(CaseRestriction)
class CaseRestrictionAdmin(AdminConsultationLogged):
    person_field = "person"
    list_display = ("person", "kind", "user", "contact", "ended_at")


@admin.register(EmergencyAccess)
class EmergencyAccessAdmin(AdminConsultationLogged):
    person_field = "person"
    list_display = ("user", "person", "started_at", "expires_at", "outcome")
