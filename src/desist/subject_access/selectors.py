"""Reads for subject access requests: who may work them, the requests due, and everything held about a person
(`person_holdings`), gathered from the model registry the person merge uses, so a new app's records are in
the export without anyone remembering it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from desist.audit.context import Actor
from desist.audit.models import AccessLogEntry
from desist.audit.refusals import refuse
from desist.core import subject_access as rules
from desist.linking import merging
from desist.people.models import Person
from desist.subject_access.models import OPEN_STATUSES, SubjectAccessRequest

#: Fields never exported: the export itself (it would hold every earlier export), secrets.
NOT_EXPORTED = {
    "subject_access.subjectaccessrequest.export",
    "subject_access.subjectaccessrequest.redactions",
}
#: Models whose rows stand for a victim: a link to one is a third party to redact (RULES.md §7, §12).
VICTIM_MODELS = {"victims.victim", "marac.maracvictim"}
#: Apps whose free text is about victims and families: marked for a reviewer to read before release.
THIRD_PARTY_TEXT_APPS = {"victims", "marac", "families"}


#: The permission desist.sharing gives the data protection officer (the DPO's page, break-glass reviews).
DPO_PERMISSION = "sharing.act_as_dpo"


def can_work_requests(actor: Actor) -> bool:
    """The data protection officer (the permission desist.sharing defines) and administrators log and work
    subject access requests."""
    return actor.is_administrator or actor.is_data_protection_officer


def require_worker(actor: Actor, what: str) -> None:
    """Refuse (logged, 403) anyone who may not work subject access requests."""
    if not can_work_requests(actor):
        refuse(
            actor,
            summary=f"Refused to {what}"[:255],
            reason="not a data protection officer",
            status=403,
            message="Only the data protection officer and administrators work subject access requests.",
        )


def today() -> date:
    return timezone.localdate()


@dataclass(frozen=True)
class Due:
    request: SubjectAccessRequest
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def overdue_days(self) -> int:
        return max(0, -self.days_left)


def requests_due(*, on: date | None = None, limit: int | None = None) -> list[Due]:
    """The open requests, soonest deadline first, each with its days left (negative once overdue): one
    query. The data protection officer's page (desist.sharing) lists them."""
    on = on or today()
    rows = (
        SubjectAccessRequest.objects.filter(status__in=OPEN_STATUSES)
        .select_related("person")
        .defer("export")
        .order_by("due_on", "pk")
    )
    if limit is not None:
        rows = rows[:limit]
    return [Due(r, rules.days_left(r.due_on, on)) for r in rows]


def requests_all(*, status: str = "") -> QuerySet[SubjectAccessRequest]:
    rows = SubjectAccessRequest.objects.select_related("person").defer("export")
    return rows.filter(status=status) if status else rows


def request_for_actor(
    actor: Actor, request_id: int, *, what: str = "the subject access request"
) -> SubjectAccessRequest:
    require_worker(actor, f"open {what} {request_id}")
    found = (
        SubjectAccessRequest.objects.select_related("person", "logged_by", "reviewed_by", "released_by")
        .filter(pk=request_id)
        .first()
    )
    if found is None:
        refuse(actor, summary=f"Refused {what} {request_id}: no such request"[:255])
    return found


# --- what is held about a person -------------------------------------------------------------------------


def person_links() -> list[tuple[type[models.Model], models.Field[Any, Any]]]:
    """Every (model, field) pointing at a person: the merge's registry (`merging.person_links`) and the links
    it leaves alone (`merging.NOT_MOVED`: merges, families, records merged into this one)."""
    links = list(merging.person_links())
    for key in sorted(merging.NOT_MOVED):
        app, model, field = key.split(".")
        found = apps.get_model(app, model)
        links.append((found, found._meta.get_field(field)))
    return links


def _plain(value: Any) -> Any:
    """A JSON value: dates as ISO 8601, decimals and the rest as strings."""
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _category(model: type[models.Model], field: models.Field[Any, Any], subject_id: int, value: Any) -> str:
    """Why a value may be a third party's, for a reviewer to confirm before release ("" when it is not)."""
    if value in (None, ""):
        return ""
    if field.is_relation:
        target = field.related_model
        if target is Person:
            return "" if value == subject_id else "other person"
        if target is get_user_model():
            return "staff"
        if not isinstance(target, str) and target is not None and target._meta.label_lower in VICTIM_MODELS:
            return "victim"
        return ""
    if model._meta.app_label in THIRD_PARTY_TEXT_APPS and isinstance(
        field, models.CharField | models.TextField
    ):
        return "victim or family"
    return ""


