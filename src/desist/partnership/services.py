"""Writing who works for which agency. A membership decides whose records a user sees, so granting one is a
decision to disclose those records to that user: each grant is logged as a disclosure (DPA 2018 s.62: who
disclosed, to whom, when) and shown to the other administrators (issue 10, item 7)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from desist.audit.context import Actor
from desist.audit.models import AccessLogEntry, Action
from desist.audit.services import log_access
from desist.partnership.models import Membership

GRANT_FIELDS = ("agency", "role", "team", "is_active")


def membership_snapshot(membership: Membership | None) -> dict[str, Any]:
    """What a membership grants, in words that stay true after it changes: agency code, role, team, active."""
    if membership is None or membership.pk is None:
        return {}
    return {
        "agency": membership.agency.code if membership.agency_id else "",
        "role": membership.role,
        "team": membership.team.name if membership.team is not None else "",
        "is_active": membership.is_active,
    }


def _grants_more(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """True when the change opens records or rights the user did not have: a new or re-activated membership,
    another agency, or another role."""
    if not after.get("is_active"):
        return False
    if not before or not before.get("is_active"):
        return True
    return before.get("agency") != after.get("agency") or before.get("role") != after.get("role")


def _log(
    *,
    actor: Actor,
    membership: Membership,
    username: str,
    before: dict[str, Any],
    after: dict[str, Any],
    removed: bool = False,
) -> AccessLogEntry | None:
    if before == after and not removed:
        return None
    granted = _grants_more(before, after) and not removed
    current = after or before
    whom = "themselves" if actor.username == username else username
    if granted:
        summary = (
            f"{actor.username} granted {whom} the {current['role']} role at {current['agency']}"
            f" (sees that agency's people)"
        )
    elif removed or not after.get("is_active"):
        summary = f"{actor.username} withdrew {whom}'s membership of {current['agency']}"
    else:
        summary = f"{actor.username} changed {whom}'s membership of {current['agency']}"
    return log_access(
        actor=actor,
        action=Action.DISCLOSURE if granted else Action.ALTERATION,
        obj=membership,
        summary=summary,
        recipient=username,
        detail={
            "kind": "access_grant" if granted else "access_change",
            "user": username,
            "before": before,
            "after": after if not removed else {},
            "self_grant": granted and actor.username == username,
        },
    )


@transaction.atomic
def membership_save(*, actor: Actor, membership: Membership) -> Membership:
    """Save a new or changed membership; a grant of access is logged as a disclosure, anything else as an
    alteration. The values before come from the database, not from the form."""
    stored = (
        Membership.objects.select_related("agency", "team", "user").filter(pk=membership.pk).first()
        if membership.pk
        else None
    )
    before = membership_snapshot(stored)
    membership.save()
    membership = Membership.objects.select_related("agency", "team", "user").get(pk=membership.pk)
    _log(
        actor=actor,
        membership=membership,
        username=membership.user.get_username(),
        before=before,
        after=membership_snapshot(membership),
    )
    return membership


@transaction.atomic
def membership_remove(*, actor: Actor, membership: Membership) -> None:
    """Delete a membership (the user no longer works for that agency), logged as a withdrawal."""
    membership = Membership.objects.select_related("agency", "team", "user").get(pk=membership.pk)
    before = membership_snapshot(membership)
    _log(
        actor=actor,
        membership=membership,
        username=membership.user.get_username(),
        before=before,
        after={},
        removed=True,
    )
    membership.delete()


def administrator_rights_log(
    *, actor: Actor, user: Any, before: dict[str, bool], after: dict[str, bool]
) -> None:
    """Log a change to a user's staff or superuser flags: a superuser is an administrator everywhere."""
    if before == after:
        return
    username = user.get_username()
    widened = any(after.get(k) and not before.get(k) for k in after)
    whom = "themselves" if actor.username == username else username
    log_access(
        actor=actor,
        action=Action.DISCLOSURE if widened else Action.ALTERATION,
        obj=user,
        summary=f"{actor.username} {'granted' if widened else 'changed'} {whom} administration rights "
        f"({', '.join(k for k in sorted(after) if after[k]) or 'none'})",
        recipient=username,
        detail={
            "kind": "access_grant" if widened else "access_change",
            "user": username,
            "before": before,
            "after": after,
            "self_grant": widened and actor.username == username,
        },
    )
