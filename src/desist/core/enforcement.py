"""Compliance and enforcement (RULES.md §9): what an officer may do about a failure to comply, the enforcement
clock, the limits of community requirements, requirement progress and fixed-term recall lengths. Plain
Python: the enforcement app passes in its settings and records.

Sources:

- Breach. Sentencing Act 2020 Sch 10 para 5 (community orders; Sch 16 para 5 for suspended sentence orders):
  on a failure without reasonable excuse the responsible officer gives a warning or refers for enforcement;
  the warning says that another failure "during the period of 12 months beginning with the date on which the
  warning was given" can bring the person back to court. Para 6: a failure within that period after a
  warning must be referred.
- Requirements. Sentencing Act 2020 Sch 9 (community requirements): Part 1 unpaid work (40 to 300 hours,
  worked within 12 months), Part 5 curfew (2 to 20 hours a day, at most 112 hours in any week, up to
  2 years: the limits the Police, Crime, Sentencing and Courts Act 2022 brought in for offences on or after
  its commencement on 28 June 2022, the date desist.core.release_dates.legislation.PCSC already holds;
  before, 2 to 16 hours a day for up to 12 months), Part 6 exclusion (up to 2 years), Part 12 alcohol
  abstinence and monitoring (up to 120 days).
- Recall. Criminal Justice Act 2003 s.254 (recall), s.255B/255C (fixed-term recall: 14 days for a term
  under 12 months, 28 days for 12 months or more) and the 56-day fixed-term recall from 31 March 2026,
  reaching terms tranche by tranche (desist.core.release_dates.legislation.FTR56_TRANCHES, the same dated
  data the release-date engine uses).
- The enforcement clock. HM Prison and Probation Service enforcement policy: enforcement action (a warning or
  a referral) started within 10 working days of the failure, the historic national target; working days
  are England and Wales's (desist.core.working_days).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from desist.core.release_dates.engine import RECALL_DAYS
from desist.core.release_dates.legislation import FTR56_TRANCHES, PCSC, Tranche
from desist.core.working_days import add_working_days, working_days_between

# --- Settings (the enforcement app passes its own from config/settings.py) --------------------------------


@dataclass(frozen=True)
class EnforcementPolicy:
    """The dials of the breach rules.

    `warning_window_months`: after a warning, another unacceptable failure within this many months must be
    referred (Sch 10 para 5(2)(b), para 6). `anniversary_in_window`: whether a failure on the warning's
    anniversary (3 March 2027 for a warning of 3 March 2026) is still in the window. The Act's words are "the
    period of 12 months beginning with the date on which the warning was given", which ends the day before
    the anniversary, so by default it is not. `clock_working_days`: enforcement action started within this
    many working days of the failure."""

    warning_window_months: int = 12
    anniversary_in_window: bool = False
    clock_working_days: int = 10


DEFAULT_POLICY = EnforcementPolicy()


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months on; the month's last day where it is shorter (29 February plus
    12 months is 28 February)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def warning_window_end(warned_on: date, policy: EnforcementPolicy = DEFAULT_POLICY) -> date:
    """The last day of the period after a warning in which another failure must be referred."""
    anniversary = add_months(warned_on, policy.warning_window_months)
    return anniversary if policy.anniversary_in_window else anniversary - timedelta(days=1)


# --- What the officer may do about a failure ------------------------------------------------------------


class Judgement(StrEnum):
    PENDING = "pending"
    ACCEPTABLE = "acceptable"
    UNACCEPTABLE = "unacceptable"


class Action(StrEnum):
    JUDGE_FIRST = "judge_first"
    NONE = "none"  # an acceptable failure: nothing to enforce
    WARNING_OR_REFERRAL = "warning_or_referral"
    REFERRAL_REQUIRED = "referral_required"


@dataclass(frozen=True)
class NextAction:
    """What the officer may do about one failure, with the reason in the officer's words."""

    action: Action
    reason: str
    warning_on: date | None = None  # the warning within whose period the failure falls
    window_ends: date | None = None

    @property
    def warning_allowed(self) -> bool:
        return self.action is Action.WARNING_OR_REFERRAL

    @property
    def referral_required(self) -> bool:
        return self.action is Action.REFERRAL_REQUIRED


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def next_action(
    *,
    failed_on: date,
    judgement: str,
    warnings_on: Iterable[date],
    policy: EnforcementPolicy = DEFAULT_POLICY,
) -> NextAction:
    """What an officer may do about a failure on `failed_on`, given the dates of the warnings the person was
    already given on the same order (other failures' warnings). Sch 10 paras 5 and 6: an unacceptable failure
    gets a warning or a referral; one within the period of a warning given on or before the failure must be
    referred."""
    if judgement == Judgement.PENDING:
        return NextAction(Action.JUDGE_FIRST, "Judge the failure acceptable or unacceptable first.")
    if judgement == Judgement.ACCEPTABLE:
        return NextAction(Action.NONE, "The failure was judged acceptable: there is nothing to enforce.")
    covering = sorted(
        (w for w in warnings_on if w <= failed_on <= warning_window_end(w, policy)), reverse=True
    )
    if covering:
        warned = covering[0]
        ends = warning_window_end(warned, policy)
        return NextAction(
            Action.REFERRAL_REQUIRED,
            f"A warning was given on {_long(warned)}, within {policy.warning_window_months} months of this "
            f"failure on {_long(failed_on)} (its period ends on {_long(ends)}): the failure must be referred "
            "for enforcement, not warned again (Sentencing Act 2020 Sch 10 para 6).",
            warning_on=warned,
            window_ends=ends,
        )
    return NextAction(
        Action.WARNING_OR_REFERRAL,
        "No warning in the last "
        f"{policy.warning_window_months} months: give a warning or refer for enforcement "
        "(Sentencing Act 2020 Sch 10 para 5).",
    )


