"""The Django admin's base for anything holding or pointing at people: read-only, every list and record shown
logged as a consultation on the admin channel, and every attempt to change one refused and logged (issue 10,
item 7). It lives with the access log so that shared apps (partnership, audit) can use it without importing a
domain app."""

from __future__ import annotations

from dataclasses import fields
from typing import Any, cast

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

from desist.audit.context import Actor
from desist.audit.models import Action, Channel
from desist.audit.refusals import AuthenticatedHttpRequest, log_refusal
from desist.audit.services import log_access

# Shown rows are named in the log entry; a page of the admin holds at most this many (list_per_page).
LIST_PER_PAGE = 50


def admin_actor(request: HttpRequest) -> Actor:
    """The request's actor on the admin channel (the lazy request.actor's fields, copied)."""
    # Django types the admin's requests as plain HttpRequest; AccessContextMiddleware attached the actor.
    current = cast(AuthenticatedHttpRequest, request).actor
    return Actor(**{f.name: getattr(current, f.name) for f in fields(Actor)} | {"channel": Channel.ADMIN})


class AdminConsultationLogged(admin.ModelAdmin):
    """Read-only in the admin, and every list and record shown is logged as a consultation."""

    list_per_page = LIST_PER_PAGE
    # The path from this model to the person it is about ("" when it is about many people, like the log).
    person_field = ""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def _person_id(self, obj: Model) -> int | None:
        if not self.person_field:
            return None
        *path, last = self.person_field.split("__")
        current: Model | None = obj
        for part in path:
            current = getattr(current, part, None)
            if current is None:
                return None
        return getattr(current, f"{last}_id", None)

    def _refuse(self, request: HttpRequest, doing: str, object_id: str | None = None) -> None:
        meta = self.model._meta
        what = f"{meta.verbose_name} {object_id}" if object_id else str(meta.verbose_name)
        log_refusal(
            admin_actor(request),
            summary=f"Refused to {doing} {what} in the admin"[:255],
            reason="person data is read-only in the admin",
            detail={"model": meta.label_lower, "object_id": (object_id or "")[:64]},
        )
        raise PermissionDenied(f"{meta.verbose_name_plural.capitalize()} are read-only here.")

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            shown = list(changelist.result_list)  # the same rows the page shows; the template reuses them
            meta = self.model._meta
            person_ids = sorted({pid for pid in (self._person_id(obj) for obj in shown) if pid is not None})
            log_access(
                actor=admin_actor(request),
                action=Action.CONSULTATION,
                summary=f"Listed {meta.verbose_name_plural} in the admin ({len(shown)} shown)",
                detail={
                    "model": meta.label_lower,
                    "object_ids": [str(obj.pk) for obj in shown],
                    "person_ids": person_ids,
                    "search": changelist.query[:200],
                    "filters": {k: v[:100] for k, v in request.GET.items() if k not in ("q", "p")},
                    "page": changelist.page_num,
                },
            )
        return response

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            self._refuse(request, "change", object_id)
        response = super().change_view(request, object_id, form_url, extra_context)
        original = getattr(response, "context_data", {}).get("original")
        if original is not None:
            meta = self.model._meta
            log_access(
                actor=admin_actor(request),
                action=Action.CONSULTATION,
                obj=original,
                person_id=self._person_id(original),
                summary=f"Viewed {meta.verbose_name} {original.pk} in the admin",
                detail={"model": meta.label_lower},
            )
        return response

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> Any:
        response = super().history_view(request, object_id, extra_context)
        original = getattr(response, "context_data", {}).get("object")
        if original is not None:
            log_access(
                actor=admin_actor(request),
                action=Action.CONSULTATION,
                obj=original,
                person_id=self._person_id(original),
                summary=f"Viewed the admin history of {self.model._meta.verbose_name} {original.pk}",
            )
        return response

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> Any:
        self._refuse(request, "add")

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> Any:
        self._refuse(request, "delete", object_id)

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        found = super().get_object(request, object_id, from_field)
        if found is None:
            # Outside the administrator's scope, or not there at all: the same answer, and the attempt logged.
            meta = self.model._meta
            log_refusal(
                admin_actor(request),
                summary=f"Refused {meta.verbose_name} {object_id} in the admin"[:255],
                detail={"model": meta.label_lower, "object_id": str(object_id)[:64]},
            )
        return found
