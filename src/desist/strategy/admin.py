"""The plan's structure is edited in the Django admin: the plan with its principles, groups, interventions,
goals and actions inline, and the board's members. Quarterly updates are posted on the plan's pages (and the
API), never edited here: they are read-only history."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from desist.strategy.models import (
    ActionUpdate,
    BoardMember,
    Goal,
    Intervention,
    Plan,
    PlanAction,
    PlanGroup,
    Principle,
)


class PrincipleInline(admin.TabularInline):
    model = Principle
    extra = 0


class GroupInline(admin.TabularInline):
    model = PlanGroup
    extra = 0


class InterventionInline(admin.StackedInline):
    model = Intervention
    extra = 0


class GoalInline(admin.StackedInline):
    model = Goal
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "period_start", "period_end", "endorsed_on"]
    inlines = [PrincipleInline, GroupInline, InterventionInline, GoalInline]
    raw_id_fields = ["endorsed_at", "created_by"]


class UpdateInline(admin.TabularInline):
    model = ActionUpdate
    extra = 0
    can_delete = False
    readonly_fields = ["quarter", "rag", "comment", "by", "at"]

    def has_add_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


@admin.register(PlanAction)
class PlanActionAdmin(admin.ModelAdmin):
    list_display = [
        "position",
        "description",
        "owner_agency",
        "owner_user",
        "due_on",
        "rag",
        "last_update_on",
    ]
    list_filter = ["plan", "rag", "owner_agency"]
    raw_id_fields = ["owner_user"]
    readonly_fields = ["rag", "last_update_on"]
    inlines = [UpdateInline]


@admin.register(BoardMember)
class BoardMemberAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "role", "board", "since", "until"]
    list_filter = ["board", "role"]
    raw_id_fields = ["user"]
