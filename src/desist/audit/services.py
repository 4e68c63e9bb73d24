"""Writing the access log. Every service that reads or changes personal data calls `log_access`."""

from __future__ import annotations

from typing import Any

from django.db import models

from desist.audit.context import Actor
from desist.audit.models import AccessLogEntry, Action


def log_access(
    *,
    actor: Actor,
    action: Action | str,
    summary: str,
    person_id: int | None = None,
    obj: models.Model | None = None,
    detail: dict[str, Any] | None = None,
    justification: str = "",
    recipient: str = "",
) -> AccessLogEntry:
    """Append one entry to the access log (DPA 2018 s.62: who, when, what, why, and to whom)."""
    return AccessLogEntry.objects.create(
        user_id=actor.user_id,
        username=actor.username,
        agency_code=actor.agency_code,
        action=action,
        channel=actor.channel,
        person_id=person_id,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:255],
        purpose=actor.purpose,
        justification=justification,
        recipient=recipient[:200],
        detail=detail or {},
        ip_address=actor.ip_address,
        path=actor.path,
    )


def model_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The fields that differ between two snapshots, as {field: {"before": x, "after": y}}."""
    return {
        name: {"before": before.get(name), "after": after.get(name)}
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }
