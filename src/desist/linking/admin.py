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

    def has_delete_permission(self, request: HttpRequest, obj: LinkageModelVersion | None = None) -> bool:
        # A version that linked anyone is protected by every record link it made: deleting is always refused,
        # and the confirmation page would first list each of those links (hundreds of thousands at scale).
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

    def has_delete_permission(self, request: HttpRequest, obj: LinkRun | None = None) -> bool:
        # A run is where its people's records were linked (protected by every record link it made), as the
        # model version is: never deleted, and its confirmation page would list every link first.
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
