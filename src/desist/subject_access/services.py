"""Writes for subject access requests: log a request, record proof of identity, extend it, build the export,
confirm the redactions, record the release. Each is transactional and writes its access log entry."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from desist.audit.context import Actor
from desist.audit.models import Action
from desist.audit.services import log_access
from desist.core import subject_access as rules
from desist.people.models import Person
from desist.subject_access.models import Regime, Status, SubjectAccessRequest
from desist.subject_access.selectors import person_holdings, require_worker


class RequestRefused(ValueError):
    """The step cannot be taken; the message says why, in the user's words."""


def _due(sar: SubjectAccessRequest) -> date:
    return rules.response_due(
        sar.received_on, identity_verified_on=sar.identity_verified_on, extension_months=sar.extension_months
    )


def request_log(
    *,
    actor: Actor,
    person: Person,
    requester_name: str,
    received_on: date,
    requester_relation: str = "",
    regime: str = Regime.LAW_ENFORCEMENT,
    identity_verified_on: date | None = None,
    identity_evidence: str = "",
    note: str = "",
) -> SubjectAccessRequest:
    require_worker(actor, f"log a subject access request for person {person.pk}")
    # Refused outside the transaction, so the refusal stays logged.
    with transaction.atomic():
        if not requester_name.strip():
            raise RequestRefused("Say who made the request.")
        if received_on > timezone.localdate():
            raise RequestRefused("The day the request was received cannot be in the future.")
        if identity_verified_on is not None and identity_verified_on < received_on:
            raise RequestRefused("Identity cannot be verified before the request was received.")
        sar = SubjectAccessRequest(
            person=person,
            requester_name=requester_name.strip()[:200],
            requester_relation=requester_relation.strip()[:100],
            regime=regime,
            received_on=received_on,
            identity_verified_on=identity_verified_on,
            identity_evidence=identity_evidence.strip()[:200],
            note=note,
            logged_by=actor.user,
        )
        sar.due_on = _due(sar)
        sar.save()
        log_access(
            actor=actor,
            action=Action.COLLECTION,
            person_id=person.pk,
            obj=sar,
            summary=f"Logged subject access request {sar.pk}, due {sar.due_on:%d %b %Y}",
        )
        return sar


def _open(sar: SubjectAccessRequest) -> SubjectAccessRequest:
    locked = SubjectAccessRequest.objects.select_for_update().get(pk=sar.pk)
    if not locked.is_open:
        raise RequestRefused(
            f"This request is {locked.get_status_display().lower()}: nothing more can be done."
        )
    return locked


def identity_verify(
    *, actor: Actor, sar: SubjectAccessRequest, verified_on: date, evidence: str
) -> SubjectAccessRequest:
    require_worker(actor, f"verify identity for subject access request {sar.pk}")
    # Refused outside the transaction, so the refusal stays logged.
    with transaction.atomic():
        sar = _open(sar)
        if not evidence.strip():
            raise RequestRefused("Say what proof of identity was seen.")
        if verified_on < sar.received_on or verified_on > timezone.localdate():
            raise RequestRefused(
                "Identity is verified on or after the day the request came, and not in the future."
            )
        sar.identity_verified_on, sar.identity_evidence = verified_on, evidence.strip()[:200]
        sar.due_on = _due(sar)
        sar.save(update_fields=["identity_verified_on", "identity_evidence", "due_on"])
        log_access(
            actor=actor,
            action=Action.ALTERATION,
            person_id=sar.person_id,
            obj=sar,
            summary=f"Verified identity for subject access request {sar.pk}; due {sar.due_on:%d %b %Y}",
        )
        return sar


def request_extend(
    *, actor: Actor, sar: SubjectAccessRequest, months: int, reason: str
) -> SubjectAccessRequest:
    """Extend by up to DESIST_SAR_EXTENSION_MONTHS (at most two) for a complex request (Art. 12(3)), within
    the first month; the person must be told why."""
    require_worker(actor, f"extend subject access request {sar.pk}")
    # Refused outside the transaction, so the refusal stays logged.
    with transaction.atomic():
        sar = _open(sar)
        limit = min(settings.DESIST_SAR_EXTENSION_MONTHS, rules.MAX_EXTENSION_MONTHS)
        if not 1 <= months <= limit:
            raise RequestRefused(f"An extension is 1 to {limit} months.")
        if not reason.strip():
            raise RequestRefused("Say why the request is complex: the person must be told.")
        first_month = rules.response_due(sar.received_on, identity_verified_on=sar.identity_verified_on)
        if timezone.localdate() > first_month:
            raise RequestRefused("An extension must be made within the first month.")
        sar.extension_months, sar.extension_reason = months, reason.strip()
        sar.due_on = _due(sar)
        sar.save(update_fields=["extension_months", "extension_reason", "due_on"])
        log_access(
            actor=actor,
            action=Action.ALTERATION,
            person_id=sar.person_id,
            obj=sar,
            summary=f"Extended subject access request {sar.pk} by {months} months to {sar.due_on:%d %b %Y}",
        )
        return sar


