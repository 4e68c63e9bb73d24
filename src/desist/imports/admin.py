from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from desist.audit.context import actor_for_request
from desist.audit.models import Channel
from desist.imports import services
from desist.imports.models import ColumnMapping, ImportBatch, SourceRecord
from desist.people.admin import PersonDataAdmin, own_agency_or_visible


class ColumnMappingForm(forms.ModelForm):
    class Meta:
        model = ColumnMapping
        fields = ["agency", "name", "record_id_column", "date_format", "columns"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what ModelForm.clean returns, typed as possibly None by the stubs
        problems = services.mapping_problems(
            record_id_column=data.get("record_id_column") or "",
            date_format=data.get("date_format") or "",
            columns=data.get("columns") or {},
        )
        if problems:
            raise forms.ValidationError(problems)
        return data


@admin.register(ColumnMapping)
class ColumnMappingAdmin(admin.ModelAdmin):
    """Saving here adds a new version through mapping_save; the version a batch used never changes."""

    form = ColumnMappingForm
    list_display = ["agency", "name", "version", "record_id_column", "date_format", "saved_by", "saved_at"]
    list_filter = ["agency"]
    list_select_related = ["agency", "saved_by"]

    def save_model(self, request: HttpRequest, obj: ColumnMapping, form: Any, change: bool) -> None:
        saved = services.mapping_save(
            actor=actor_for_request(request, channel=Channel.ADMIN),
            agency=obj.agency,
            name=obj.name,
            record_id_column=obj.record_id_column,
            date_format=obj.date_format,
            columns=obj.columns,
        )
        obj.pk, obj.version = saved.pk, saved.version

    def has_delete_permission(self, request: HttpRequest, obj: ColumnMapping | None = None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Batches and source records are written only by an import, so that provenance stays true."""

    def has_add_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = [
        "file_name",
        "agency",
        "rows",
        "created",
        "updated",
        "unchanged",
        "imported_by_name",
        "imported_at",
    ]
    list_filter = ["agency"]
    list_select_related = ["agency"]


@admin.register(SourceRecord)
class SourceRecordAdmin(PersonDataAdmin):
    """An agency's records as they came: read-only, only the administrator's own agencies' records and records
    linked to people those agencies may see, and logged (desist.people.admin)."""

    scope = own_agency_or_visible()
    list_display = [
        "record_id",
        "agency",
        "last_name",
        "first_name",
        "date_of_birth",
        "postcode",
        "batch",
        "row_number",
        "person",
    ]
    list_filter = ["agency"]
    list_select_related = ["agency", "batch", "person"]
    search_fields = ["record_id", "last_name"]
    raw_id_fields = ["person"]
