"""One lifecycle step of a referral from submitted data: the same dispatch for the pages, the API and the
`referral` command, so each checks input with the same form and calls the same service."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from desist.audit.context import Actor
from desist.referrals import services
from desist.referrals.forms import DeclineForm, DetailForm, FinishForm, form_errors
from desist.referrals.models import Referral

ACTIONS = ("acknowledge", "accept", "decline", "start", "complete", "end", "change")


def referral_action_apply(actor: Actor, item: Referral, action: str, data: Mapping[str, Any]) -> str:
    """Run one lifecycle step from posted data (with the referral's version as read, if sent); returns what to
    tell the user."""
    name = f"{item.person.first_name} {item.person.last_name}"
    sent = str(data.get("version") or "")
    version = int(sent) if sent.isdigit() else None
    if action == "acknowledge":
        services.referral_acknowledge(actor=actor, referral=item, version=version)
        return f"Acknowledged the referral of {name}."
    if action == "accept":
        services.referral_accept(actor=actor, referral=item, version=version)
        return f"Accepted the referral of {name}: they are on the waiting list for {item.service}."
    if action == "start":
        services.referral_start(actor=actor, referral=item, version=version)
        return f"{name} has started with {item.service}."
    if action == "decline":
        form = DeclineForm(data)
        if not form.is_valid():
            raise services.ReferralError(form_errors(form))
        services.referral_decline(
            actor=actor, referral=item, reason=form.cleaned_data["reason"], version=version
        )
        return f"Declined the referral of {name}."
    if action == "change":
        detail_form = DetailForm(data)
        if not detail_form.is_valid():
            raise services.ReferralError(form_errors(detail_form))
        services.referral_details_change(
            actor=actor, referral=item, detail=detail_form.cleaned_data["detail"], version=version
        )
        return f"Changed the details; {item.service.provider} has been told."
    finish = FinishForm(data)
    if not finish.is_valid():
        raise services.ReferralError(form_errors(finish))
    services.referral_finish(
        actor=actor,
        referral=item,
        outcome=finish.cleaned_data["outcome"],
        completed=action == "complete",
        reason=finish.cleaned_data["reason"],
        version=version,
    )
    return f"{'Completed' if action == 'complete' else 'Ended'} the referral of {name}."