def export_build(*, actor: Actor, sar: SubjectAccessRequest) -> SubjectAccessRequest:
    """Gather everything held about the person now, with third-party values marked; the reviewer confirms
    the redactions next (an earlier review is cleared: the export changed)."""
    require_worker(actor, f"build the export for subject access request {sar.pk}")
    # Refused outside the transaction, so the refusal stays logged.
    with transaction.atomic():
        sar = _open(sar)
        if sar.identity_verified_on is None:
            raise RequestRefused("Verify the requester's identity before building the export.")
        holdings = person_holdings(sar.person_id)
        sar.export = holdings.as_json()
        sar.exported_at = timezone.now()
        sar.redactions = [c["id"] for c in holdings.candidates if c["proposed"]]
        sar.reviewed_by, sar.reviewed_at, sar.status = None, None, Status.EXPORTED
        sar.save(
            update_fields=["export", "exported_at", "redactions", "reviewed_by", "reviewed_at", "status"]
        )
        log_access(
            actor=actor,
            action=Action.CONSULTATION,
            person_id=sar.person_id,
            obj=sar,
            summary=f"Gathered everything held for subject access request {sar.pk}",
            detail={
                "sections": {s["key"]: len(s["rows"]) for s in holdings.sections},
                "access_log": len(holdings.access_log),
                "candidates": len(holdings.candidates),
            },
        )
        return sar


def redactions_confirm(*, actor: Actor, sar: SubjectAccessRequest, redact: list[str]) -> SubjectAccessRequest:
    """The reviewer confirms which marked values are redacted (ids from the export's candidates)."""
    require_worker(actor, f"confirm redactions for subject access request {sar.pk}")
    # Refused outside the transaction, so the refusal stays logged.
    with transaction.atomic():
        sar = _open(sar)
        if sar.status != Status.EXPORTED:
            raise RequestRefused("Build the export first; then confirm its redactions.")
        known = {c["id"] for c in sar.export.get("redaction_candidates", [])}
        unknown = sorted(set(redact) - known)
        if unknown:
            raise RequestRefused(f"{len(unknown)} redaction(s) are not in this export.")
        sar.redactions = sorted(set(redact))
        sar.reviewed_by, sar.reviewed_at, sar.status = actor.user, timezone.now(), Status.REVIEWED
        sar.save(update_fields=["redactions", "reviewed_by", "reviewed_at", "status"])
        log_access(
            actor=actor,
            action=Action.ALTERATION,
            person_id=sar.person_id,
            obj=sar,
            summary=f"Confirmed {len(sar.redactions)} of {len(known)} redactions for subject access request "
            f"{sar.pk}",
        )
        return sar


def request_release(
    *, actor: Actor, sar: SubjectAccessRequest, released_on: date, method: str
) -> SubjectAccessRequest:
    """Record the release to the requester: a disclosure, logged with its recipient."""
    require_worker(actor, f"release subject access request {sar.pk}")
    # Refused outside the transaction, so the refusal stays logged.
    with transaction.atomic():
        sar = _open(sar)
        if sar.status != Status.REVIEWED:
            raise RequestRefused("A reviewer must confirm the redactions before release.")
        if not method.strip():
            raise RequestRefused("Say how the response was sent (secure email, post, collected).")
        if released_on > timezone.localdate() or released_on < sar.received_on:
            raise RequestRefused("The release date is between the day the request came and today.")
        sar.released_on, sar.released_by, sar.release_method = released_on, actor.user, method.strip()[:200]
        sar.status = Status.RELEASED
        sar.save(update_fields=["released_on", "released_by", "release_method", "status"])
        log_access(
            actor=actor,
            action=Action.DISCLOSURE,
            person_id=sar.person_id,
            obj=sar,
            recipient=sar.requester_name,
            summary=f"Released subject access request {sar.pk} ({len(sar.redactions)} redactions) "
            f"by {sar.release_method}",
        )
        return sar


def request_withdraw(*, actor: Actor, sar: SubjectAccessRequest, reason: str) -> SubjectAccessRequest:
    require_worker(actor, f"withdraw subject access request {sar.pk}")
    # Refused outside the transaction, so the refusal stays logged.
    with transaction.atomic():
        sar = _open(sar)
        if not reason.strip():
            raise RequestRefused("Say why the request is closed without a release.")
        sar.status, sar.note = Status.WITHDRAWN, (sar.note + "\n" + reason.strip()).strip()
        sar.save(update_fields=["status", "note"])
        log_access(
            actor=actor,
            action=Action.ALTERATION,
            person_id=sar.person_id,
            obj=sar,
            summary=f"Withdrew subject access request {sar.pk}",
        )
        return sar
