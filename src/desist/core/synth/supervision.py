"""Supervision and enforcement for a generated partnership (issue 14): for each community order, suspended
sentence order and licence running in the last two years, the probation appointments and their outcomes,
case notes and other agencies' contacts, failures to comply and their judgement, warnings, referrals for
enforcement to the court's outcome, recall recommendations on licences, and unpaid work hours and RAR days.

It reads the generated tables only and draws from its own stream (``stream(seed, "supervision-casework")``),
so nothing else the generator makes changes. Deterministic for the partnership.

How often: weekly for the first 12 weeks, fortnightly to week 26, then every four weeks; for a high or very
high risk of serious harm in the latest assessment, weekly to week 26, then fortnightly (the generator keeps
no tier, which the product derives after loading). How likely a failure: from the person's propensity to
offend (the generator's risk) and age, the younger and more prone failing more often. The breach rules are
desist.core.enforcement's: an unacceptable failure within 12 months of a warning on the same order is
referred (on a licence: a recall is recommended), never warned again. Electronic monitoring events are
desist.core.synth.monitoring's. A recall agreed here ends the supervision it follows; the demo then records
it through the release app's own recall, by the officer who decided it (desist.demo.recalls), so the recall
itself is a release record there, not a row made here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np

from desist.core.enforcement import Judgement, next_action, warning_window_end
from desist.core.working_days import is_working_day

from ._util import stream

STREAM = "supervision-casework"
HISTORY_DAYS = 730  # orders and licences running at some time in the last two years
BOOK_AHEAD_DAYS = 14  # appointments already booked after the as-of date

KINDS = ("office", "home_visit", "phone", "video")
KIND_WEIGHTS = (0.72, 0.12, 0.11, 0.05)
CONTACT_KIND = {
    "office": "office_appointment",
    "home_visit": "home_visit",
    "phone": "phone",
    "video": "video",
}
LOCATIONS = {"office": "Probation office", "home_visit": "Home address", "phone": "", "video": ""}
PURPOSES = (
    "Supervision: review of the sentence plan",
    "Supervision: progress and any change in circumstances",
    "Supervision: accommodation and employment",
    "Supervision: thinking and behaviour work",
    "Supervision: substance use review",
)
ATTENDED_NOTES = (
    "Attended on time. Discussed progress against the sentence plan.",
    "Attended. Talked through accommodation and money worries; referral options discussed.",
    "Attended. Completed a session of structured work on consequential thinking.",
    "Attended. Reported no change in circumstances; reminded of the next appointment.",
    "Attended. Engaged well; discussed employment and a training course.",
)
ACCEPTABLE_REASONS = (
    ("Hospital appointment the same morning.", "Appointment letter seen."),
    ("Childcare emergency; phoned the office before the appointment.", "Call logged by the duty officer."),
    ("Ill with flu.", "Fit note provided."),
    ("Bus cancelled; phoned ahead and attended the next day.", "Operator's notice of the cancellation."),
    ("At a job interview arranged by the job centre.", "Confirmation from the work coach."),
)
UNACCEPTABLE_REASON = "No reasonable excuse given."
REARRANGE_REASONS = ("Officer on leave", "Person asked to move it for work", "Office closed for training")
CANCEL_REASONS = ("Officer off sick", "Booked in error")
# What other agencies write in the chronology, by the kind of agency.
AGENCY_CONTACTS = {
    "police": (
        "Information received",
        "information_received",
        "Seen in the town centre with known associates.",
    ),
    "housing": ("Tenancy support visit", "multi_agency", "Rent arrears discussed; repayment plan agreed."),
    "health": ("GP review", "multi_agency", "Attended a review of a long-term condition."),
    "treatment": ("Key work session", "multi_agency", "Attended; reports reduced use."),
    "job_centre": ("Work search review", "multi_agency", "Work search commitments reviewed."),
    "social_care": ("Children's services update", "information_received", "Child in need plan reviewed."),
    "voluntary": ("Mentoring session", "multi_agency", "Met the mentor; talked about a training course."),
    "youth_justice": ("Youth justice update", "information_received", "Transition to adult services."),
    "fire": ("Home fire safety visit", "multi_agency", "Smoke alarms fitted."),
    "council_community_safety": ("Community safety update", "information_received", "Discussed at the CSP."),
}
# Court outcomes of a referral that leave the order running, and their shares (the order's end is the
# generator's: an order it revoked early gets its revocation from the referral before it).
CONTINUING_OUTCOMES = ("continued", "amended", "fine", "not_proven", "withdrawn")
CONTINUING_WEIGHTS = (0.3, 0.35, 0.2, 0.08, 0.07)
KEEP_IN_TOUCH = "STD3"


@dataclass
class Appointment:
    appointment_id: int
    person_id: int
    sentence_id: int
    worker_id: int
    agency_code: str
    kind: str
    starts_at: datetime
    minutes: int
    location: str
    purpose: str
    status: str = "booked"
    status_reason: str = ""
    rearranged_from: int | None = None
    outcome: str = ""
    outcome_notes: str = ""


@dataclass
class Contact:
    person_id: int
    agency_code: str
    worker_id: int | None
    kind: str
    occurred_at: datetime
    summary: str
    outcome: str = ""
    notes: str = ""
    sensitivity: str = "shared"
    appointment_id: int | None = None


@dataclass
class Failure:
    failure_id: int
    person_id: int
    sentence_id: int
    worker_id: int
    occurred_on: date
    description: str
    judgement: str
    reason: str
    evidence: str
    judged_on: date
    requirement_id: int | None = None
    condition_id: int | None = None
    appointment_id: int | None = None


@dataclass
class Warning:
    failure_id: int
    person_id: int
    worker_id: int
    issued_on: date


@dataclass
class Referral:
    failure_id: int
    person_id: int
    worker_id: int
    referred_on: date
    note: str
    court_date: date | None
    outcome: str
    outcome_on: date | None
    outcome_note: str


@dataclass
class RecallRecommendation:
    person_id: int
    sentence_id: int
    failure_id: int
    worker_id: int
    recommended_on: date
    kind: str
    reason: str
    decision: str
    decided_on: date | None
    decision_note: str


@dataclass
class Progress:
    requirement_id: int
    person_id: int
    worker_id: int
    kind: str
    on: date
    amount: float
    note: str = ""


@dataclass
class Supervision:
    appointments: list[Appointment] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    recalls: list[RecallRecommendation] = field(default_factory=list)
    progress: list[Progress] = field(default_factory=list)
    # (sentence_id, first day, last day) of each supervision period generated.
    periods: list[tuple[int, date, date]] = field(default_factory=list)

    def row_counts(self) -> dict[str, int]:
        return {
            "appointments": len(self.appointments),
            "contacts": len(self.contacts),
            "failures": len(self.failures),
            "warnings": len(self.warnings),
            "referrals": len(self.referrals),
            "recall recommendations": len(self.recalls),
            "requirement progress": len(self.progress),
        }


def supervision_period(sentence: dict[str, Any], as_of: date) -> tuple[date, date] | None:
    """The days an order or licence is supervised in the community, up to the as-of date plus the days
    already booked: an order from its start to its end, a licence from the release to the licence's
    expiry, either cut short where the generator ended it early. None if not yet begun."""
    if sentence["kind"] == "custody":
        start = sentence["release_date"]
        if start is None or start > as_of or not sentence["release_is_actual"]:
            return None
        end = sentence["licence_expiry_date"] or sentence["sentence_expiry_date"]
    else:
        start, end = sentence["start_date"], sentence["end_date"]
    if start is None or end is None:
        return None
    if sentence["terminated_date"] is not None:
        end = min(end, sentence["terminated_date"] - timedelta(days=1))
    end = min(end, as_of + timedelta(days=BOOK_AHEAD_DAYS))
    return (start, end) if end >= start else None


def _age(dob: date | None, on: date) -> int:
    if dob is None:
        return 30
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def failure_chance(propensity: float, age: int) -> float:
    """The chance of failing one appointment: higher for the more prone to offend and for the young."""
    young = 1.5 if age < 25 else (1.2 if age < 30 else 1.0)
    return float(min(0.35, (0.02 + 0.14 * propensity**2) * young))


def generate_supervision(world: Any) -> Supervision:
    """Supervision and enforcement for every order and licence running in the two years to the partnership's
    as-of date (see the module's docstring)."""
    cfg = world.config
    as_of: date = cfg.as_of
    rng = stream(cfg.seed, STREAM)
    out = _Builder(rng, as_of)

    people = {
        r["person_id"]: r
        for r in world.people.select(["person_id", "date_of_birth", "propensity"]).to_pylist()
    }
    probation_workers = [r["worker_id"] for r in world.workers.to_pylist() if r["agency_code"] == "probation"]
    leads: dict[tuple[int, date], int] = {}
    others: dict[int, list[dict[str, Any]]] = {}
    for r in world.involvements.to_pylist():
        if r["agency_code"] == "probation":
            if r["worker_id"] is not None:
                leads[(r["person_id"], r["start_date"])] = r["worker_id"]
        elif r["agency_code"] in AGENCY_CONTACTS:
            others.setdefault(r["person_id"], []).append(r)
    requirements: dict[int, list[dict[str, Any]]] = {}
    for r in world.requirements.to_pylist():
        requirements.setdefault(r["sentence_id"], []).append(r)
    conditions = {
        r["sentence_id"]: r["condition_id"]
        for r in world.licence_conditions.to_pylist()
        if r["code"] == KEEP_IN_TOUCH
    }

    # A high or very high risk of serious harm (the latest assessment's highest): seen more often.
    high_harm: set[int] = set()
    latest: dict[int, date] = {}
    for r in world.assessments.select(
        ["person_id", "assessed_on", "rosh_public", "rosh_known_adult", "rosh_children", "rosh_staff"]
    ).to_pylist():
        if r["person_id"] in latest and latest[r["person_id"]] > r["assessed_on"]:
            continue
        latest[r["person_id"]] = r["assessed_on"]
        roshes = {r["rosh_public"], r["rosh_known_adult"], r["rosh_children"], r["rosh_staff"]}
        if roshes & {"high", "very_high"}:
            high_harm.add(r["person_id"])
        else:
            high_harm.discard(r["person_id"])

    since = as_of - timedelta(days=HISTORY_DAYS)
    for s in world.sentences.to_pylist():
        period = supervision_period(s, as_of)
        if period is None or period[1] < since:
            continue
        person = people[s["person_id"]]
        worker = leads.get((s["person_id"], s["sentence_date"]))
        if worker is None:
            worker = probation_workers[int(rng.integers(len(probation_workers)))]
        out.sentence(
            s,
            period,
            worker,
            failure_chance(person["propensity"], _age(person["date_of_birth"], period[0])),
            requirements.get(s["sentence_id"], []),
            conditions.get(s["sentence_id"]),
            others.get(s["person_id"], []),
            s["person_id"] in high_harm,
        )
    return out.result


def _at(day: date, rng: np.random.Generator) -> datetime:
    """A working time on or after `day` (no weekend or bank holiday: offices are shut)."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, time(9, 0)) + timedelta(minutes=30 * int(rng.integers(0, 15)))


class _Builder:
    def __init__(self, rng: np.random.Generator, as_of: date) -> None:
        self.rng = rng
        self.as_of = as_of
        self.result = Supervision()
        # Where the current sentence's rows begin in the result's lists.
        self.first_appointment = self.first_contact = self.first_progress = 0

    def _pick(self, options: tuple[Any, ...]) -> Any:
        return options[int(self.rng.integers(len(options)))]

    def sentence(
        self,
        s: dict[str, Any],
        period: tuple[date, date],
        worker: int,
        chance: float,
        requirements: list[dict[str, Any]],
        condition: int | None,
        others: list[dict[str, Any]],
        high_harm: bool = False,
    ) -> None:
        rng, res = self.rng, self.result
        start, end = period
        licence = s["kind"] == "custody"
        person, sid = s["person_id"], s["sentence_id"]
        rar = next((r["requirement_id"] for r in requirements if r["kind"] == "rar"), None)
        self.first_appointment = len(res.appointments)
        self.first_contact = len(res.contacts)
        self.first_progress = len(res.progress)
        # Failures to enforce, in date order: (day, appointment or None, requirement or None, description).
        events: list[tuple[date, Appointment | None, int | None, str]] = []
        day = start + timedelta(days=int(rng.integers(1, 4)))
        week = 0
        while day <= end:
            self._appointment(s, day, end, worker, chance, events, rar if not licence else None)
            weekly, fortnightly = (26, 10**6) if high_harm else (12, 26)
            week += 1 if week < weekly else (2 if week < fortnightly else 4)
            day = start + timedelta(days=7 * week + int(rng.integers(0, 3)))
        self._unpaid_work(s, period, worker, chance, requirements, events)
        self._rar_days(s, worker, requirements)
        self._notes(person, period, worker, others)
        events.sort(key=lambda e: (e[0], e[1].appointment_id if e[1] else 0))
        self._enforce(s, period, worker, events, condition if licence else None)
        res.periods.append((sid, start, end))

    def _appointment(
        self,
        s: dict[str, Any],
        day: date,
        end: date,
        worker: int,
        chance: float,
        events: list[tuple[date, Appointment | None, int | None, str]],
        requirement: int | None,
    ) -> None:
        rng, res = self.rng, self.result
        kind = KINDS[int(rng.choice(len(KINDS), p=KIND_WEIGHTS))]
        starts = _at(day, rng)
        if starts.date() > end:
            return
        appointment = Appointment(
            appointment_id=len(res.appointments) + 1,
            person_id=s["person_id"],
            sentence_id=s["sentence_id"],
            worker_id=worker,
            agency_code="probation",
            kind=kind,
            starts_at=starts,
            minutes=60 if kind == "home_visit" else 45,
            location=LOCATIONS[kind],
            purpose=self._pick(PURPOSES),
        )
        res.appointments.append(appointment)
        draw = rng.random()
        if draw < 0.03:
            appointment.status, appointment.status_reason = "rearranged", self._pick(REARRANGE_REASONS)
            moved = _at(starts.date() + timedelta(days=int(rng.integers(2, 6))), rng)
            new = Appointment(
                **{**appointment.__dict__, "appointment_id": len(res.appointments) + 1, "starts_at": moved},
            )
            new.status, new.status_reason, new.rearranged_from = "booked", "", appointment.appointment_id
            if moved.date() <= end:
                res.appointments.append(new)
                appointment = new
            else:
                return
        elif draw < 0.045:
            appointment.status, appointment.status_reason = "cancelled", self._pick(CANCEL_REASONS)
            return
        if appointment.starts_at.date() >= self.as_of:
            return  # still to come: no outcome yet
        fail = rng.random() < chance
        if not fail:
            appointment.outcome = "attended_complied"
            appointment.outcome_notes = self._pick(ATTENDED_NOTES)
        elif rng.random() < 0.8:
            appointment.outcome = "failed_to_attend"
            appointment.outcome_notes = "Did not attend and did not get in touch."
        else:
            appointment.outcome = "failed_to_comply"
            appointment.outcome_notes = "Attended under the influence; appointment ended early."
        res.contacts.append(
            Contact(
                person_id=appointment.person_id,
                agency_code="probation",
                worker_id=worker,
                kind=CONTACT_KIND[appointment.kind],
                occurred_at=appointment.starts_at,
                summary=appointment.purpose,
                outcome=_OUTCOME_LABELS[appointment.outcome],
                notes=appointment.outcome_notes,
                appointment_id=appointment.appointment_id,
            )
        )
        if fail:
            label = "Failed to attend" if appointment.outcome == "failed_to_attend" else "Failed to comply"
            events.append(
                (
                    appointment.starts_at.date(),
                    appointment,
                    requirement,
                    f"{label}: {appointment.purpose.lower()} on {appointment.starts_at:%d %B %Y}",
                )
            )

    def _unpaid_work(
        self,
        s: dict[str, Any],
        period: tuple[date, date],
        worker: int,
        chance: float,
        requirements: list[dict[str, Any]],
        events: list[tuple[date, Appointment | None, int | None, str]],
    ) -> None:
        rng, res = self.rng, self.result
        for r in requirements:
            if r["kind"] != "unpaid_work" or r["amount"] is None:
                continue
            day = max(r["start_date"], period[0]) + timedelta(days=int(rng.integers(7, 21)))
            last = min(r["end_date"], period[1], self.as_of - timedelta(days=1))
            done = 0.0
            while day <= last and done < r["amount"]:
                day += timedelta(days=(5 - day.weekday()) % 7)  # a Saturday session
                if day > last:
                    break
                if rng.random() < chance:
                    events.append(
                        (day, None, r["requirement_id"], f"Did not attend unpaid work on {day:%d %B %Y}")
                    )
                else:
                    hours = float(min(7.0, r["amount"] - done))
                    done += hours
                    res.progress.append(
                        Progress(
                            r["requirement_id"],
                            s["person_id"],
                            worker,
                            "unpaid_work",
                            day,
                            hours,
                            "Community payback group session",
                        )
                    )
                day += timedelta(days=7 * int(rng.integers(1, 3)))

    def _rar_days(self, s: dict[str, Any], worker: int, requirements: list[dict[str, Any]]) -> None:
        """A RAR day for about every other appointment attended in the requirement's term, up to its days."""
        res = self.result
        for r in requirements:
            if r["kind"] != "rar" or r["amount"] is None:
                continue
            days = 0
            for a in res.appointments[self.first_appointment :]:
                if days >= r["amount"]:
                    break
                if (
                    a.sentence_id == s["sentence_id"]
                    and a.outcome == "attended_complied"
                    and r["start_date"] <= a.starts_at.date() <= r["end_date"]
                    and self.rng.random() < 0.5
                ):
                    days += 1
                    res.progress.append(
                        Progress(
                            r["requirement_id"],
                            s["person_id"],
                            worker,
                            "rar_day",
                            a.starts_at.date(),
                            1.0,
                            "Structured session at supervision",
                        )
                    )

    def _notes(
        self, person: int, period: tuple[date, date], worker: int, others: list[dict[str, Any]]
    ) -> None:
        """Probation's case notes about monthly, and a contact from each other agency involved during the
        period every six to ten weeks."""
        rng, res = self.rng, self.result
        last = min(period[1], self.as_of - timedelta(days=1))
        day = period[0] + timedelta(days=int(rng.integers(10, 30)))
        while day <= last:
            own = rng.random() < 0.1
            res.contacts.append(
                Contact(
                    person_id=person,
                    agency_code="probation",
                    worker_id=worker,
                    kind="case_note",
                    occurred_at=_at(day, rng),
                    summary="Case note: risk and needs reviewed" if not own else "Case note: staff safety",
                    notes="Reviewed the case after supervision; no change to the plan.",
                    sensitivity="own_agency" if own else "shared",
                )
            )
            day += timedelta(days=int(rng.integers(25, 40)))
        for inv in others:
            first = max(period[0], inv["start_date"])
            stop = min(last, inv["end_date"] or last)
            day = first + timedelta(days=int(rng.integers(7, 42)))
            summary, kind, notes = AGENCY_CONTACTS[inv["agency_code"]]
            while day <= stop:
                res.contacts.append(
                    Contact(
                        person_id=person,
                        agency_code=inv["agency_code"],
                        worker_id=inv["worker_id"],
                        kind=kind,
                        occurred_at=_at(day, rng),
                        summary=summary,
                        notes=notes,
                    )
                )
                day += timedelta(days=int(rng.integers(42, 71)))

    def _enforce(
        self,
        s: dict[str, Any],
        period: tuple[date, date],
        worker: int,
        events: list[tuple[date, Appointment | None, int | None, str]],
        condition: int | None,
    ) -> None:
        """Judge each failure and act on it as the breach rules say, in date order; on an order, the
        generator's early end (a revocation) is the court's outcome of the referral before it."""
        rng, res = self.rng, self.result
        licence = s["kind"] == "custody"
        warned: list[date] = []
        referrals: list[Referral] = []
        ended: date | None = None
        for day, appointment, requirement, description in events:
            if ended is not None and day > ended:
                # Supervision ended by a recall: the failures after it did not happen.
                if appointment is not None:
                    appointment.outcome = ""
                continue
            judged = day + timedelta(days=int(rng.integers(0, 4)))
            if judged >= self.as_of:
                judgement, reason, evidence = Judgement.PENDING, "", ""
            elif rng.random() < 0.3:
                judgement = Judgement.ACCEPTABLE
                reason, evidence = self._pick(ACCEPTABLE_REASONS)
            else:
                judgement, reason, evidence = Judgement.UNACCEPTABLE, UNACCEPTABLE_REASON, ""
            failure = Failure(
                failure_id=len(res.failures) + 1,
                person_id=s["person_id"],
                sentence_id=s["sentence_id"],
                worker_id=worker,
                occurred_on=day,
                description=description[:300],
                judgement=str(judgement),
                reason=reason,
                evidence=evidence,
                judged_on=judged,
                requirement_id=requirement,
                condition_id=condition if appointment is not None else None,
                appointment_id=appointment.appointment_id if appointment else None,
            )
            res.failures.append(failure)
            if judgement != Judgement.UNACCEPTABLE:
                continue
            acted = judged + timedelta(days=int(rng.integers(1, 6)))
            if acted >= self.as_of:
                continue  # enforcement action still to be taken
            action = next_action(failed_on=day, judgement=str(judgement), warnings_on=warned)
            # A warning given within its 12 months before the action: refer, never warn twice.
            covered = any(w <= acted <= warning_window_end(w) for w in warned)
            if action.warning_allowed and not covered and rng.random() < 0.9:
                warned.append(acted)
                res.warnings.append(Warning(failure.failure_id, s["person_id"], worker, acted))
            elif licence:
                recall = self._recall(s, failure, worker, acted, action.referral_required or covered)
                if recall.decision == "recalled" and recall.decided_on is not None:
                    ended = recall.decided_on
            else:
                referrals.append(self._referral(s, failure, worker, acted))
        if ended is not None:
            # After a recall, no more supervision on this licence: what was booked is cancelled.
            res.contacts[self.first_contact :] = [
                c for c in res.contacts[self.first_contact :] if c.occurred_at.date() <= ended
            ]
            for a in res.appointments[self.first_appointment :]:
                if a.starts_at.date() > ended and a.status == "booked":
                    a.status, a.status_reason = "cancelled", "Recalled to custody"
                    a.outcome = a.outcome_notes = ""
            res.progress[self.first_progress :] = [
                p for p in res.progress[self.first_progress :] if p.on <= ended
            ]
        terminated = s["terminated_date"]
        revocable = [
            r for r in referrals if r.court_date is not None and r.court_date < (terminated or date.max)
        ]
        if not licence and terminated is not None and revocable and terminated <= self.as_of:
            last = revocable[-1]
            last.outcome = (
                "suspended_activated" if s["kind"] == "suspended_sentence_order" else "revoked_resentenced"
            )
            last.outcome_on = terminated
            last.court_date = min(last.court_date or terminated, terminated)
            last.outcome_note = "Order ended by the court."
        res.referrals.extend(referrals)

    def _referral(self, s: dict[str, Any], failure: Failure, worker: int, on: date) -> Referral:
        rng = self.rng
        court = on + timedelta(days=int(rng.integers(14, 42)))
        heard = court < self.as_of
        outcome = CONTINUING_OUTCOMES[int(rng.choice(len(CONTINUING_OUTCOMES), p=CONTINUING_WEIGHTS))]
        return Referral(
            failure_id=failure.failure_id,
            person_id=s["person_id"],
            worker_id=worker,
            referred_on=on,
            note="Breach pack sent to the court.",
            court_date=court,
            outcome=outcome if heard else "",
            outcome_on=court if heard else None,
            outcome_note="Heard at the magistrates' court." if heard else "",
        )

    def _recall(
        self, s: dict[str, Any], failure: Failure, worker: int, on: date, required: bool
    ) -> RecallRecommendation:
        rng = self.rng
        decided = on + timedelta(days=int(rng.integers(0, 3)))
        pending = decided >= self.as_of
        agreed = rng.random() < 0.8
        kind = "standard" if rng.random() < 0.3 else "fixed_term"
        rec = RecallRecommendation(
            person_id=s["person_id"],
            sentence_id=s["sentence_id"],
            failure_id=failure.failure_id,
            worker_id=worker,
            recommended_on=on,
            kind=kind,
            reason=(
                "A further failure to keep in touch within 12 months of a warning."
                if required
                else "Failure to keep in touch; risk no longer manageable in the community."
            ),
            decision="pending" if pending else ("recalled" if agreed else "refused"),
            decided_on=None if pending else decided,
            decision_note=""
            if pending
            else (
                "Recall agreed by the Public Protection Casework Section."
                if agreed
                else "Refused: manage in the community with a further licence condition."
            ),
        )
        self.result.recalls.append(rec)
        return rec


_OUTCOME_LABELS = {
    "attended_complied": "Attended and complied",
    "failed_to_attend": "Failed to attend",
    "failed_to_comply": "Attended but failed to comply",
}
