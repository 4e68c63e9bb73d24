from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from desist.linking.models import LinkageModelVersion, LinkRun, ReviewDecision


@admin.register(LinkageModelVersion)
class LinkageModelVersionAdmin(admin.ModelAdmin):
    list_display = ["version", "trained_at", "trained_on", "is_active"]
    readonly_fields = ["version", "splink", "trained_at", "trained_on", "trained_by_name", "is_active"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(LinkRun)
class LinkRunAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "started_at",
        "status",
        "incremental",
        "records",
        "people_created",
        "records_joined",
        "people_merged",
        "sent_to_review",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: LinkRun | None = None) -> bool:
        return False


@admin.register(ReviewDecision)
class ReviewDecisionAdmin(admin.ModelAdmin):
    list_display = ["pair", "decision", "reviewer_name", "decided_at", "blind"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ReviewDecision | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ReviewDecision | None = None) -> bool:
        return False
