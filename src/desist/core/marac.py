"""MARAC, the multi-agency risk assessment conference for victims of domestic abuse at high risk
(RULES.md §12; docs/marac.md): the SafeLives DASH risk identification checklist as data, its score, the three
routes to a referral, what makes a referral a repeat, and the repeat rate. Plain Python: the marac app passes
in its settings (the escalation threshold and the repeat window), each with its source.

Sources, by name:
- SafeLives, "Dash risk checklist for the identification of high risk cases of domestic abuse, stalking and
  'honour'-based violence" (the SafeLives Dash risk identification checklist, RIC, 24 questions) and its
  "Dash risk checklist quick start guidance": refer to MARAC on visible high risk (14 or more "yes"
  answers), on professional judgement, or on potential escalation (police call-outs in the past 12 months;
  "it is common practice to start with 3 or more", set locally).
- SafeLives, "Marac guidance: Frequently asked questions" and the SafeLives Marac data form's definitions:
  a repeat case is one referred to MARAC before where a further incident is identified within 12 months of
  the last referral; the repeat rate is repeat cases as a share of all cases referred in the period.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

DASH_SOURCE = (
    "SafeLives, Dash risk checklist for the identification of high risk cases of domestic abuse, stalking "
    "and 'honour'-based violence (the SafeLives Dash risk identification checklist, 24 questions)"
)
REFERRAL_SOURCE = "SafeLives, Dash risk checklist quick start guidance (criteria for referral to MARAC)"
REPEAT_SOURCE = "SafeLives, Marac guidance: Frequently asked questions and the Marac data form (repeat cases)"

# The SafeLives checklist's questions, in its order and words ("the abuser" where the form names them).
DASH_QUESTIONS: tuple[str, ...] = (
    "Has the current incident resulted in injury?",
    "Are you very frightened?",
    "What are you afraid of? Is it further injury or violence?",
    "Do you feel isolated from family or friends, i.e. does the abuser try to stop you from seeing "
    "friends, family, your doctor or others?",
    "Are you feeling depressed or having suicidal thoughts?",
    "Have you separated or tried to separate from the abuser within the past year?",
    "Is there conflict over child contact?",
    "Does the abuser constantly text, call, contact, follow, stalk or harass you?",
    "Are you pregnant or have you recently had a baby (within the last 18 months)?",
    "Is the abuse happening more often?",
    "Is the abuse getting worse?",
    "Does the abuser try to control everything you do and/or are they excessively jealous?",
    "Has the abuser ever used weapons or objects to hurt you?",
    "Has the abuser ever threatened to kill you or someone else and you believed them?",
    "Has the abuser ever attempted to strangle, choke, suffocate or drown you?",
    "Does the abuser do or say things of a sexual nature that make you feel bad or that physically hurt you "
    "or someone else?",
    "Is there any other person who has threatened you or who you are afraid of?",
    "Do you know if the abuser has hurt anyone else?",
    "Has the abuser ever mistreated an animal or the family pet?",
    "Are there any financial issues? For example, are you dependent on the abuser for money, have they "
    "recently lost their job, or are there other financial issues?",
    "Has the abuser had problems in the past year with drugs (prescription or other), alcohol or mental "
    "health leading to problems in leading a normal life?",
    "Has the abuser ever threatened or attempted suicide?",
    "Has the abuser ever broken bail, an injunction and/or a formal agreement for when they can see you "
    "and/or the children?",
    "Do you know if the abuser has ever been in trouble with the police or has a criminal history?",
)
DASH_QUESTION_COUNT = 24
# Visible high risk: "14 or more ticks" on the SafeLives checklist.
DASH_HIGH_RISK_YES = 14
# Potential escalation: SafeLives' common starting point, to be set locally (the marac app's setting).
DEFAULT_ESCALATION_CALL_OUTS = 3
# A repeat: a further incident within 12 months of the last MARAC referral.
DEFAULT_REPEAT_WINDOW_MONTHS = 12


class Answer(StrEnum):
    """An answer on the checklist. Only "yes" counts; "not known" is recorded as said, and scores nothing."""

    YES = "yes"
    NO = "no"
    NOT_KNOWN = "not_known"


class Route(StrEnum):
    """Why a victim is referred to MARAC: SafeLives' three criteria."""

    DASH_SCORE = "dash_score"
    PROFESSIONAL_JUDGEMENT = "professional_judgement"
    ESCALATION = "escalation"


