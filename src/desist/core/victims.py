"""Victim contact (RULES.md §7): who the Victim Contact Scheme covers, and by when a victim liaison officer
must tell a victim about an event. Plain Python: the victims app passes in its settings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from desist.core.working_days import working_days_before as _working_days_before

# RULES.md §7: "victims of a violent or sexual offence where the sentence is 12 months' custody or more".
QUALIFYING_OFFENCE_GROUPS = frozenset({"violence", "sexual"})
MIN_CUSTODY_DAYS = 365


class EventKind(StrEnum):
    """Events a registered victim must hear about."""

    RELEASE_DATE_SET = "release_date_set"
    RELEASE_DATE_CHANGED = "release_date_changed"
    HDC_GRANTED = "hdc_granted"
    EARLY_RELEASE_GRANTED = "early_release_granted"
    CONDITION_SET = "condition_set"
    CONDITION_CHANGED = "condition_changed"
    CONDITION_ENDED = "condition_ended"
    RECALLED = "recalled"


EVENT_LABELS = {
    EventKind.RELEASE_DATE_SET: "Release date set",
    EventKind.RELEASE_DATE_CHANGED: "Release date changed",
    EventKind.HDC_GRANTED: "Home Detention Curfew granted",
    EventKind.EARLY_RELEASE_GRANTED: "Early release granted",
    EventKind.CONDITION_SET: "Licence condition about the victim set",
    EventKind.CONDITION_CHANGED: "Licence condition about the victim changed",
    EventKind.CONDITION_ENDED: "Licence condition about the victim ended",
    EventKind.RECALLED: "Recalled to custody",
}

RELEASE_EVENTS = frozenset(
    {
        EventKind.RELEASE_DATE_SET,
        EventKind.RELEASE_DATE_CHANGED,
        EventKind.HDC_GRANTED,
        EventKind.EARLY_RELEASE_GRANTED,
        EventKind.RECALLED,
    }
)


@dataclass(frozen=True)
class SchemeEligibility:
    """Whether a victim is entitled to the Victim Contact Scheme, with every reason."""

    eligible: bool
    reasons: tuple[str, ...]


def vcs_eligibility(
    offence_groups: Iterable[str],
    *,
    custody_days: int | None,
    hospital_order: bool = False,
    qualifying_groups: Iterable[str] = QUALIFYING_OFFENCE_GROUPS,
    min_custody_days: int = MIN_CUSTODY_DAYS,
) -> SchemeEligibility:
    """Victim Contact Scheme eligibility for one offence (RULES.md §7): a violent or sexual offence, and a
    sentence of `min_custody_days` in custody or more, or a hospital order. `custody_days` is None when the
    sentence was not custodial."""
    groups = frozenset(offence_groups)
    qualifying = frozenset(qualifying_groups)
    reasons: list[str] = []
    offence_ok = bool(groups & qualifying)
    if offence_ok:
        reasons.append(f"{' and '.join(sorted(groups & qualifying))} offence")
    else:
        reasons.append(f"not a {' or '.join(sorted(qualifying))} offence")
    if hospital_order:
        sentence_ok = True
        reasons.append("hospital order")
    elif custody_days is None:
        sentence_ok = False
        reasons.append("not a custodial sentence")
    elif custody_days >= min_custody_days:
        sentence_ok = True
        reasons.append(f"{custody_days} days' custody (at least {min_custody_days})")
    else:
        sentence_ok = False
        reasons.append(f"{custody_days} days' custody, under {min_custody_days}")
    return SchemeEligibility(eligible=offence_ok and sentence_ok, reasons=tuple(reasons))


def working_days_before(day: date, working_days: int) -> date:
    """The date `working_days` working days before `day`: Monday to Friday less the bank holidays of England
    and Wales (desist.core.working_days, the one place working days are counted)."""
    return _working_days_before(day, working_days)


@dataclass(frozen=True)
class Deadline:
    due: date
    short_notice: bool


def notification_deadline(event_date: date, *, on: date, working_days: int) -> Deadline:
    """Tell the victim `working_days` working days before the event; where that has passed (short notice, or
    an event already happened), as soon as possible: today."""
    due = working_days_before(event_date, working_days)
    if due < on:
        return Deadline(due=on, short_notice=True)
    return Deadline(due=due, short_notice=False)
