"""Person data in the Django admin (issue 10, item 7). Administrators manage reference data and users in the
admin; anything that holds or points at a person is shown there read-only, only for the people the
administrator's own agencies may see (`visible_people`, the rule every page follows), and every list and
record shown is logged as a consultation on the admin channel. Attempts to add, change or delete it, or to
open a record outside that scope, are refused and logged. docs/security.md lists which model is which."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from desist.audit.admin_base import AdminConsultationLogged, admin_actor
from desist.audit.context import Actor
from desist.people.selectors import visible_people


class PersonDataAdmin(AdminConsultationLogged):
    """Data about a person: read-only, logged, and only rows about people the administrator's agencies may
    see."""

    person_field = "person"

    def scope(self, queryset: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
        """Rows the actor may see: about people visible to the actor's agencies."""
        return queryset.filter(**{f"{self.person_field}__in": visible_people(actor)})

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return self.scope(super().get_queryset(request), admin_actor(request))


def own_agency_or_visible(person_field: str = "person", agency_field: str = "agency") -> Any:
    """A `scope` for records an agency supplied: its own records, and those linked to people it may see."""

    def scope(self: PersonDataAdmin, queryset: QuerySet[Any], actor: Actor) -> QuerySet[Any]:
        return queryset.filter(
            Q(**{f"{agency_field}_id__in": actor.agency_ids})
            | Q(**{f"{person_field}__in": visible_people(actor)})
        )

    return scope