# --- The enforcement clock ---------------------------------------------------------------------------------


class ClockStatus(StrEnum):
    RUNNING = "running"  # no action yet, still in time
    OVERDUE = "overdue"  # no action yet, past the due date
    MET = "met"  # action started by the due date
    LATE = "late"  # action started after the due date


@dataclass(frozen=True)
class Clock:
    started_on: date
    due_on: date
    action_on: date | None
    days_used: int  # working days from the failure to the action (or to today while none)
    status: ClockStatus

    @property
    def late(self) -> bool:
        return self.status in (ClockStatus.OVERDUE, ClockStatus.LATE)


def enforcement_clock(
    *, failed_on: date, action_on: date | None, on: date, policy: EnforcementPolicy = DEFAULT_POLICY
) -> Clock:
    """The clock of one unacceptable failure: action (a warning or a referral) due `clock_working_days`
    working days after the failure."""
    due = add_working_days(failed_on, policy.clock_working_days)
    end = action_on if action_on is not None else on
    used = max(0, working_days_between(failed_on, end))
    if action_on is not None:
        status = ClockStatus.MET if action_on <= due else ClockStatus.LATE
    else:
        status = ClockStatus.RUNNING if on <= due else ClockStatus.OVERDUE
    return Clock(started_on=failed_on, due_on=due, action_on=action_on, days_used=used, status=status)


# --- Requirement limits: dated rules, so a change of law is a change of this table ------------------------


@dataclass(frozen=True)
class RequirementLimits:
    """The limits of one kind of requirement for offences on or after `from_offence` (None: any date)."""

    kind: str
    source: str
    from_offence: date | None = None
    min_amount: int | None = None
    max_amount: int | None = None
    unit: str = ""
    complete_within_months: int | None = None
    min_hours_a_day: int | None = None
    max_hours_a_day: int | None = None
    max_hours_a_week: int | None = None
    max_length_months: int | None = None


REQUIREMENT_LIMITS: tuple[RequirementLimits, ...] = (
    RequirementLimits(
        "unpaid_work",
        "Sentencing Act 2020 Sch 9 Part 1",
        min_amount=40,
        max_amount=300,
        unit="hours",
        complete_within_months=12,
    ),
    RequirementLimits(
        "curfew",
        "Sentencing Act 2020 Sch 9 Part 5, before the PCSC Act 2022",
        min_hours_a_day=2,
        max_hours_a_day=16,
        max_length_months=12,
    ),
    RequirementLimits(
        "curfew",
        "Sentencing Act 2020 Sch 9 Part 5 as amended by the PCSC Act 2022 (offences from 28 June 2022)",
        from_offence=PCSC,
        min_hours_a_day=2,
        max_hours_a_day=20,
        max_hours_a_week=112,
        max_length_months=24,
    ),
    RequirementLimits("exclusion", "Sentencing Act 2020 Sch 9 Part 6", max_length_months=24),
    RequirementLimits(
        "aamr", "Sentencing Act 2020 Sch 9 Part 12", max_amount=120, unit="days", max_length_months=None
    ),
)


def limits_for(
    kind: str, *, offence_on: date | None, table: Iterable[RequirementLimits] = REQUIREMENT_LIMITS
) -> RequirementLimits | None:
    """The limits in force for an offence on `offence_on` (the latest rule from on or before it; the latest
    of all when the offence date is unknown)."""
    rules = sorted(
        (r for r in table if r.kind == kind),
        key=lambda r: r.from_offence or date.min,
    )
    if offence_on is not None:
        rules = [r for r in rules if r.from_offence is None or r.from_offence <= offence_on]
    return rules[-1] if rules else None