ROUTE_LABELS = {
    Route.DASH_SCORE: "DASH score",
    Route.PROFESSIONAL_JUDGEMENT: "Professional judgement",
    Route.ESCALATION: "Escalation",
}


class ChecklistError(ValueError):
    """A checklist that is not the SafeLives checklist's 24 answers."""


def dash_score(answers: Sequence[str]) -> int:
    """The number of "yes" answers on a completed checklist of 24 answers, in the questions' order."""
    if len(answers) != DASH_QUESTION_COUNT:
        raise ChecklistError(
            f"The checklist has {DASH_QUESTION_COUNT} questions; {len(answers)} answers given."
        )
    known = {a.value for a in Answer}
    bad = [i + 1 for i, a in enumerate(answers) if a not in known]
    if bad:
        raise ChecklistError(f"Question {bad[0]} has no answer of yes, no or not known.")
    return sum(1 for a in answers if a == Answer.YES)


def is_visible_high_risk(score: int) -> bool:
    """14 or more "yes" answers: refer to MARAC (SafeLives' visible high risk)."""
    return score >= DASH_HIGH_RISK_YES


def is_escalation(call_outs_in_12_months: int, *, threshold: int = DEFAULT_ESCALATION_CALL_OUTS) -> bool:
    """Potential escalation: as many police call-outs to the victim in the past 12 months as the local
    threshold, or more."""
    return call_outs_in_12_months >= threshold


@dataclass(frozen=True)
class RouteCheck:
    """Whether a referral by a route meets its criterion, and if not, why not in the user's words."""

    met: bool
    reason: str


def route_check(
    route: Route,
    *,
    score: int | None = None,
    call_outs: int | None = None,
    judgement_reason: str = "",
    escalation_threshold: int = DEFAULT_ESCALATION_CALL_OUTS,
) -> RouteCheck:
    """Does a referral by `route` meet SafeLives' criterion: a DASH score of 14 or more, a professional's
    written reason, or call-outs at or above the local threshold?"""
    if route == Route.DASH_SCORE:
        if score is None:
            return RouteCheck(False, "A referral by DASH score needs a completed checklist.")
        if not is_visible_high_risk(score):
            return RouteCheck(
                False,
                f"A DASH score of {score} is under {DASH_HIGH_RISK_YES}: refer by professional judgement "
                "or escalation, with the reason.",
            )
        return RouteCheck(True, f"DASH score of {score} ({DASH_HIGH_RISK_YES} or more)")
    if route == Route.PROFESSIONAL_JUDGEMENT:
        if not judgement_reason.strip():
            return RouteCheck(False, "Say why, in your professional judgement, the victim is at high risk.")
        return RouteCheck(True, "Professional judgement")
    if call_outs is None or not is_escalation(call_outs, threshold=escalation_threshold):
        return RouteCheck(
            False,
            f"Escalation needs {escalation_threshold} or more police call-outs in the past 12 months"
            f"{'' if call_outs is None else f'; {call_outs} recorded'}.",
        )
    return RouteCheck(True, f"{call_outs} police call-outs in 12 months")


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day where it has fewer days (29 February + 12 months
    is 28 February)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def is_repeat(
    incident_on: date,
    previous_referrals: Iterable[date],
    *,
    window_months: int = DEFAULT_REPEAT_WINDOW_MONTHS,
) -> bool:
    """Is an incident on `incident_on` a repeat: within `window_months` of the last earlier MARAC referral for
    the same victim (on or after that referral, and on or before its anniversary)?"""
    earlier = [d for d in previous_referrals if d <= incident_on]
    if not earlier:
        return False
    last = max(earlier)
    return incident_on <= add_months(last, window_months)


@dataclass(frozen=True)
class RepeatRate:
    """Repeat referrals as a share of all referrals in a period (SafeLives' repeat rate)."""

    referrals: int
    repeats: int

    @property
    def rate(self) -> float | None:
        """The share, 0 to 1; None with no referrals."""
        return None if self.referrals == 0 else self.repeats / self.referrals


def repeat_rate(repeat_flags: Iterable[bool]) -> RepeatRate:
    """The repeat rate over the referrals in a period, from each referral's repeat flag."""
    flags = list(repeat_flags)
    return RepeatRate(referrals=len(flags), repeats=sum(1 for f in flags if f))