@dataclass
class Holdings:
    """Everything held about one person, in machine-readable form: `as_json()` is the export's JSON."""

    person: dict[str, Any]
    sections: list[dict[str, Any]]
    access_log: list[dict[str, Any]]
    candidates: list[dict[str, Any]]

    def as_json(self) -> dict[str, Any]:
        return {
            "person": self.person,
            "sections": self.sections,
            "access_log": self.access_log,
            "redaction_candidates": self.candidates,
        }


def person_holdings(person_id: int) -> Holdings:
    """Everything held about the person: their record, one section per (model, field) pointing at them (one
    query each), and the access log entries naming them (who collected, consulted, altered, disclosed). Each
    value that may be a third party's (another person, a victim, a member of staff, free text about victims
    and families) is listed in `candidates` with a stable id "section:row:field"."""
    person_row = Person.objects.filter(pk=person_id).values().get()
    candidates: list[dict[str, Any]] = []
    sections: list[dict[str, Any]] = []
    for model, link in person_links():
        key = f"{model._meta.label_lower}.{link.name}"
        fields = [
            f
            for f in model._meta.concrete_fields
            if f"{model._meta.label_lower}.{f.name}" not in NOT_EXPORTED and f.name != link.name
        ]
        names = [f.attname for f in fields]
        rows = []
        for values in model._base_manager.filter(**{link.attname: person_id}).order_by("pk").values(*names):
            row_id = values[model._meta.pk.attname]
            out: dict[str, Any] = {}
            for f in fields:
                value = _plain(values[f.attname])
                out[f.name] = value
                category = _category(model, f, person_id, values[f.attname])
                if category:
                    candidates.append(
                        {
                            "id": f"{key}:{row_id}:{f.name}",
                            "section": key,
                            "row": row_id,
                            "field": f.name,
                            "category": category,
                            # Staff acting in their professional role are usually disclosed (ICO: the right
                            # of access, "What about other people's information?"); the reviewer decides.
                            "proposed": category != "staff",
                        }
                    )
            rows.append(out)
        if rows:
            sections.append(
                {
                    "key": key,
                    "title": str(model._meta.verbose_name_plural).capitalize(),
                    "via": str(link.verbose_name),
                    "fields": [f.name for f in fields],
                    "rows": rows,
                }
            )
    log_fields = ["at", "username", "agency_code", "action", "channel", "summary", "purpose", "recipient"]
    access_log = []
    for entry in (
        AccessLogEntry.objects.filter(person_id=person_id)
        .order_by("at", "chain_seq")
        .values("pk", *log_fields)
    ):
        access_log.append({k: _plain(v) for k, v in entry.items()})
        if entry["username"]:
            candidates.append(
                {
                    "id": f"audit.accesslogentry:{entry['pk']}:username",
                    "section": "audit.accesslogentry",
                    "row": entry["pk"],
                    "field": "username",
                    "category": "staff",
                    "proposed": not settings.DESIST_SAR_DISCLOSE_STAFF_IN_ACCESS_LOG,
                }
            )
    return Holdings(
        person={k: _plain(v) for k, v in person_row.items()},
        sections=sections,
        access_log=access_log,
        candidates=candidates,
    )


def redacted(export: dict[str, Any], confirmed: list[str]) -> dict[str, Any]:
    """The export as released: every confirmed candidate's value replaced by "[Redacted: category]"."""
    chosen = {c["id"]: c for c in export.get("redaction_candidates", []) if c["id"] in set(confirmed)}
    by_place: dict[tuple[str, Any], dict[str, str]] = {}
    for c in chosen.values():
        by_place.setdefault((c["section"], c["row"]), {})[c["field"]] = f"[Redacted: {c['category']}]"
    sections = []
    for section in export.get("sections", []):
        rows = []
        for row in section["rows"]:
            swap = by_place.get((section["key"], row.get("id")))
            rows.append({**row, **swap} if swap else row)
        sections.append({**section, "rows": rows})
    log = []
    for entry in export.get("access_log", []):
        swap = by_place.get(("audit.accesslogentry", entry.get("pk")))
        log.append({**entry, **swap} if swap else entry)
    return {
        **{k: v for k, v in export.items() if k != "redaction_candidates"},
        "sections": sections,
        "access_log": log,
        "redactions": sorted(chosen),
    }