def requirement_problems(
    kind: str,
    *,
    offence_on: date | None,
    amount: int | None = None,
    hours_a_day: int | None = None,
    hours_a_week: int | None = None,
    start: date | None = None,
    end: date | None = None,
    table: Iterable[RequirementLimits] = REQUIREMENT_LIMITS,
) -> list[str]:
    """What is outside the law's limits for a requirement, each with its source; empty when it is within."""
    limits = limits_for(kind, offence_on=offence_on, table=table)
    if limits is None:
        return []
    problems: list[str] = []
    unit = limits.unit or "units"
    if amount is not None and limits.min_amount is not None and amount < limits.min_amount:
        problems.append(f"At least {limits.min_amount} {unit} ({limits.source}).")
    if amount is not None and limits.max_amount is not None and amount > limits.max_amount:
        problems.append(f"At most {limits.max_amount} {unit} ({limits.source}).")
    if hours_a_day is not None:
        if limits.min_hours_a_day is not None and hours_a_day < limits.min_hours_a_day:
            problems.append(f"At least {limits.min_hours_a_day} hours a day ({limits.source}).")
        if limits.max_hours_a_day is not None and hours_a_day > limits.max_hours_a_day:
            problems.append(f"At most {limits.max_hours_a_day} hours a day ({limits.source}).")
    if (
        hours_a_week is not None
        and limits.max_hours_a_week is not None
        and hours_a_week > limits.max_hours_a_week
    ):
        problems.append(f"At most {limits.max_hours_a_week} hours in any week ({limits.source}).")
    # A requirement of N months runs to the day before the same date N months on.
    if (
        start is not None
        and end is not None
        and limits.max_length_months is not None
        and end >= add_months(start, limits.max_length_months)
    ):
        problems.append(f"At most {limits.max_length_months} months ({limits.source}).")
    return problems


# --- Progress -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """Done of ordered: sessions of a programme, rehabilitation activity days, hours of unpaid work."""

    done: int
    ordered: int

    @property
    def left(self) -> int:
        return max(0, self.ordered - self.done)

    @property
    def percent(self) -> int:
        return 100 if self.ordered <= 0 else min(100, self.done * 100 // self.ordered)

    @property
    def complete(self) -> bool:
        return self.ordered > 0 and self.done >= self.ordered

    @property
    def over(self) -> bool:
        """More recorded than ordered: RAR days are a maximum, so this is a problem to put right."""
        return self.done > self.ordered


@dataclass(frozen=True)
class UnpaidWorkProgress:
    """Hours of unpaid work done of those ordered, and the 12 months to do them in."""

    hours: Progress
    due_by: date  # the last day of the 12 months
    months_left: int
    overdue: bool


def unpaid_work_progress(
    *,
    ordered_hours: int,
    done_hours: int,
    start: date,
    on: date,
    table: Iterable[RequirementLimits] = REQUIREMENT_LIMITS,
) -> UnpaidWorkProgress:
    """Unpaid work: the hours are to be worked within 12 months of the order (Sch 9 Part 1); overdue when
    hours are left after that."""
    limits = limits_for("unpaid_work", offence_on=None, table=table)
    months = limits.complete_within_months if limits and limits.complete_within_months else 12
    due_by = add_months(start, months) - timedelta(days=1)
    hours = Progress(done=done_hours, ordered=ordered_hours)
    months_left = 0
    while add_months(on, months_left + 1) <= due_by + timedelta(days=1):
        months_left += 1
    return UnpaidWorkProgress(
        hours=hours, due_by=due_by, months_left=months_left, overdue=on > due_by and hours.left > 0
    )


# --- Recall -----------------------------------------------------------------------------------------------


class RecallKind(StrEnum):
    """The release-date engine's names for a recall."""

    STANDARD = "STANDARD"
    FTR_14 = "FTR_14"
    FTR_28 = "FTR_28"
    FTR_56 = "FTR_56"


@dataclass(frozen=True)
class RecallLength:
    kind: RecallKind
    days: int | None  # None for a standard recall: served to the sentence's expiry
    source: str


def fixed_term_recall(
    *,
    term_days: int,
    twelve_months_or_more: bool,
    recalled_on: date,
    tranches: tuple[Tranche, ...] = FTR56_TRANCHES,
) -> RecallLength:
    """The fixed-term recall for a term of `term_days` days recalled on `recalled_on`: 56 days once the
    56-day recall reaches terms of that length (from 31 March 2026, by tranche), else 14 days for a term under
    12 months and 28 days for 12 months or more (CJA 2003 ss.255B and 255C)."""
    for tranche in tranches:
        if tranche.max_days_inclusive is None or term_days <= tranche.max_days_inclusive:
            if recalled_on >= tranche.commences:
                return RecallLength(
                    RecallKind.FTR_56,
                    RECALL_DAYS[RecallKind.FTR_56],
                    f"56-day fixed-term recall ({tranche.name}, from {_long(tranche.commences)})",
                )
            break
    if twelve_months_or_more:
        return RecallLength(
            RecallKind.FTR_28, RECALL_DAYS[RecallKind.FTR_28], "CJA 2003 s.255C: a term of 12 months or more"
        )
    return RecallLength(
        RecallKind.FTR_14, RECALL_DAYS[RecallKind.FTR_14], "CJA 2003 s.255B: a term under 12 months"
    )


def recall_length(
    kind: str, *, term_days: int, twelve_months_or_more: bool, recalled_on: date
) -> RecallLength:
    """The length of a recall of `kind` ("standard" or "fixed_term")."""
    if kind == "standard":
        return RecallLength(RecallKind.STANDARD, None, "CJA 2003 s.254: to the sentence's expiry")
    return fixed_term_recall(
        term_days=term_days, twelve_months_or_more=twelve_months_or_more, recalled_on=recalled_on
    )
