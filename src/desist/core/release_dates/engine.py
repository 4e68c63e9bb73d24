"""Release dates to the day for the sentences a prison holds, with the working behind each date.

The engine takes a booking (the person, their sentences and the adjustments to them) and returns either
the dates with their working or a :class:`ManualCalculation` saying why it cannot work them out yet, never
a date it is not sure of. The law it applies is a :class:`~.legislation.Legislation` (data).

Counting follows PSI 03/2015 and the Ministry of Justice's calculator: the sentence day is served, a
release point is the sentence's days times the release fraction rounded up to a whole day, and the date is
the sentence date plus those days less one. Remand and tagged bail are deducted; unlawfully at large
days are added; additional days awarded (less those restored) move the release dates but not the expiry.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction

from desist.core.release_dates.duration import Duration, add_months
from desist.core.release_dates.legislation import (
    CIVIL_OFFENCE_CODES,
    CJA_2003,
    CURRENT,
    ERS_STOP_CLOCK,
    FINE_FULL_TERM_AMOUNT,
    FINE_FULL_TERM_FROM,
    HALF,
    LASPO,
    ORA,
    PCSC,
    PROGRESSION_MODEL,
    TWO_THIRDS,
    WHOLE,
    EarlyReleaseScheme,
    EarlyRemovalRules,
    HdcRules,
    Legislation,
    Tranche,
)


class SentenceKind(StrEnum):
    """The kinds of sentence the engine knows (the calculator's names in brackets)."""

    STANDARD = "standard"  # SDS and SDS+ (StandardSentence)
    EXTENDED = "extended"  # EDS (ExtendedDeterminateSentence)
    SOPC = "sopc"  # offenders of particular concern (SopcSentence)
    FINE_DEFAULT = "fine_default"  # a term in default of paying a fine (AFineSentence): no licence
    DTO = "dto"  # detention and training order (DetentionAndTrainingOrderSentence)
    BOTUS = "botus"  # committal for breach of top-up supervision (BotusSentence): served in full


class DateType(StrEnum):
    """The release dates, by the abbreviations prisons use."""

    CRD = "CRD"  # conditional release date
    ARD = "ARD"  # automatic release date (no licence)
    SLED = "SLED"  # sentence and licence expiry date
    SED = "SED"  # sentence expiry date
    LED = "LED"  # licence expiry date
    HDCED = "HDCED"  # home detention curfew eligibility date
    PED = "PED"  # parole eligibility date
    TUSED = "TUSED"  # top-up supervision expiry date
    ESED = "ESED"  # effective sentence end date (the expiry before adjustments)
    ERSED = "ERSED"  # early removal scheme eligibility date
    PRRD = "PRRD"  # post-recall release date
    MTD = "MTD"  # mid-term date of a detention and training order
    ETD = "ETD"  # early transfer date (DTO)
    LTD = "LTD"  # late transfer date (DTO)


@dataclass(frozen=True)
class Sentence:
    """One sentence as the court passed it and the prison recorded it."""

    kind: SentenceKind
    sentenced_on: date
    length: Duration  # the custodial term for EDS and SOPC, the whole term otherwise
    offence_on: date | None = None
    extension: Duration | None = None  # the extended licence (EDS) or the year's licence (SOPC)
    sds_plus: bool = False  # released at two-thirds (s.244ZA)
    sds_plus_eligible: bool = False  # offence and length of the SDS+ kind, whenever sentenced (no HDC)
    exclusions: frozenset[str] = frozenset()  # offence markers for early-release schemes
    automatic_release: bool = False  # EDS released automatically at two-thirds (no parole)
    section_250: bool = False  # detention of a child (Sentencing Code s.250), not an adult sentence
    fine_amount: int | None = None  # for a term in default, the fine unpaid (pounds)
    top_up_ends: date | None = None  # for a breach of top-up supervision, the supervision's end as recorded
    under_18_sopc: bool = False
    identifier: str = ""
    consecutive_to: str = ""  # the identifier of the sentence this one follows, if consecutive
    recall: str = ""  # recalled on licence: STANDARD, FTR_14, FTR_28 or FTR_56
    returned_to_custody: date | None = None
    offence_code: str = ""  # the offence's code as the courts record it (e.g. SX03220)

    @property
    def total(self) -> Duration:
        return self.length + self.extension if self.extension else self.length


@dataclass(frozen=True)
class Adjustments:
    """Days that move the dates: deducted (remand, tagged bail), added (UAL), awarded and restored.

    ``applies_from``: the sentence date remand and tagged bail were recorded against; they count towards the
    sentences passed from then on and those still in custody on that day. ``starts``: the first day unlawfully
    at large, which counts towards the sentences being served then. None counts an entry towards every
    sentence. ``period``: the first and last days the entry covers, as recorded (remand, unlawfully at large);
    ``reason``: why someone was unlawfully at large (ESCAPE, RELEASE_IN_ERROR, SENTENCED_IN_ABSENCE,
    IMMIGRATION_DETENTION, RECALL), which says whether they were in custody on its first and last days.
    """

    remand: int = 0
    tagged_bail: int = 0
    unlawfully_at_large: int = 0
    additional_days_awarded: int = 0
    restored_days: int = 0
    applies_from: date | None = None
    starts: date | None = None
    recall_remand: int = 0  # remand and tagged bail before a recall: off the time to serve after it
    recall_tagged_bail: int = 0
    unlawfully_at_large_after_release: int = 0  # on licence, before a recall
    period: tuple[date, date] | None = None
    reason: str = ""

    def __add__(self, other: Adjustments) -> Adjustments:
        return Adjustments(
            self.remand + other.remand,
            self.tagged_bail + other.tagged_bail,
            self.unlawfully_at_large + other.unlawfully_at_large,
            self.additional_days_awarded + other.additional_days_awarded,
            self.restored_days + other.restored_days,
            recall_remand=self.recall_remand + other.recall_remand,
            recall_tagged_bail=self.recall_tagged_bail + other.recall_tagged_bail,
            unlawfully_at_large_after_release=self.unlawfully_at_large_after_release
            + other.unlawfully_at_large_after_release,
        )

    @property
    def recall_deducted(self) -> int:
        return self.recall_remand + self.recall_tagged_bail

    @property
    def deducted(self) -> int:
        return self.remand + self.tagged_bail

    @property
    def awarded(self) -> int:
        return self.additional_days_awarded - self.restored_days


@dataclass(frozen=True)
class Movement:
    """A release from prison or an admission, as the prison recorded it (``direction`` IN or OUT; ``reason``
    such as CRD, HDC, ERS, PAROLE, RECALL_ADMISSION, FAILED_ERS_REMOVAL)."""

    on: date
    direction: str
    reason: str = ""


@dataclass(frozen=True)
class Booking:
    """A person's period in custody: their sentences (all concurrent here) and the adjustments."""

    date_of_birth: date
    sentences: tuple[Sentence, ...]
    adjustments: tuple[Adjustments, ...] = ()
    sex_offender: bool = False  # subject to notification: no HDC
    early_removal: bool = (
        False  # work out the early removal scheme date (foreign nationals liable to removal)
    )
    movements: tuple[Movement, ...] = ()  # releases and admissions, in any order
    # The bank holidays a release due on one takes place before (with weekends: the non-release days). An
    # input, not the engine's own calendar: the app passes those of England and Wales (desist.core.
    # working_days), the calculator's examples the list their tests fix.
    bank_holidays: frozenset[date] = frozenset()

    def releases(self) -> tuple[date, ...]:
        """The days this person left custody. Removal under the early removal scheme is not a release when
        they came back as a failed removal, nor from 28 June 2022, when removal began to stop the clock."""
        ordered = sorted(self.movements, key=lambda m: m.on)
        out: list[date] = []
        for index, m in enumerate(ordered):
            if m.direction != "OUT":
                continue
            after = next((n for n in ordered[index + 1 :] if n.on > m.on), None)
            if m.reason == "ERS" and (
                (after is not None and after.reason == "FAILED_ERS_REMOVAL") or m.on >= ERS_STOP_CLOCK
            ):
                continue
            out.append(m.on)
        return tuple(out)

    def back_from_unlawfully_at_large(self, start: date, expiry: date) -> date | None:
        """The day after the last recorded day unlawfully at large from a sentence passed on ``start`` that
        expires on ``expiry`` without it (time at large after its expiry is not from it)."""
        last = [
            e.period[1]
            for e in self.adjustments
            if e.unlawfully_at_large
            and e.period is not None
            and e.starts is not None
            and start <= e.starts <= expiry
        ]
        return max(last) + timedelta(days=1) if last else None

    def adjustments_for(self, start: date, unadjusted_release: date) -> Adjustments:
        """The adjustments that count towards a sentence passed on ``start`` and released on
        ``unadjusted_release`` without them."""
        total = Adjustments()
        # Remand recorded against a later sentence counts only if this one is still in custody then, after
        # the remand and tagged bail recorded by its own date (the calculator's timeline).
        own = sum(e.deducted for e in self.adjustments if e.applies_from is None or e.applies_from <= start)
        own += sum(
            e.recall_deducted for e in self.adjustments if e.applies_from is None or e.applies_from == start
        )
        in_custody_until = _previous_working_day(unadjusted_release - timedelta(days=own), self.bank_holidays)
        passed = {s.sentenced_on for s in self.sentences}
        for entry in self.adjustments:
            applies = entry.applies_from
            if applies is None or start >= applies or applies <= in_custody_until:
                total = total + Adjustments(remand=entry.remand, tagged_bail=entry.tagged_bail)
            # Time unlawfully at large counts towards the sentences being served on the date it was recorded
            # against, or else when it began (the calculator's timeline goes by ``appliesToSentencesFrom``).
            ual = applies if applies is not None else entry.starts
            if ual is None or start <= ual <= unadjusted_release:
                total = total + Adjustments(unlawfully_at_large=entry.unlawfully_at_large)
            elif ual > unadjusted_release:
                total = total + Adjustments(unlawfully_at_large_after_release=entry.unlawfully_at_large)
            # Days awarded before this sentence was passed reach it only through a sentence then in its first
            # custodial period; awarded while only recalled terms were served, they stay with those
            # (``TimelineSentenceCalculationHandler``: a new sentence shares the custodial sentences' days).
            earlier = [s for s in self.sentences if applies is not None and s.sentenced_on <= applies]
            if applies is None or applies >= start or not earlier or any(not s.recall for s in earlier):
                total = total + Adjustments(
                    additional_days_awarded=entry.additional_days_awarded, restored_days=entry.restored_days
                )
            # Remand and tagged bail before a recall count towards the sentence they were recorded against,
            # and towards those still in custody on the day it was passed; recorded against no sentence's date
            # they count towards none (the calculator's timeline shares them out on sentence dates only).
            if (
                applies is None
                or applies == start
                or (start < applies <= in_custody_until and applies in passed)
            ):
                total = total + Adjustments(
                    recall_remand=entry.recall_remand, recall_tagged_bail=entry.recall_tagged_bail
                )
        return total


@dataclass(frozen=True)
class Step:
    """One line of the working: the date it is about, the rule applied and how."""

    date_type: DateType
    rule: str
    detail: str


@dataclass(frozen=True)
class Calculation:
    """The dates, and the working behind each."""

    dates: dict[DateType, date]
    working: tuple[Step, ...] = ()

    def explain(self, date_type: DateType) -> list[Step]:
        return [s for s in self.working if s.date_type == date_type]


@dataclass(frozen=True)
class ManualCalculation:
    """The engine cannot work these dates out; a person must, for the reason given."""

    reason: str


@dataclass
class _SentenceDates:
    """One sentence's own dates, before the booking's sentences are put together."""

    sentence: Sentence
    release_type: DateType = DateType.CRD
    release: date = date.min
    expiry: date = date.min
    unadjusted_expiry: date = date.min
    licence_expiry: date | None = None
    hdced: date | None = None
    tused: date | None = None
    ped: date | None = None
    ersed: date | None = None
    parts: tuple[Sentence, ...] = ()
    has_sled: bool = True
    licence_for_later_offences: bool = False  # licence for the ORA offences of a mix, to half their term
    has_ped: bool = False
    sds_plus_eligible: bool = False
    schemes: tuple[str, ...] = ()  # the early-release schemes that reached this term
    scheme_reached: date | None = None  # the tranche date the last of them reached this term, if serving then
    adjustments: Adjustments = field(default_factory=Adjustments)
    working: list[Step] = field(default_factory=list)
    release_days: int = 0
    # The release before a recall and before it is held at the sentence date (remand longer than the term).
    uncapped_release: date = date.min
    determinate_release: date = date.min
    # The release with only the remand and tagged bail recorded by the sentence date: who is still in custody
    # when a later sentence is passed.
    in_custody_until: date = date.min
    awarded_after_release: int = 0  # added days awarded once released: they do not keep someone in custody

    @property
    def immediate_release(self) -> bool:
        return self.release == self.sentence.sentenced_on


def _out_when(booking: Booking, start: date, day: date) -> date | None:
    """The recorded release, on or after ``start``, that someone was still out on when ``day`` began. Out on
    HDC, early removal (even one that later failed) or end of custody licence, they are out; released
    otherwise, they are still serving if unlawfully at large that day (a release in error; the calculator's
    ``isPersonConsideredOutOfCustodyAtLegislationCommencement``)."""
    before = sorted((m for m in booking.movements if m.on < day), key=lambda m: m.on)
    if not before or before[-1].direction != "OUT" or before[-1].on < start:
        return None
    last = before[-1]
    if last.reason in ("HDC", "ERS", "ECSL"):
        return last.on
    at_large = any(
        e.unlawfully_at_large and e.period is not None and e.period[0] < day <= e.period[1]
        for e in booking.adjustments
    )
    return None if at_large else last.on


def _previous_working_day(day: date, bank_holidays: frozenset[date]) -> date:
    """A release due on a Saturday, a Sunday or a bank holiday takes place on the working day before (the
    calculator's ``WorkingDayService.previousWorkingDay``)."""
    while day.weekday() >= 5 or day in bank_holidays:
        day -= timedelta(days=1)
    return day


def _day(start: date, days: int) -> date:
    """The ``days``-th day counting ``start`` as the first."""
    return start + timedelta(days=days - 1)


def _ceil(value: Fraction) -> int:
    """Round up to a whole day: release is on a day, never part-way through one."""
    return math.ceil(value)


def _shorter_than(length: Duration, start: date, span: Duration) -> bool:
    """Whether a sentence is shorter than ``span`` (12 months, 2 years…) counted from the same day."""
    return length.end_date(start) < span.end_date(start)


def _age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _scheme_tranche(
    scheme: EarlyReleaseScheme, booking: Booking, legislation: Legislation, step: int
) -> Tranche | None:
    """The tranche that reaches this booking; None when every sentence was passed after the scheme began, so
    it applies from the start.

    The tranche goes by the longest term (consecutive sentences together) the person was serving when the
    scheme began: sentences passed before it, in custody or on licence then (under the law before it; the
    calculator's ``SDSTrancheSelectionStrategy.kt``, ``TrancheAllocationService.kt``).
    """
    if all(s.sentenced_on >= scheme.commences for s in booking.sentences):
        return None
    runs = chains(booking.sentences)
    terms = [booking.sentences] if isinstance(runs, ManualCalculation) else runs
    # Each term before the scheme: its start, release at half, and length; merged into periods in custody.
    before_scheme: list[tuple[date, date, int]] = []
    on_licence: list[tuple[date, int]] = []
    whole_terms = (SentenceKind.FINE_DEFAULT, SentenceKind.DTO, SentenceKind.BOTUS)
    for run in terms:
        before = [s for s in run if s.sentenced_on < scheme.commences and s.kind not in whole_terms]
        if before:
            start = min(s.sentenced_on for s in before)
            # Under the law before it: the schemes before it that reached them (not one they were out for).
            prior = step - 1
            while (
                prior > 0 and _out_when(booking, start, legislation.schemes[prior - 1].commences) is not None
            ):
                prior -= 1
            released, _, _ = _release_days(
                tuple(before), [_fraction_at(s, legislation, prior) for s in before], start
            )
            adj = booking.adjustments_for(start, _day(start, released))
            # Added days do not keep someone in custody for this purpose; remand and UAL do.
            shift = timedelta(days=adj.unlawfully_at_large - adj.deducted)
            total = _aggregate_days(start, [s.total for s in before])
            # Recall remand and tagged bail brought the first release forward too.
            first_release = max(start, _day(start, released) + shift - timedelta(days=adj.recall_deducted))
            before_scheme.append((start, first_release, total))
            if _day(start, total) + shift - timedelta(days=adj.recall_deducted) >= scheme.commences:
                on_licence.append((start, total))
    periods: list[list[tuple[date, date, int]]] = []
    for term in sorted(before_scheme):
        if periods and term[0] <= max(t[1] for t in periods[-1]):
            periods[-1].append(term)
        else:
            periods.append([term])
    serving = [
        (t[0], t[2]) for period in periods if max(t[1] for t in period) >= scheme.commences for t in period
    ]
    if not serving:
        return scheme.tranches[0]
    serving += [t for t in on_licence if t not in serving]
    start, days = max(serving, key=lambda term: term[1])
    for tranche in scheme.tranches:
        if tranche.max_years_exclusive is not None:
            if days < Duration(years=tranche.max_years_exclusive).length_in_days(start):
                return tranche
        elif tranche.max_days_inclusive is not None:
            if days <= tranche.max_days_inclusive:
                return tranche
        else:
            return tranche
    return scheme.tranches[-1]


def _scheme_applies(
    scheme: EarlyReleaseScheme, sentence: Sentence, serving_later: bool = False
) -> str | None:
    """None when an early-release scheme reaches this sentence, else why not. ``serving_later``: still in
    custody when the scheme's later exclusions came in, which reach such people too."""
    if sentence.kind is not SentenceKind.STANDARD:
        return "not a standard sentence"
    if sentence.sds_plus and scheme.sds_plus_fraction is None:
        return "SDS+"
    if sentence.exclusions & scheme.exclusions:
        return "excluded: " + ", ".join(sorted(sentence.exclusions & scheme.exclusions))
    later = scheme.later_exclusions_from
    if (
        later
        and (serving_later or sentence.sentenced_on >= later)
        and sentence.exclusions & scheme.later_exclusions
    ):
        return f"excluded from {later}: " + ", ".join(sorted(sentence.exclusions & scheme.later_exclusions))
    if scheme.excludes_section_250 and sentence.section_250:
        return "detention under the Sentencing Code s.250"
    if scheme.excludes_would_be_sds_plus and not sentence.sds_plus and sentence.sds_plus_eligible:
        return "an offence that would make it SDS+ if sentenced today"
    return None


def _fraction_at(
    sentence: Sentence, legislation: Legislation, step: int, serving_later: bool = False
) -> Fraction:
    """The release fraction of a sentence once the first ``step`` schemes have come in."""
    if sentence.kind is SentenceKind.EXTENDED:
        return TWO_THIRDS if sentence.automatic_release else WHOLE
    if sentence.kind is SentenceKind.SOPC:
        return WHOLE  # the end of the custodial term; parole before it
    if sentence.kind is SentenceKind.FINE_DEFAULT:
        large = (sentence.fine_amount or 0) >= FINE_FULL_TERM_AMOUNT
        return WHOLE if large and sentence.sentenced_on >= FINE_FULL_TERM_FROM else HALF
    fraction = legislation.sds_plus_fraction if sentence.sds_plus else legislation.sds_fraction
    for scheme in legislation.schemes[:step]:
        if _scheme_applies(scheme, sentence, serving_later) is None:
            fraction = (scheme.sds_plus_fraction or fraction) if sentence.sds_plus else scheme.fraction
    return fraction


def _hdc(
    rules: HdcRules,
    sentence: Sentence,
    custodial: Fraction,
    crd: date,
    adj: Adjustments,
    parts: tuple[Sentence, ...] = (),
) -> tuple[date | None, str]:
    """Home Detention Curfew eligibility (CJA 2003 s.246), as the rules stood on the date it falls.
    Consecutive sentences passed either side of the 365-day change come under it (``HdcedCalculator.kt``)."""
    start = sentence.sentenced_on
    if crd < start + timedelta(days=rules.minimum_days_served):
        return None, "the adjusted release date is within 14 days of sentence"
    if _ceil(custodial) < rules.minimum_custodial_days:
        return None, f"the custodial period is under {rules.minimum_custodial_days} days"

    def under(midpoint: int, deduction: int) -> tuple[date, date, str]:
        if _ceil(custodial) < midpoint:
            days = max(rules.below_midpoint_minimum_days, _ceil(custodial * HALF))
            rule = (
                f"half the custodial period (at least {rules.below_midpoint_minimum_days} days): {days} days"
            )
        else:
            # The release point less the deduction, counted from the sentence date.
            days = _ceil(custodial) - (deduction + 1)
            rule = f"{deduction} days before the release point (custodial period of {midpoint} days or more)"
        with_ual = start + timedelta(days=days - adj.deducted + adj.unlawfully_at_large)
        if start + timedelta(days=rules.minimum_days_served) >= with_ual - timedelta(
            days=adj.unlawfully_at_large
        ):
            with_ual = start + timedelta(days=rules.minimum_days_served + adj.unlawfully_at_large)
            rule = f"at least {rules.minimum_days_served} days after sentence"
        return with_ual, with_ual + timedelta(days=adj.awarded), rule

    before = under(rules.midpoint_days_before_365, rules.deduction_days_before_365)
    spans = any(p.sentenced_on < rules.from_365 for p in parts) and any(
        p.sentenced_on >= rules.from_365 for p in parts
    )
    if (max(before[0], rules.from_365) if spans else before[0]) < rules.from_365:
        return before[1], f"HDC 180 rules: {before[2]}"
    after = under(rules.midpoint_days_from_365, rules.deduction_days_from_365)
    if after[0] >= rules.from_365:
        return after[1], f"HDC 365 rules: {after[2]}"
    return rules.from_365 + timedelta(days=adj.awarded), "HDC 365 rules, not before their commencement"


def _aggregate_days(start: date, lengths: list[Duration]) -> int:
    """Days in sentences served one after another from ``start``.

    Runs of months and years are added together before counting, as are runs of weeks and days (PSI 5.5 on
    aggregating consecutive terms): 3 months then 5 months count as 8 months from the start, not as 3 months
    and then 5 months from a later day.
    """
    if len(lengths) == 1:
        return lengths[0].length_in_days(start)
    runs: list[Duration] = []
    working: Duration | None = None
    for length in lengths:
        for part, months_kind in (
            (Duration(years=length.years, months=length.months), True),
            (Duration(weeks=length.weeks, days=length.days), False),
        ):
            if part == Duration():
                continue
            if working is None:
                working = part
            elif working.has_months_or_years == months_kind:
                working = working + part
            else:
                runs.append(working)
                working = part
    if working is not None:
        runs.append(working)
    day = start
    for run in runs:
        day += timedelta(days=run.length_in_days(day))
    return (day - start).days


def _has_parole(sentence: Sentence) -> bool:
    """Released at the Parole Board's direction from a parole eligibility date (EDS, SOPC)."""
    return sentence.kind is SentenceKind.SOPC or (
        sentence.kind is SentenceKind.EXTENDED and not sentence.automatic_release
    )


def _ped_fraction(sentence: Sentence) -> Fraction:
    if sentence.kind is SentenceKind.SOPC and not (sentence.under_18_sopc or sentence.sentenced_on >= PCSC):
        return HALF
    return TWO_THIRDS


def _release_days(
    parts: tuple[Sentence, ...], fractions: list[Fraction], start: date
) -> tuple[int, int | None, str]:
    """Days to release (and to parole eligibility) of sentences served one after another.

    Sentences released automatically are counted first, grouped by release fraction in order of first
    appearance, each group from the day after the previous group's notional release; sentences with parole
    eligibility come last.
    """
    if len(parts) == 1:
        days = parts[0].length.length_in_days(start)
        release = _ceil(days * fractions[0])
        ped = _ceil(release * _ped_fraction(parts[0])) if _has_parole(parts[0]) else None
        return release, ped, f"{days} days × {fractions[0]} = {release} days"
    groups: dict[Fraction, list[Sentence]] = {}
    parole: list[Sentence] = []
    for part, fraction in zip(parts, fractions, strict=True):
        (parole if _has_parole(part) else groups.setdefault(fraction, [])).append(part)
    ordered: list[tuple[Fraction, list[Sentence]]] = list(groups.items())
    if parole:
        ordered.append((fractions[parts.index(parole[0])], parole))
    total, ped, notional, working = 0, None, None, []
    for fraction, group in ordered:
        group_start = notional + timedelta(days=1) if notional else start
        days = _aggregate_days(group_start, [p.length for p in group])
        if group is parole:
            first = _ped_fraction(group[0])
            same = [p for p in group if _ped_fraction(p) == first]
            other = [p for p in group if _ped_fraction(p) != first]
            to_ped = _ceil(_aggregate_days(group_start, [p.length for p in same]) * first)
            if other:
                notional_ped = _day(group_start, to_ped)
                to_ped += _ceil(
                    _aggregate_days(notional_ped, [p.length for p in other]) * _ped_fraction(other[0])
                )
            ped = total + to_ped
        released = _ceil(days * fraction)
        notional = _day(group_start, released)
        total += released
        working.append(f"{days} days × {fraction} = {released} days from {group_start}")
    return total, ped, "; ".join(working)


def _calculable(
    parts: tuple[Sentence, ...], booking: Booking, legislation: Legislation
) -> _SentenceDates | ManualCalculation:
    """The dates of one sentence, or of sentences served one after another (consecutive), as if alone."""
    start = min(p.sentenced_on for p in parts)
    offences = [p.offence_on for p in parts if p.offence_on is not None]
    offence_on = min(offences) if offences else None
    # Standard sentences and terms in default of a fine are determinate terms released automatically.
    all_standard = all(p.kind in (SentenceKind.STANDARD, SentenceKind.FINE_DEFAULT) for p in parts)
    fines_only = all(p.kind is SentenceKind.FINE_DEFAULT for p in parts)
    # Offences before 4 April 2005 sentenced before LASPO came in (3 December 2012): CJA 2003 release as
    # modified for them (Schedule 20A; LASPO s.121): from 12 months to under 4 years, licence only to the
    # three-quarter point (the calculator's ``beforeCJAAndLASPO``, ``calculateLED``).
    pre_cja = all(
        p.kind is SentenceKind.STANDARD
        and p.sentenced_on < LASPO
        and p.offence_on is not None
        and p.offence_on < CJA_2003
        for p in parts
    )
    combined = parts[0].total
    for p in parts[1:]:
        combined = combined + p.total
    sentence = (
        parts[0]
        if len(parts) == 1
        else Sentence(
            kind=SentenceKind.STANDARD if all_standard else parts[0].kind,
            sentenced_on=start,
            length=combined,
            offence_on=offence_on,
            sds_plus=all(p.sds_plus for p in parts),
            sds_plus_eligible=any(p.sds_plus_eligible for p in parts),
            identifier="+".join(p.identifier for p in parts),
        )
    )
    work = _SentenceDates(sentence, parts=parts)
    total_days = _aggregate_days(start, [p.total for p in parts])
    expiry = _day(start, total_days)
    fractions = [_fraction_at(p, legislation, 0) for p in parts]
    release_days, ped_days, release_rule = _release_days(parts, fractions, start)
    # Which adjustments count goes by the release under the law in force on the sentence date.
    in_force = sum(1 for sc in legislation.schemes if sc.commences <= start)
    in_force_days = _release_days(parts, [_fraction_at(p, legislation, in_force) for p in parts], start)[0]
    adj = booking.adjustments_for(start, _day(start, in_force_days))
    if all(p.kind is SentenceKind.FINE_DEFAULT and p.offence_code in CIVIL_OFFENCE_CODES for p in parts):
        adj = dataclasses.replace(adj, remand=0, tagged_bail=0)
    release_shift = -adj.deducted + adj.unlawfully_at_large + adj.awarded
    adjusted = f"{-adj.deducted:+d} deducted, {adj.unlawfully_at_large:+d} UAL, {adj.awarded:+d} awarded"

    def custodial_of(fr: list[Fraction], days: int) -> Fraction:
        return parts[0].length.length_in_days(start) * fr[0] if len(parts) == 1 else Fraction(days)

    custodial = custodial_of(fractions, release_days)
    unadjusted_release = _day(start, release_days)
    release = unadjusted_release + timedelta(days=release_shift)
    release_rule = f"{release_rule} from {start}; {adjusted}"
    uncapped = release  # not held back to a tranche's commencement
    # Each early-release scheme in turn: it reaches someone already serving on their tranche's date, unless
    # they were released before it. ``reaches`` and ``before_scheme`` keep the last one that did.
    reaches: date | None = None
    reach_awarded = 0  # days awarded that count after the scheme's date, where the scheme says so
    # custodial days, unadjusted and adjusted release, before the last scheme that reached them
    before_scheme: tuple[Fraction, date, date] | None = None
    applied: list[EarlyReleaseScheme] = []
    ped_before_scheme: int | None = None
    for step, scheme in enumerate(legislation.schemes, start=1):
        new = [_fraction_at(p, legislation, step) for p in parts]
        if new == fractions:
            for p in parts:
                why = _scheme_applies(scheme, p)
                if why and p.kind is SentenceKind.STANDARD:
                    work.working.append(Step(DateType.CRD, f"not under {scheme.name}", why))
            continue
        # Sentences passed after the scheme began are under it from the start, whatever else is served.
        tranche = None if start >= scheme.commences else _scheme_tranche(scheme, booking, legislation, step)
        new_days, new_ped, new_rule = _release_days(parts, new, start)
        new_release = _day(start, new_days) + timedelta(days=release_shift)
        state = (custodial_of(new, new_days), new_days, new_ped, _day(start, new_days))
        if tranche is None:
            released_on = new_release
            rule = f"{new_rule} from {start} ({scheme.name}); {adjusted}"
            reaches, before_scheme = None, None
        else:
            awarded = adj.awarded if scheme.awarded_days_after else 0
            # Remand and tagged bail before a recall counted towards the first release too.
            if release - timedelta(days=awarded + adj.recall_deducted) < tranche.commences:
                work.working.append(
                    Step(DateType.CRD, f"not under {scheme.name}", f"released before {tranche.commences}")
                )
                break
            # So does someone the prison recorded as released (on HDC, say) and still out when it began.
            out = _out_when(booking, start, tranche.commences)
            if out is not None:
                work.working.append(
                    Step(
                        DateType.CRD,
                        f"not under {scheme.name}",
                        f"released on {out}, out on {tranche.commences}",
                    )
                )
                continue
            reaches = tranche.commences
            reach_awarded = awarded
            before_scheme = (custodial, unadjusted_release, release)
            ped_before_scheme = ped_days
            released_on = max(new_release, tranche.commences + timedelta(days=awarded))
            rule = f"{new_rule} from {start} ({scheme.name} {tranche.name}); {adjusted}"
            if released_on > new_release:
                rule = f"{scheme.name} {tranche.name}: released on its commencement, {tranche.commences}"
        fractions, (custodial, release_days, ped_days, unadjusted_release) = new, state
        release, release_rule, uncapped = released_on, rule, new_release
        applied.append(scheme)
    # Offences a scheme excluded later reach those still in custody then, back at the previous fraction and
    # released no earlier than that day (SI 2024/1331 art. 3; the calculator's legislation amendment event).
    for scheme in applied:
        amended_on = scheme.later_exclusions_from
        if (
            amended_on is None
            or not start < amended_on <= release
            or not any(p.exclusions & scheme.later_exclusions for p in parts)
        ):
            continue
        step = legislation.schemes.index(applied[-1]) + 1
        new = [_fraction_at(p, legislation, step, serving_later=True) for p in parts]
        if new == fractions:
            continue
        new_days, new_ped, new_rule = _release_days(parts, new, start)
        new_release = _day(start, new_days) + timedelta(days=release_shift)
        fractions, custodial = new, custodial_of(new, new_days)
        release_days, ped_days, unadjusted_release = new_days, new_ped, _day(start, new_days)
        release, uncapped = max(new_release, amended_on), new_release
        release_rule = f"{new_rule} from {start} ({scheme.name} exclusions from {amended_on}); {adjusted}"
    work.schemes = tuple(sc.name for sc in applied)
    work.scheme_reached = reaches
    # A release is never before the sentence date (remand longer than the custodial period).
    work.uncapped_release = uncapped
    later = adj.deducted - sum(
        e.deducted for e in booking.adjustments if e.applies_from is None or e.applies_from <= start
    )
    work.awarded_after_release = sum(
        e.awarded
        for e in booking.adjustments
        if e.applies_from is not None and e.applies_from > release - timedelta(days=adj.awarded)
    )
    work.in_custody_until = max(release + timedelta(days=later - work.awarded_after_release), start)
    release = max(release, start)
    work.release_days = release_days

    two_years = Duration(years=2).length_in_days(start)
    under_12_months = total_days < Duration(months=12).length_in_days(start)
    ora_parts = [
        p.offence_on is not None and p.offence_on >= ORA for p in parts if p.kind is SentenceKind.STANDARD
    ]
    # Consecutive sentences under 12 months for offences before and after 1 February 2015 (PSI 03/2015
    # example 25): released on licence for half the length of the later offences' sentences, then to expiry
    # without it (``SentenceAdjustedCalculationService.calculateLED``).
    mixed_ora = len(parts) > 1 and all_standard and any(ora_parts) and not all(ora_parts) and under_12_months
    no_licence = not mixed_ora and (
        fines_only
        or (
            all_standard
            and (
                total_days <= 1
                # Before the ORA 2014, and for those under 18 when released, under 12 months carries no
                # licence.
                or (
                    under_12_months
                    and offence_on is not None
                    and offence_on < ORA
                    and not any(sc.licence_for_short_pre_ora for sc in applied)
                )
                or (under_12_months and _age_on(booking.date_of_birth, release) < 18)
            )
        )
    )
    work.unadjusted_expiry = expiry
    work.adjustments = adj
    work.expiry = max(expiry + timedelta(days=-adj.deducted + adj.unlawfully_at_large), start)
    back = booking.back_from_unlawfully_at_large(start, work.expiry)
    if back is not None and back > work.expiry:
        work.expiry = back
    # Days awarded that would hold someone past the sentence expiry are unused: released at the expiry, and
    # the HDC date comes as much earlier (``TimelineCalculator.calculateUnusedAdas``).
    unused_awarded = max(0, (release - work.expiry).days) if adj.awarded > 0 else 0
    release -= timedelta(days=unused_awarded)
    work.release = work.determinate_release = release
    expiry_rule = (
        f"{total_days} days from {start}; {-adj.deducted:+d} deducted, {adj.unlawfully_at_large:+d} UAL"
    )
    if len(parts) > 1:
        work.working.append(
            Step(DateType.CRD, "consecutive sentences", f"{len(parts)} sentences served in turn")
        )
    if mixed_ora:
        ora_lengths = [
            p.length
            for p in parts
            if p.kind is SentenceKind.STANDARD and p.offence_on and p.offence_on >= ORA
        ]
        licence_days = _aggregate_days(start, ora_lengths) // 2
        work.has_sled = False
        work.licence_for_later_offences = True
        work.licence_expiry = release + timedelta(days=licence_days)
        work.working += [
            Step(DateType.CRD, "release point", release_rule),
            Step(DateType.LED, "licence for the later offences", f"half their {licence_days * 2} days or so"),
            Step(DateType.SED, "sentence expiry", expiry_rule),
        ]
    elif pre_cja and not no_licence and total_days < Duration(years=4).length_in_days(start):
        licence_days = _ceil(Fraction(total_days) * Fraction(3, 4))
        work.has_sled = False
        work.licence_expiry = max(
            _day(start, licence_days) + timedelta(days=adj.unlawfully_at_large - adj.deducted), start
        )
        work.working += [
            Step(DateType.CRD, "release point", release_rule),
            Step(DateType.LED, "licence to the three-quarter point", f"{licence_days} days from {start}"),
            Step(DateType.SED, "sentence expiry", expiry_rule),
        ]
    elif no_licence:
        work.release_type, work.has_sled = DateType.ARD, False
        work.working += [
            Step(DateType.ARD, "automatic release, no licence", release_rule),
            Step(DateType.SED, "sentence expiry", expiry_rule),
        ]
    else:
        work.licence_expiry = work.expiry
        work.working += [
            Step(DateType.CRD, "release point", release_rule),
            Step(DateType.SLED, "sentence and licence expiry", expiry_rule),
        ]
    if ped_days is not None:
        work.has_ped = True
        work.ped = _day(start, ped_days) + timedelta(days=release_shift)
        if reaches is not None and ped_before_scheme is not None:
            # Parole eligibility reached before the scheme reached them stands; otherwise not before it.
            old_ped = _day(start, ped_before_scheme) + timedelta(days=release_shift)
            work.ped = (
                old_ped if old_ped < reaches else max(work.ped, reaches + timedelta(days=reach_awarded))
            )
        work.working.append(Step(DateType.PED, "parole eligibility", f"{ped_days} days from {start}"))
    if all_standard and not fines_only:
        work.sds_plus_eligible = sentence.sds_plus_eligible
        if not booking.sex_offender and not sentence.sds_plus_eligible:
            work.hdced, why = _hdc(legislation.hdc, sentence, custodial, release, adj, parts)
            if reaches is not None and before_scheme is not None:
                # Eligible for HDC before the scheme reached them: that stands; otherwise not before it did.
                old_hdced, old_why = _hdc(
                    legislation.hdc, sentence, before_scheme[0], before_scheme[2], adj, parts
                )
                if old_hdced is not None and old_hdced < reaches:
                    work.hdced, why = old_hdced, f"{old_why} (before the early release scheme reached them)"
                elif work.hdced is not None and work.hdced < reaches + timedelta(days=reach_awarded):
                    work.hdced = reaches + timedelta(days=reach_awarded)
                    why = (
                        "not before the early release scheme reached them "
                        f"({reaches}, {reach_awarded:+d} awarded)"
                    )
            if work.hdced is not None and unused_awarded:
                work.hdced -= timedelta(days=unused_awarded)
                why = f"{why}; {-unused_awarded:+d} days awarded beyond the sentence expiry"
            if work.hdced is not None:
                work.working.append(Step(DateType.HDCED, "home detention curfew (CJA 2003 s.246)", why))
        if legislation.top_up_supervision and any(ora_parts) and total_days < two_years:
            work.tused = _top_up(sentence, booking, adj, release_days, total_days, release)
        if work.tused is not None:
            work.working.append(
                Step(
                    DateType.TUSED, "top-up supervision (ORA 2014)", f"12 months from the release ({release})"
                )
            )
    if booking.early_removal and not fines_only:
        rules = legislation.early_removal
        found = _early_removal(work, adj, unadjusted_release, rules)
        if found is not None and reaches is not None and before_scheme is not None:
            new_release, work.release = work.release, before_scheme[2]
            old_found = _early_removal(work, adj, before_scheme[1], rules)
            work.release = new_release
            if old_found is not None and old_found[0] < reaches:
                found = (old_found[0], f"{old_found[1]} (before the early release scheme reached them)")
            elif found[0] < reaches + timedelta(days=reach_awarded):
                # Added days count after the scheme's date, as for the release.
                floor = reaches + timedelta(days=reach_awarded)
                found = (
                    floor,
                    "not before the early release scheme reached them "
                    f"({reaches}, {reach_awarded:+d} awarded)",
                )
        if found is not None:
            work.ersed = found[0]
            work.working.append(Step(DateType.ERSED, "early removal scheme (CJA 2003 s.260)", found[1]))
    return work


def _top_up(
    sentence: Sentence, booking: Booking, adj: Adjustments, release_days: int, total_days: int, release: date
) -> date | None:
    """Top-up supervision to 12 months after release, for sentences over a day and under 2 years (ORA
    2014)."""
    start = sentence.sentenced_on
    if total_days <= 1:
        return None
    if _age_on(booking.date_of_birth, _day(start, _ceil(total_days * HALF))) <= 18:
        return None
    if total_days - release_days >= 365:
        return None
    if release == start:
        return add_months(start, 12)
    return add_months(_day(start, release_days) + timedelta(days=adj.unlawfully_at_large - adj.deducted), 12)


def _early_removal(
    work: _SentenceDates, adj: Adjustments, unadjusted_release: date, rules: EarlyRemovalRules
) -> tuple[date, str] | None:
    """Early removal scheme eligibility (CJA 2003 s.260), with its working: before ERS30, the later of half
    the time to release and 544 days before it; from ERS30, 30% and 4 years."""
    start = work.sentence.sentenced_on
    effective = work.ped if work.ped is not None else work.release
    unadjusted_effective = (
        work.ped - timedelta(days=-adj.deducted + adj.unlawfully_at_large + adj.awarded)
        if work.ped is not None
        else unadjusted_release
    )

    def scheme(fraction: Fraction, longest: date) -> tuple[date, date, str]:
        days_until = (unadjusted_effective - start).days + 1
        minimum = start + timedelta(days=_ceil(days_until * fraction))
        minimum = min(
            minimum + timedelta(days=-adj.deducted + adj.unlawfully_at_large + adj.awarded), effective
        )
        ersed, why = (
            (minimum, f"{fraction} of {days_until} days to release")
            if minimum > longest
            else (longest, f"the longest period before release ({effective})")
        )
        added = adj.unlawfully_at_large + adj.awarded
        if ersed - timedelta(days=added) < start:
            return (
                start + timedelta(days=added),
                start + timedelta(days=adj.unlawfully_at_large),
                "sentence date",
            )
        return ersed, ersed - timedelta(days=adj.awarded), why

    after = start >= rules.ers30_from
    ers50 = (
        None if after else scheme(rules.ers50_fraction, effective - timedelta(days=rules.ers50_longest_days))
    )
    ers30 = scheme(rules.ers30_fraction, add_months(effective, -rules.ers30_longest_months))
    if ers50 is not None and ers50[1] < rules.ers30_from:
        return ers50[0], f"ERS50: {ers50[2]}"
    if after or ers30[1] >= rules.ers30_from:
        return ers30[0], f"ERS30: {ers30[2]}"
    return rules.ers30_from + timedelta(days=adj.awarded), f"ERS30, not before it began ({rules.ers30_from})"


def chains(sentences: tuple[Sentence, ...]) -> list[tuple[Sentence, ...]] | ManualCalculation:
    """The booking's sentences as the terms served side by side: a concurrent sentence alone, or a run of
    consecutive sentences in order. A sentence followed by two others starts two runs."""
    by_id = {s.identifier: s for s in sentences if s.identifier}
    followers: dict[str, list[Sentence]] = {}
    for s in sentences:
        if s.consecutive_to:
            if s.consecutive_to not in by_id:
                return ManualCalculation(
                    f"a sentence is consecutive to one not in the booking ({s.consecutive_to})"
                )
            followers.setdefault(s.consecutive_to, []).append(s)
    runs: list[tuple[Sentence, ...]] = []

    def walk(run: tuple[Sentence, ...]) -> None:
        if len(run) > len(sentences):
            raise ValueError("consecutive sentences in a loop")
        nexts = followers.get(run[-1].identifier, []) if run[-1].identifier else []
        if not nexts:
            runs.append(run)
        for n in nexts:
            walk((*run, n))

    try:
        for s in sentences:
            if not s.consecutive_to:
                walk((s,))
    except ValueError as loop:
        return ManualCalculation(str(loop))
    if not runs:
        return ManualCalculation("consecutive sentences in a loop")
    return runs


def calculate(booking: Booking, legislation: Legislation = CURRENT) -> Calculation | ManualCalculation:
    """Release dates for a booking: its concurrent terms (single sentences or consecutive runs) together."""
    if not booking.sentences:
        return ManualCalculation("there are no sentences")
    result = _remand_before_any_sentence(booking) or _calculate(booking, legislation)
    return _dates_before_commencement(result, booking, legislation)


def _dates_before_commencement(
    result: Calculation | ManualCalculation, booking: Booking, legislation: Legislation
) -> Calculation | ManualCalculation:
    """A scheme that keeps the dates before it (the progression model): the booking's CRD, PED and ERSED
    worked out under the law without it stand where they fell, less the added days awarded, before the
    scheme's tranche reached the booking (``SDSProgressionModelFinalDatesService.applyFinalDates``, with its
    ``ProgressionModelLegislation.applyDefaulting``, from the snapshot taken at that tranche)."""
    if not isinstance(result, Calculation):
        return result
    for step, scheme in enumerate(legislation.schemes, start=1):
        if not scheme.keeps_dates_before_commencement:
            continue
        # The day the scheme reached this booking: its tranche's, or its start for sentences all passed after.
        tranche = _scheme_tranche(scheme, booking, legislation, step)
        reached = tranche.commences if tranche is not None else scheme.commences
        before = calculate(
            booking,
            dataclasses.replace(legislation, schemes=tuple(s for s in legislation.schemes if s != scheme)),
        )
        if not isinstance(before, Calculation):
            continue
        awarded = timedelta(
            days=sum(e.additional_days_awarded - e.restored_days for e in booking.adjustments)
        )
        dates = dict(result.dates)
        kept: list[DateType] = []
        for date_type in (DateType.CRD, DateType.PED, DateType.ERSED):
            standard = before.dates.get(date_type)
            if (
                date_type in dates
                and standard is not None
                and standard - awarded < reached
                and dates[date_type] != standard
            ):
                dates[date_type] = standard
                kept.append(date_type)
        if kept:
            working = tuple(s for s in result.working if s.date_type not in kept) + tuple(
                Step(
                    t,
                    f"before {scheme.name}",
                    f"the date under the law before it, reached before {reached}",
                )
                for t in kept
            )
            result = Calculation(dates=dates, working=working)
    return result


def _calculate(booking: Booking, legislation: Legislation) -> Calculation | ManualCalculation:
    breaches = [s for s in booking.sentences if s.kind is SentenceKind.BOTUS]
    if breaches:
        if len(breaches) == len(booking.sentences):
            return _breach_of_top_up(booking)
        if any(s.kind is SentenceKind.DTO for s in booking.sentences):
            return ManualCalculation(
                "a committal for breach of top-up supervision with a detention and training order"
            )
    dtos = [s for s in booking.sentences if s.kind is SentenceKind.DTO]
    if dtos:
        if len(dtos) < len(booking.sentences):
            return _with_detention_and_training(booking, legislation)
        return _detention_and_training(booking, legislation)
    runs = chains(booking.sentences)
    if isinstance(runs, ManualCalculation):
        return runs
    single = _single_term(booking.sentences)
    if single is not None:
        runs = [(single,)]
    found = _each_term(runs, booking, legislation)
    if isinstance(found, ManualCalculation):
        return found
    results = found
    _inherit_recall_remand(results, booking)
    for r in results:
        if r.parts[0].recall:
            refused = _apply_recall(r, booking, legislation)
            if refused is not None:
                return refused
    refused = (
        _extinguished(results, booking)
        or _unsettled_offence(results, booking, legislation)
        or _remand_overlaps(results, booking)
        or _out_on_commencement(results, booking, legislation)
        or _consecutive_between_tranches(booking, legislation)
    )
    if refused is not None:
        return refused
    if len(results) == 1:
        one = results[0]
        calculation = _recalled(one) if one.release_type is DateType.PRRD else _alone(one)
    else:
        mixed = _mixed_fixed_term_recalls(_concurrent(results), results, booking)
        if isinstance(mixed, ManualCalculation):
            return mixed
        calculation = mixed
    calculation = _without_repealed_hdc(calculation, results, legislation)
    refused = (
        _early_removal_either_side(calculation, booking, legislation)
        or _joined_after_parole_eligibility(calculation, booking, legislation)
        or _hdc_during_fine_default(calculation, results)
        or _hdc_on_tranche_date_with_added_days(calculation, booking, legislation)
    )
    if refused is not None:
        return refused
    return _on_home_detention_curfew(calculation, booking, legislation) or calculation


def _inherit_recall_remand(results: list[_SentenceDates], booking: Booking) -> None:
    """A recalled term passed while another recalled term was still in custody takes on the recall remand and
    tagged bail recorded against that one (the calculator's
    ``shareAdjustmentsFromExistingCustodialSentencesToNewlySentenced``)."""
    for r in results:
        if not r.parts[0].recall:
            continue
        start = r.sentence.sentenced_on
        inherited = [
            e
            for e in booking.adjustments
            if e.recall_deducted
            and e.applies_from is not None
            and e.applies_from < start
            and any(
                q.parts[0].recall
                and q.sentence.sentenced_on == e.applies_from
                and q.determinate_release - timedelta(days=q.adjustments.recall_deducted) >= start
                and _out_when(booking, q.sentence.sentenced_on, start) is None
                for q in results
            )
        ]
        if inherited:
            r.adjustments = r.adjustments + Adjustments(
                recall_remand=sum(e.recall_remand for e in inherited),
                recall_tagged_bail=sum(e.recall_tagged_bail for e in inherited),
            )


def _single_term(sentences: tuple[Sentence, ...]) -> Sentence | None:
    """Concurrent sentences passed on different days before LASPO came in (3 December 2012) for offences
    before 4 April 2005 are served as a single term, from the first sentence date to the last expiry (CJA 1991
    s.51(2); the calculator's ``SingleTermSentence``)."""
    if len(sentences) < 2 or len({s.sentenced_on for s in sentences}) < 2:
        return None
    if not all(
        s.kind is SentenceKind.STANDARD
        and s.extension is None
        and not s.consecutive_to
        and not s.recall
        and s.sentenced_on < LASPO
        and s.offence_on is not None
        and s.offence_on < CJA_2003
        for s in sentences
    ):
        return None
    start = min(s.sentenced_on for s in sentences)
    end = max(s.length.end_date(s.sentenced_on) for s in sentences)
    return Sentence(
        kind=SentenceKind.STANDARD,
        sentenced_on=start,
        length=Duration(days=(end - start).days + 1),
        offence_on=min(s.offence_on for s in sentences if s.offence_on is not None),
        identifier="+".join(s.identifier for s in sentences),
    )


def _on_home_detention_curfew(
    calculation: Calculation, booking: Booking, legislation: Legislation
) -> ManualCalculation | None:
    """Someone out on HDC when it ended for adults, with an HDC date still to give, needs a manual calculation
    (``HdcedRepealValidator.kt``)."""
    if legislation.hdc.adult_stop_from is None or DateType.HDCED not in calculation.dates:
        return None
    on_hdc = max(
        (m.on for m in booking.movements if m.direction == "OUT" and m.reason == "HDC"), default=None
    )
    if on_hdc is None or any(m.direction == "IN" and m.on >= on_hdc for m in booking.movements):
        return None
    return ManualCalculation(f"released on HDC on {on_hdc}, and HDC for adults has ended")


def _each_term(
    runs: list[tuple[Sentence, ...]], booking: Booking, legislation: Legislation
) -> list[_SentenceDates] | ManualCalculation:
    """Each term's own dates. Adjustments recorded against a sentence date count only within the period in
    custody that sentence belongs to: someone released and sentenced again starts afresh (the calculator's
    timeline, ``TimelineSentenceCalculationHandler.kt``, shares deductions with the sentences in custody)."""
    results: list[_SentenceDates] = []
    for run in runs:
        one = _term(run, booking, legislation)
        if isinstance(one, ManualCalculation):
            return one
        results.append(one)
    periods = _custody_periods(results, booking.releases())
    if len(periods) < 2 or not booking.adjustments:
        return _served_awarded(results, booking, legislation)
    # A recall brings someone back into custody: other than remand and tagged bail, the entries are not
    # divided between the periods then.
    recalls = any(s.recall for s in booking.sentences)
    starts = [min(r.sentence.sentenced_on for r in period) for period in periods]
    ends = [max(r.in_custody_until for r in period) for period in periods]

    def owner(e: Adjustments) -> int | None:
        """The period an entry recorded against a date belongs to. Added days awarded after a period's last
        release (on remand, say) wait for the next sentence (the calculator's prospective added days)."""
        if e.applies_from is None:
            return None
        index = max((i for i, start in enumerate(starts) if start <= e.applies_from), default=0)
        if e.awarded and e.applies_from > ends[index] and index + 1 < len(starts):
            return index + 1
        return index

    by_run: dict[int, _SentenceDates] = {}
    for index, period in enumerate(periods):
        entries = tuple(
            e for e in booking.adjustments if owner(e) in (None, index) or (recalls and not e.deducted)
        )
        within = dataclasses.replace(booking, adjustments=entries)
        for r in period:
            one = _term(r.parts, within, legislation)
            if isinstance(one, ManualCalculation):
                return one
            by_run[id(r)] = one
        served = _served_awarded([by_run[id(r)] for r in period], within, legislation)
        if isinstance(served, ManualCalculation):
            return served
        for r, one in zip(period, served, strict=True):
            by_run[id(r)] = one
    return [by_run[id(r)] for r in results]


def _served_awarded(
    terms: list[_SentenceDates], booking: Booking, legislation: Legislation
) -> list[_SentenceDates] | ManualCalculation:
    """A sentence passed while someone is held only by added days has served those days since the release they
    would have had without them: they count as served towards it (the calculator's ``findServedAdas``: the
    days between that release and the sentence date, less one)."""
    done: dict[int, tuple[_SentenceDates, int]] = {}  # each term, as worked out again, and its days served
    for r in sorted(terms, key=lambda t: t.sentence.sentenced_on):
        start = r.sentence.sentenced_on
        served = 0
        if r.adjustments.awarded > 0 and not r.parts[0].recall:
            for e, e_served in done.values():
                if e.parts[0].recall or e.sentence.sentenced_on >= start or e.determinate_release < start:
                    continue
                # Those still in custody pass on the days they served; and the days since the release they
                # would have had without the added days are served now.
                served = max(served, e_served)
                without = e.uncapped_release - timedelta(days=e.adjustments.awarded)
                if without < start:
                    served = max(served, (start - without).days - 1)
        served = min(served, r.adjustments.awarded)
        if served <= 0:
            done[id(r)] = (r, 0)
            continue
        extra = Adjustments(restored_days=served)
        one = _term(
            r.parts, dataclasses.replace(booking, adjustments=(*booking.adjustments, extra)), legislation
        )
        if isinstance(one, ManualCalculation):
            return one
        one.working.append(
            Step(DateType.CRD, "added days already served", f"{served} days served before {start}")
        )
        done[id(r)] = (one, served)
    return [done[id(r)][0] for r in terms]


def _term(
    parts: tuple[Sentence, ...], booking: Booking, legislation: Legislation
) -> _SentenceDates | ManualCalculation:
    """One term's own dates: a committal for breach of top-up supervision, or any other sentence or run."""
    if any(p.kind is SentenceKind.BOTUS for p in parts):
        if not all(p.kind is SentenceKind.BOTUS for p in parts):
            return ManualCalculation(
                "a committal for breach of top-up supervision consecutive to another sentence"
            )
        return _committal_term(parts, booking)
    return _calculable(parts, booking, legislation)


def _committal_term(parts: tuple[Sentence, ...], booking: Booking) -> _SentenceDates:
    """A committal for breach of top-up supervision among other sentences: served in full without licence;
    only time unlawfully at large counts (``TimelineCalculator.setAdjustments`` drops remand and tagged
    bail)."""
    start = min(p.sentenced_on for p in parts)
    days = _aggregate_days(start, [p.length for p in parts])
    end = _day(start, days)
    adj = booking.adjustments_for(start, end)
    adj = Adjustments(unlawfully_at_large=adj.unlawfully_at_large)
    released = end + timedelta(days=adj.unlawfully_at_large)
    work = _SentenceDates(
        parts[0],
        release_type=DateType.ARD,
        release=released,
        expiry=released,
        unadjusted_expiry=end,
        parts=parts,
        has_sled=False,
        adjustments=adj,
        uncapped_release=released,
        determinate_release=released,
        in_custody_until=released,
        release_days=days,
    )
    work.working += [
        Step(DateType.ARD, "breach of top-up supervision", "served in full, no licence"),
        Step(DateType.SED, "breach of top-up supervision", "the end of the committal"),
    ]
    return work


def _custody_periods(
    results: list[_SentenceDates], releases: tuple[date, ...] = ()
) -> list[list[_SentenceDates]]:
    """The terms grouped into periods in custody: a term passed after everyone before it was released (on
    their release date, or on a recorded release such as HDC) starts a new period (the calculator's sentence
    groups, ``BookingTimelineService.kt``, ``TimelineExternalMovementCalculationHandler.kt``)."""
    periods: list[list[_SentenceDates]] = []
    for r in sorted(results, key=lambda r: r.sentence.sentenced_on):
        if periods:
            first = min(p.sentence.sentenced_on for p in periods[-1])
            until = max(p.in_custody_until for p in periods[-1])
            until = min([until, *(d for d in releases if first <= d < r.sentence.sentenced_on)])
            if r.sentence.sentenced_on <= until:
                periods[-1].append(r)
                continue
        periods.append([r])
    return periods


def _extinguished(results: list[_SentenceDates], booking: Booking) -> ManualCalculation | None:
    """Remand or tagged bail longer than a period's custodial term would put release before the sentence date:
    the days must be moved to another sentence by hand (``ExtinguishedSentenceGroupChecker.kt``)."""
    for period in _custody_periods(results, booking.releases()):
        terms = [r for r in period if not r.parts[0].recall]
        if not terms:
            continue
        latest = max(terms, key=lambda r: r.uncapped_release)
        earliest = min(r.sentence.sentenced_on for r in terms)
        if latest.uncapped_release < earliest - timedelta(days=1) and latest.adjustments.deducted:
            return ManualCalculation(
                "remand or tagged bail exceed the custodial term: release would fall before the sentence "
                f"date ({latest.uncapped_release}), so the days must be applied to another sentence by hand"
            )
    return None


def _remand_overlaps(results: list[_SentenceDates], booking: Booking) -> ManualCalculation | None:
    """Remand recorded for days already served under a sentence is double counting: the record needs
    correcting (``RemandOverlappingSentenceValidator.kt``; its ranges end the day before the recorded last
    day)."""
    for period in _custody_periods(results, booking.releases()):
        if any(p.recall for r in period for p in r.parts):
            continue
        first = min(r.sentence.sentenced_on for r in period)
        last = max(r.determinate_release - timedelta(days=r.awarded_after_release) for r in period)
        if not first < last:
            continue
        for entry in booking.adjustments:
            if entry.remand and entry.period is not None:
                remand_from, remand_to = entry.period
                if remand_from <= last and first <= remand_to:
                    return ManualCalculation(
                        f"remand from {remand_from} to {remand_to} overlaps the sentence served from {first}"
                    )
    return None


# When someone was out of custody for each reason of being unlawfully at large, relative to the days recorded
# (``OutOfCustodyAtProgressionModelCommencementValidator.kt``): escapes from 21 July 2008 are recorded from
# the day of the escape to the day of the arrest.
ESCAPES_RECORDED_INCLUSIVE_FROM = date(2008, 7, 21)


def _out_on_commencement(
    results: list[_SentenceDates], booking: Booking, legislation: Legislation
) -> ManualCalculation | None:
    """Someone an early-release scheme reached who was unlawfully at large the day before it began."""
    for scheme in legislation.schemes:
        # Allocated a tranche: reached by the scheme, or serving a sentence passed before it when it began.
        allocated = any(
            scheme.name in r.schemes or r.sentence.sentenced_on < scheme.commences <= r.determinate_release
            for r in results
        )
        if not scheme.manual_if_out_on_commencement or not allocated:
            continue
        eve = scheme.commences - timedelta(days=1)
        one = timedelta(days=1)
        # Released on early removal or parole before it began, and not back.
        before = sorted((m for m in booking.movements if m.on < scheme.commences), key=lambda m: m.on)
        last_out = next((m for m in reversed(before) if m.direction == "OUT"), None)
        last_in = next((m for m in reversed(before) if m.direction == "IN"), None)
        if (
            last_out is not None
            and last_out.reason in ("ERS", "PAROLE")
            and (last_in is None or last_in.on <= last_out.on)
        ):
            return ManualCalculation(f"released ({last_out.reason}, {last_out.on}) when {scheme.name} began")
        for entry in booking.adjustments:
            if not entry.unlawfully_at_large or entry.period is None:
                continue
            first, last = entry.period
            if entry.reason == "RELEASE_IN_ERROR" or (
                entry.reason == "ESCAPE" and first < ESCAPES_RECORDED_INCLUSIVE_FROM
            ):
                out = (first - one, last + one)
            elif entry.reason in ("SENTENCED_IN_ABSENCE", "IMMIGRATION_DETENTION"):
                out = (first, last + one)
            elif entry.reason == "ESCAPE":
                out = (first, last)
            else:
                continue
            if out[0] <= eve < out[1]:
                return ManualCalculation(f"out of custody (unlawfully at large) when {scheme.name} began")
    return None


def _consecutive_between_tranches(booking: Booking, legislation: Legislation) -> ManualCalculation | None:
    """Someone a scheme's second tranche reaches, with a standard sentence passed between its first two
    tranches' dates in a run of consecutive sentences, where the scheme says so (SDS40)."""
    runs = chains(booking.sentences)
    if isinstance(runs, ManualCalculation):
        return None
    for step, scheme in enumerate(legislation.schemes, start=1):
        if not scheme.manual_if_consecutive_between_tranches or len(scheme.tranches) < 2:
            continue
        first, second = scheme.tranches[0].commences, scheme.tranches[1].commences
        tranche = _scheme_tranche(scheme, booking, legislation, step)
        if tranche is None or tranche.commences != second:
            continue
        for run in runs:
            if len(run) > 1 and any(
                p.kind is SentenceKind.STANDARD and not p.sds_plus and first <= p.sentenced_on < second
                for p in run
            ):
                return ManualCalculation(
                    f"a consecutive sentence passed between {scheme.name}'s tranche dates "
                    f"({first}, {second}) "
                    "for someone its second tranche reached"
                )
    return None


def _remand_before_any_sentence(booking: Booking) -> ManualCalculation | None:
    """Remand or tagged bail recorded against a date before the first sentence was passed, on which none was:
    the calculator shares remand out on sentence dates only, so which sentence it reaches is for a person to
    decide. A committal for breach of top-up supervision takes no remand."""
    if all(s.kind is SentenceKind.BOTUS for s in booking.sentences):
        return None
    first = min(s.sentenced_on for s in booking.sentences)
    for entry in booking.adjustments:
        if (
            (entry.remand or entry.tagged_bail)
            and entry.applies_from is not None
            and entry.applies_from < first
        ):
            return ManualCalculation(
                f"remand or tagged bail is recorded against {entry.applies_from}, "
                "before any sentence was passed"
            )
    return None


def _early_removal_either_side(
    calculation: Calculation, booking: Booking, legislation: Legislation
) -> ManualCalculation | None:
    """An early removal date for standard sentences served concurrently, one passed before a scheme began and
    another on or after that day, where the scheme says so (the progression model)."""
    if DateType.ERSED not in calculation.dates:
        return None
    runs = chains(booking.sentences)
    if isinstance(runs, ManualCalculation) or len(runs) < 2:
        return None
    alone = [run[0] for run in runs if len(run) == 1 and run[0].kind is SentenceKind.STANDARD]
    for scheme in legislation.schemes:
        if not scheme.manual_if_early_removal_either_side:
            continue
        begins = scheme.commences
        if any(s.sentenced_on < begins for s in alone) and any(s.sentenced_on >= begins for s in alone):
            return ManualCalculation(
                f"an early removal date for concurrent sentences passed before {scheme.name} began "
                f"({begins}) and on or after it"
            )
    return None


def _joined_after_parole_eligibility(
    calculation: Calculation, booking: Booking, legislation: Legislation
) -> ManualCalculation | None:
    """A sentence passed on or after a scheme began, consecutive to a parole term in its run, after the parole
    eligibility date, where the scheme says so (the progression model)."""
    ped = calculation.dates.get(DateType.PED)
    if ped is None:
        return None
    runs = chains(booking.sentences)
    if isinstance(runs, ManualCalculation):
        return None
    for scheme in legislation.schemes:
        if not scheme.manual_if_joined_after_parole_eligibility:
            continue
        for run in runs:
            for index, part in enumerate(run):
                if not _has_parole(part):
                    continue
                for later in run[index + 1 :]:
                    if later.sentenced_on >= scheme.commences and later.sentenced_on > ped:
                        return ManualCalculation(
                            f"a sentence passed on {later.sentenced_on}, after {scheme.name} began, "
                            "follows a parole term whose run's eligibility date had passed by then"
                        )
    return None


def _hdc_during_fine_default(
    calculation: Calculation, results: list[_SentenceDates]
) -> ManualCalculation | None:
    """An HDC date while a term in default of a fine, passed after the other sentences began, is being served
    (after its sentence date, up to its release): the calculator gives another (in its example, 14 days after
    the fine's sentence date) by a rule its code does not show, so a person must work it out."""
    hdced = calculation.dates.get(DateType.HDCED)
    if hdced is None:
        return None
    first = min(r.parts[0].sentenced_on for r in results)
    for r in results:
        fine = r.parts[0]
        if (
            len(r.parts) == 1
            and fine.kind is SentenceKind.FINE_DEFAULT
            and first < fine.sentenced_on < hdced <= r.release
        ):
            return ManualCalculation(
                f"the HDC date ({hdced}) falls while a term in default of a fine passed later, on "
                f"{fine.sentenced_on}, is being served"
            )
    return None


def _hdc_on_tranche_date_with_added_days(
    calculation: Calculation, booking: Booking, legislation: Legislation
) -> ManualCalculation | None:
    """An HDC date on an early-release scheme's tranche date (brought to it by the scheme) for someone with
    added days awarded: the calculator moves such a date by a rule its code does not show, so a person must
    work it out."""
    hdced = calculation.dates.get(DateType.HDCED)
    if hdced is None:
        return None
    awarded = sum(e.additional_days_awarded - e.restored_days for e in booking.adjustments)
    if awarded <= 0:
        return None
    for scheme in legislation.schemes:
        if any(t.commences == hdced for t in scheme.tranches):
            return ManualCalculation(
                f"the HDC date falls on {scheme.name}'s tranche date ({hdced}) and added days are awarded"
            )
    return None


def _unsettled_offence(
    results: list[_SentenceDates], booking: Booking, legislation: Legislation
) -> ManualCalculation | None:
    """A release between an early-release scheme's first tranche and its later exclusions for an offence whose
    exclusion was unsettled then (``SHPOContaingSx03OffencesValidator.kt``)."""
    for scheme in legislation.schemes:
        if not scheme.unsettled_offences or scheme.unsettled_offences_from is None:
            continue
        first, until = scheme.commences, scheme.later_exclusions_from or scheme.commences
        for r in results:
            if r.parts[0].recall and r.tused is None:
                continue
            # Remand and tagged bail before a recall count towards the first release as well.
            released = r.determinate_release - timedelta(days=r.adjustments.recall_deducted)
            if not first <= released < until:
                continue
            for p in r.parts:
                if (
                    p.kind is SentenceKind.STANDARD
                    and not p.sds_plus
                    and p.offence_code in scheme.unsettled_offences
                    and p.offence_on is not None
                    and scheme.unsettled_offences_from <= p.offence_on <= until
                ):
                    return ManualCalculation(
                        f"whether {scheme.name} reaches {p.offence_code} (committed {p.offence_on}) released "
                        f"between {first} and {until} is unsettled"
                    )
    return None


def _at_least_12_months(r: _SentenceDates) -> bool:
    start = r.sentence.sentenced_on
    return (r.unadjusted_expiry - start).days + 1 >= Duration(months=12).length_in_days(start)


def _mixed_fixed_term_recalls(
    calculation: Calculation, results: list[_SentenceDates], booking: Booking
) -> Calculation | ManualCalculation:
    """Fixed-term recalls of terms both under and of 12 months or more (CJA 2003 ss.255B and 255C): the recall
    of the term whose licence ends last governs, and the calculator refuses the combinations the law leaves
    unclear (``FixedTermRecallsService.kt``, ``FixedTermRecallAfterCalculationValidator.kt``)."""
    dates = dict(calculation.dates)
    recalled = [r for r in results if r.parts[0].recall in ("FTR_14", "FTR_28")]
    if not recalled:
        return calculation
    back = min(r.parts[0].returned_to_custody or date.max for r in recalled)
    if back == date.max:
        return calculation
    # Validation is over the recalled terms still running on the return to custody.
    running = [r for r in recalled if r.expiry >= back]
    over = [r for r in running if _at_least_12_months(r)]
    under = [r for r in running if not _at_least_12_months(r)]
    sled = dates.get(DateType.SLED)
    if over and under:
        governing = next((r for r in running if r.expiry == sled), None)
        if governing is not None:
            others = [r for r in running if r is not governing]

            def closest(rs: list[_SentenceDates]) -> _SentenceDates | None:
                rs = [r for r in rs if r.unadjusted_expiry >= back]
                return min(rs, key=lambda r: abs((r.unadjusted_expiry - back).days), default=None)

            closest_under = closest([r for r in others if not _at_least_12_months(r)])
            closest_over = closest([r for r in others if _at_least_12_months(r)])
            kind = governing.parts[0].recall
            assert sled is not None
            if (
                _at_least_12_months(governing)
                and closest_under is not None
                and closest_under.parts[0].recall == "FTR_14"
                and abs((sled - closest_under.expiry).days) >= 14
            ):
                return ManualCalculation(
                    "a 14-day recall of a term under 12 months ending 14 days or more before another"
                )
            if not _at_least_12_months(governing) and closest_over is not None:
                gap = abs((back - closest_over.expiry).days)
                if kind == "FTR_14" and gap >= 14:
                    return ManualCalculation(
                        "a 14-day recall governing while a term of 12 months or more ends 14 days or more "
                        "from the return to custody"
                    )
                if kind == "FTR_28" and gap <= 14:
                    return ManualCalculation(
                        "a 28-day recall of a term under 12 months governing while a term of 12 months "
                        "or more ends within 14 days of the return to custody"
                    )
    else:
        for r in results:
            if len(r.parts) < 2 or r.parts[0].recall not in ("FTR_14", "FTR_28"):
                continue
            if r.parts[0].recall == "FTR_14" and not under and _at_least_12_months(r):
                return ManualCalculation("a 14-day recall of consecutive terms of 12 months or more")
            if r.parts[0].recall == "FTR_28" and not over and not _at_least_12_months(r):
                return ManualCalculation("a 28-day recall of consecutive terms under 12 months")
    # The post-recall release when the recalled terms are of both kinds.
    fixed = sorted(
        (r for r in recalled if r.parts[0].recall == "FTR_28" or r.has_sled),
        key=lambda r: r.sentence.sentenced_on,
    )
    prrd = dates.get(DateType.PRRD)
    if prrd is None or sled is None:
        return calculation
    if not (any(_at_least_12_months(r) for r in fixed) and any(not _at_least_12_months(r) for r in fixed)):
        return calculation
    latest = next((r for r in results if r.expiry == sled), None)
    if latest is None:
        return calculation
    latest_back = latest.parts[0].returned_to_custody or back
    ual_since = sum(
        e.unlawfully_at_large for e in booking.adjustments if e.starts is not None and e.starts >= latest_back
    )
    longest = back + timedelta(days=(13 if latest.parts[0].recall == "FTR_14" else 27) + ual_since)
    longest += timedelta(days=latest.adjustments.awarded)
    rule = ""
    if _at_least_12_months(latest):
        new, rule = min(longest, latest.expiry), "the recall of the term whose licence ends last"
    else:
        adjacent = min(
            (r for r in fixed if _at_least_12_months(r) and r.expiry >= back),
            key=lambda r: abs((r.unadjusted_expiry - prrd).days),
            default=None,
        )
        new = prrd
        if adjacent is not None and (back - adjacent.expiry).days < 14:
            if latest.parts[0].recall == "FTR_28":
                new, rule = (
                    min(longest, adjacent.expiry),
                    "28 days, to the expiry of the term of 12 months or more",
                )
            else:
                new, rule = min(longest, latest.expiry), "14 days, to the expiry of the term under 12 months"
    if new == prrd:
        return calculation
    dates[DateType.PRRD] = new
    step = Step(DateType.PRRD, "fixed-term recalls of terms under and over 12 months", rule)
    working = (*(s for s in calculation.working if s.date_type is not DateType.PRRD), step)
    return Calculation(dates=dates, working=working)


def _without_repealed_hdc(
    calculation: Calculation, results: list[_SentenceDates], legislation: Legislation
) -> Calculation:
    """No HDC date where the law has ended or suspended HDC for adults. Detention under s.250 and terms
    (default terms for fines, committals, DTOs) are not adult sentences here
    (``HdcedExtractionService.isAdultSentence``); an HDC date before the progression model reached someone
    stands."""
    hdced = calculation.dates.get(DateType.HDCED)
    rules = legislation.hdc
    terms = (SentenceKind.FINE_DEFAULT, SentenceKind.BOTUS, SentenceKind.DTO)
    adult = any(not p.section_250 and p.kind not in terms for r in results for p in r.parts)
    if hdced is None or not adult:
        return calculation
    reason = ""
    if rules.adult_suspended:
        reason = "HDC is suspended for adults"
    elif rules.adult_stop_from is not None and (
        hdced >= rules.adult_stop_from
        or any(
            PROGRESSION_MODEL.name in r.schemes and (r.scheme_reached is None or hdced >= r.scheme_reached)
            for r in results
        )
    ):
        reason = (
            f"HDC for adults ended on {rules.adult_stop_from} (and for those the progression model reached)"
        )
    if not reason:
        return calculation
    dates: dict[DateType, date] = {k: v for k, v in calculation.dates.items() if k != DateType.HDCED}
    working = tuple(s for s in calculation.working if s.date_type is not DateType.HDCED)
    return Calculation(dates=dates, working=(*working, Step(DateType.HDCED, "no HDC", reason)))


RECALL_DAYS = {"FTR_14": 14, "FTR_28": 28, "FTR_56": 56}


def _apply_recall(r: _SentenceDates, booking: Booking, legislation: Legislation) -> ManualCalculation | None:
    """A term recalled on licence: served to its expiry (standard recall) or for 14 or 28 days from the return
    to custody (fixed-term recall), never beyond the expiry. Remand and tagged bail before the recall
    (recorded as recall remand and tagged bail; plain remand and tagged bail do not count towards a recalled
    term, ``TimelineCalculator.setAdjustments``), and time unlawfully at large on licence, move the expiry.
    Its release becomes the post-recall release date."""
    kind = r.parts[0].recall
    adj = r.adjustments
    start = r.sentence.sentenced_on
    # Where the booking records no recall remand or tagged bail at all (desist's own records have no such
    # kind), remand and tagged bail recorded against this term's own sentence date are its remand before the
    # recall.
    if not any(e.recall_deducted for e in booking.adjustments):
        own = sum(e.deducted for e in booking.adjustments if e.applies_from == start)
        if own:
            adj = dataclasses.replace(adj, recall_remand=adj.recall_remand + min(own, adj.deducted))
    # Time unlawfully at large that began after the licence had expired (extended by the time at large before)
    # is not from this term: its licence had ended
    # (``BookingTimelineService.checkForReleasesAndLicenceExpiry``).
    released_on = _day(start, r.release_days)
    licence_ends, expired = r.expiry, 0
    for when, days in sorted(
        (e.applies_from or e.starts or date.min, e.unlawfully_at_large)
        for e in booking.adjustments
        if e.unlawfully_at_large and (e.applies_from or e.starts) is not None
    ):
        if when <= released_on:
            continue
        if when > licence_ends:
            expired += days
        else:
            licence_ends += timedelta(days=days)
    if expired:
        adj = dataclasses.replace(
            adj, unlawfully_at_large_after_release=max(0, adj.unlawfully_at_large_after_release - expired)
        )
    expiry = max(
        r.unadjusted_expiry
        + timedelta(
            days=-adj.recall_deducted + adj.unlawfully_at_large + adj.unlawfully_at_large_after_release
        ),
        start,
    )
    # A sentence does not expire while someone is unlawfully at large from it
    # (``SentenceCalculation.expiryDate``).
    back = booking.back_from_unlawfully_at_large(start, expiry)
    if back is not None and back > expiry:
        expiry = back
    working = [
        Step(DateType.SLED, "expiry after recall", f"{-adj.recall_deducted:+d} recall remand and tagged bail")
    ]
    if kind == "STANDARD":
        prrd = expiry
        working.append(Step(DateType.PRRD, "standard recall", "served to the sentence expiry"))
    elif kind in RECALL_DAYS:
        back = r.parts[0].returned_to_custody
        if back is None:
            return ManualCalculation("a fixed-term recall without a return to custody date")
        # Time unlawfully at large after the return to custody counts on top.
        ual_since = sum(
            e.unlawfully_at_large for e in booking.adjustments if e.starts is not None and e.starts >= back
        )
        served = _day(back, RECALL_DAYS[kind]) + timedelta(days=ual_since)
        if kind == "FTR_56":
            if not legislation.fixed_term_recall_56:
                return ManualCalculation("a 56-day fixed-term recall under law without them")
            # Not before the 56-day recall reached terms of this length: one tranche for the booking, by the
            # longest term recalled for 56 days and not yet expired on the return to custody (the calculator
            # allocates the FTR_56 tranche once).
            # The booking's own length when no recalled term was still running on the return (a return
            # after the term's end): ``max`` over a list, never over one bare number.
            days = max(
                [
                    (r.unadjusted_expiry - start).days + 1,
                    *(
                        s.total.length_in_days(s.sentenced_on)
                        for s in booking.sentences
                        if s.recall == "FTR_56" and s.total.end_date(s.sentenced_on) >= back
                    ),
                ]
            )
            tranche = next(
                t
                for t in legislation.fixed_term_recall_56
                if t.max_days_inclusive is None or days <= t.max_days_inclusive
            )
            served = max(served, tranche.commences)
            working.append(Step(DateType.PRRD, "56-day recall", f"{tranche.name}, from {tranche.commences}"))
        # Days added while recalled count on top; those awarded before the release the recall followed do not
        # (``adjustmentsForFixedTermRecall``: days awarded after the determinate release).
        awarded = sum(
            e.awarded for e in booking.adjustments if e.applies_from is None or e.applies_from >= back
        )
        prrd = min(served + timedelta(days=awarded), expiry)
        working.append(Step(DateType.PRRD, f"fixed-term recall of {RECALL_DAYS[kind]} days", f"from {back}"))
    else:
        return ManualCalculation(f"recall of type {kind}")
    if r.tused is not None:
        # Recall remand and tagged bail count off the top-up as they do off the licence, before the 12 months.
        unadjusted = _day(start, r.release_days)
        released = unadjusted + timedelta(days=adj.unlawfully_at_large - adj.recall_deducted)
        # The release the recall followed came earlier than the unadjusted one by the recall remand and tagged
        # bail, and one due at a weekend takes place on the Friday before, never before the
        # sentence date (``BookingTimelineService``): time unlawfully at large that began after it was on
        # licence, so it is added after the 12 months, not before them (``ualAfterDeterminateRelease``).
        left = max(
            start,
            _previous_working_day(unadjusted - timedelta(days=adj.recall_deducted), booking.bank_holidays),
        )
        on_licence = min(
            sum(
                e.unlawfully_at_large
                for e in booking.adjustments
                if e.starts is not None and left < e.starts <= unadjusted
            ),
            adj.unlawfully_at_large,
        )
        released -= timedelta(days=on_licence)
        if r.immediate_release or released < start:
            # Released on the sentence date: 12 months from it, and any time unlawfully at large came after
            # the release (``TusedCalculator.getInitialTused``).
            after = adj.unlawfully_at_large + adj.unlawfully_at_large_after_release
            r.tused = add_months(start, 12) + timedelta(days=after)
        else:
            r.tused = add_months(released, 12) + timedelta(
                days=adj.unlawfully_at_large_after_release + on_licence
            )
    r.expiry = expiry
    # A licence for the later offences of a mix keeps its end; any other licence runs to the new expiry.
    if r.licence_expiry is not None and not r.licence_for_later_offences:
        r.licence_expiry = expiry
    r.release, r.release_type = prrd, DateType.PRRD
    r.hdced = r.ped = r.ersed = None
    r.has_ped = False
    r.working = working + [w for w in r.working if w.date_type is DateType.TUSED]
    return None


def _recalled(r: _SentenceDates) -> Calculation:
    dates: dict[DateType, date] = {
        DateType.SLED if r.has_sled else DateType.SED: r.expiry,
        DateType.PRRD: r.release,
        DateType.ESED: r.unadjusted_expiry,
    }
    # A licence for the later offences of a mix still ends where it did, if after the release.
    if not r.has_sled and r.licence_expiry is not None and r.licence_expiry >= r.release:
        dates[DateType.LED] = min(r.licence_expiry, r.expiry)
    if r.tused is not None:
        dates[DateType.TUSED] = r.tused
    return Calculation(dates=dates, working=tuple(r.working))


def _alone(r: _SentenceDates) -> Calculation:
    dates: dict[DateType, date] = {
        DateType.SLED if r.has_sled else DateType.SED: r.expiry,
        r.release_type: r.release,
        DateType.ESED: r.unadjusted_expiry,
    }
    if not r.has_sled and r.licence_expiry is not None and r.licence_expiry >= r.release:
        # A licence for the later offences of a mix ends by the sentence expiry, as in _concurrent.
        led = min(r.licence_expiry, r.expiry) if r.licence_for_later_offences else r.licence_expiry
        dates[DateType.LED] = led
    if r.tused is not None:
        dates[DateType.TUSED] = r.tused
    if r.hdced is not None and not r.has_ped and r.release > r.hdced:
        dates[DateType.HDCED] = r.hdced
    if r.ped is not None:
        dates[DateType.PED] = max(r.ped, r.sentence.sentenced_on)
    if r.ersed is not None:
        dates[DateType.ERSED] = r.ersed
    return Calculation(dates=dates, working=tuple(s for s in r.working if s.date_type in dates))


def _latest(results: list[_SentenceDates], key: str) -> _SentenceDates | None:
    """The sentence with the latest date of a kind (the first of equals, as listed)."""
    best: _SentenceDates | None = None
    for r in results:
        value = getattr(r, key)
        if value is not None and (best is None or value > getattr(best, key)):
            best = r
    return best


def _concurrent(results: list[_SentenceDates]) -> Calculation:
    """Sentences served at the same time: each date from the sentence that governs it."""
    active = _latest(results, "release")
    by_expiry = _latest(results, "expiry")
    led_sentence = _latest(results, "licence_expiry")
    assert active is not None and by_expiry is not None
    latest_release, latest_expiry = active.release, by_expiry.expiry
    latest_led = led_sentence.licence_expiry if led_sentence else None
    # A licence for the later offences of a mix ends by the latest sentence expiry: days beyond it are unused
    # (``TimelineCalculator.calculateUnusedLicenseAdas``).
    if led_sentence is not None and led_sentence.licence_for_later_offences and latest_led is not None:
        latest_led = min(latest_led, latest_expiry)
    dates: dict[DateType, date] = {}
    working: list[Step] = [
        Step(DateType.CRD, "concurrent sentences", f"the latest release of {len(results)} sentences governs")
    ]
    conditional, can_have_licence = _ora_mix(results, active, by_expiry, latest_release)
    if latest_expiry == latest_led and by_expiry.has_sled:
        dates[DateType.SLED] = latest_expiry
    else:
        dates[DateType.SED] = latest_expiry
        if latest_led is not None and can_have_licence and latest_led >= latest_release:
            dates[DateType.LED] = latest_led
    latest_group = [r for r in results if r.release == latest_release]
    if any(r.release_type is not DateType.PRRD for r in latest_group):
        dates[DateType.CRD if conditional else DateType.ARD] = latest_release
    if any(r.release_type is DateType.PRRD for r in latest_group):
        dates[DateType.PRRD] = latest_release
    tused_sentence = _latest(results, "tused")
    if (
        tused_sentence
        and tused_sentence.tused
        and latest_led is not None
        and tused_sentence.tused > latest_led
    ):
        dates[DateType.TUSED] = tused_sentence.tused
    hdced = _concurrent_hdced(results, latest_release)
    if hdced is not None:
        dates[DateType.HDCED] = hdced
    if DateType.PRRD in dates and DateType.HDCED in dates:
        # After a recall, HDC only where the post-recall release comes before another conditional release.
        others = [dates[t] for t in (DateType.CRD, DateType.ARD) if t in dates]
        if (
            not others
            or dates[DateType.PRRD] == dates.get(DateType.CRD)
            or dates[DateType.PRRD] >= max(others)
        ):
            del dates[DateType.HDCED]
    if active.has_ped:
        ped = _concurrent_ped(results)
        if ped is not None:
            dates[DateType.PED] = ped
    ersed_sentence = _latest([r for r in results if not r.immediate_release], "ersed")
    if ersed_sentence is not None and ersed_sentence.ersed is not None:
        # A fine's default term (or a committal) served to a later release leaves no early removal date; one
        # ending after the date holds it back to that release (``BookingExtractionService.kt``).
        whole_terms = [
            r
            for r in results
            if r.sentence.kind in (SentenceKind.FINE_DEFAULT, SentenceKind.BOTUS) and not r.immediate_release
        ]
        later_fines = [r for r in whole_terms if r.sentence.kind is SentenceKind.FINE_DEFAULT]
        if not any(r.release > ersed_sentence.release for r in whole_terms):
            held = [r.release for r in later_fines if r.release > ersed_sentence.ersed]
            dates[DateType.ERSED] = max(held) if held else ersed_sentence.ersed
    dates[DateType.ESED] = max(r.unadjusted_expiry for r in results)
    working += [s for s in active.working if s.date_type in dates]
    return Calculation(dates=dates, working=tuple(working))


def _ora_mix(
    results: list[_SentenceDates], active: _SentenceDates, by_expiry: _SentenceDates, latest_release: date
) -> tuple[bool, bool]:
    """Whether release is conditional (CRD, licence) or automatic (ARD), and whether a licence can follow,
    when sentences for offences before and after 1 February 2015 are served together."""
    standard = [r for r in results if r.sentence.kind is SentenceKind.STANDARD]
    ora = any(r.sentence.offence_on is not None and r.sentence.offence_on >= ORA for r in standard)
    short_pre_ora = any(
        not (r.sentence.offence_on is not None and r.sentence.offence_on >= ORA)
        and _shorter_than(r.sentence.total, r.sentence.sentenced_on, Duration(months=12))
        for r in standard
    )
    earliest = min(r.sentence.sentenced_on for r in results)
    four_years = max(r.unadjusted_expiry for r in results) >= Duration(years=4).end_date(earliest)
    latest_by_release = _latest(results, "release")
    assert latest_by_release is not None
    if latest_by_release.release_type is not DateType.CRD and not four_years and ora and short_pre_ora:
        with_sed = _latest([r for r in results if not r.has_sled], "expiry")
        with_sled = _latest([r for r in results if r.has_sled], "expiry")
        if with_sed is not None and with_sled is not None:
            if not by_expiry.has_sled and latest_release > with_sled.expiry:
                return False, False
            return True, True
    return any(r.licence_expiry is not None and r.licence_expiry >= latest_release for r in results), True


def _concurrent_hdced(results: list[_SentenceDates], latest_release: date) -> date | None:
    """HDC for concurrent sentences: none with an SDS+ sentence; else the latest eligibility, but not before
    another sentence without HDC is released."""
    if any(r.sds_plus_eligible for r in results):
        return None
    latest_eligible = _latest([r for r in results if r.release_type is not DateType.PRRD], "release")
    if latest_eligible is None or latest_eligible.hdced is None:
        return None
    hdc_sentence = _latest(
        [r for r in results if latest_release >= r.sentence.sentenced_on + timedelta(days=14)], "hdced"
    )
    if hdc_sentence is None or hdc_sentence.hdced is None:
        return None
    hdced = hdc_sentence.hdced
    if not latest_release > hdced:
        return None
    others = [r for r in results if r.hdced is None and r is not hdc_sentence and r.release > hdced]
    conflicting = _latest(others, "release")
    # A sentence released at once because its remand more than covered it does not hold HDC back; one whose
    # release falls on its sentence date by the count does (``isImmediateCustodyRelease``).
    if conflicting is not None and not all(
        r.immediate_release and r.uncapped_release < r.sentence.sentenced_on for r in others
    ):
        return conflicting.release
    return hdced


def _concurrent_ped(results: list[_SentenceDates]) -> date | None:
    """Parole eligibility with other sentences: not before another sentence's release without parole."""
    earliest = min(r.sentence.sentenced_on for r in results)
    with_ped = _latest(results, "ped")
    by_release = _latest(results, "release")
    if with_ped is None or with_ped.ped is None or by_release is None or by_release.ped is None:
        return None
    latest_ped = max(with_ped.ped, earliest)
    # A recalled term's post-recall release does not hold parole eligibility back.
    non_ped = _latest(
        [
            r
            for r in results
            if r.ped is None and not r.immediate_release and r.release_type is not DateType.PRRD
        ],
        "release",
    )
    if non_ped is not None and non_ped.release >= by_release.release:
        return None
    if non_ped is not None and latest_ped < non_ped.release:
        return non_ped.release
    return latest_ped


def _detention_and_training(booking: Booking, legislation: Legislation) -> Calculation | ManualCalculation:
    """Detention and training orders (Sentencing Code ss.233-243): released to supervision at the mid-term,
    up to one or two months earlier or later by the order's length; consecutive orders no longer than 24
    months; top-up supervision to 12 months after release for those 18 or over then. Added days do not
    apply."""
    runs = chains(booking.sentences)
    if isinstance(runs, ManualCalculation):
        return runs
    if any(s.recall for s in booking.sentences):
        return ManualCalculation("a detention and training order recalled")
    # Released (as recorded) before a later order: that order starts a new period in custody, whose dates are
    # the ones to give; the earlier orders and what was recorded against them stay with the first.
    first = min(s.sentenced_on for s in booking.sentences)
    cut = max(
        (d for d in booking.releases() if first <= d < max(s.sentenced_on for s in booking.sentences)),
        default=None,
    )
    if cut is not None:
        later = tuple(s for s in booking.sentences if s.sentenced_on > cut)
        kept = {s.identifier for s in later}
        if later and not any(s.consecutive_to and s.consecutive_to not in kept for s in later):
            booking = dataclasses.replace(
                booking,
                sentences=later,
                adjustments=tuple(
                    e for e in booking.adjustments if e.applies_from is None or e.applies_from > cut
                ),
            )
            runs = chains(booking.sentences)
            if isinstance(runs, ManualCalculation):
                return runs
    # Orders served together are one term (s.237 for one imposed on someone already serving one): from the
    # first order's date to the last day of any, no longer than 24 months.
    start = min(s.sentenced_on for s in booking.sentences)
    end = max(
        _day(
            min(p.sentenced_on for p in run),
            _aggregate_days(min(p.sentenced_on for p in run), [p.length for p in run]),
        )
        for run in runs
    )
    days = min((end - start).days + 1, Duration(months=24).length_in_days(start))
    half = _ceil(Fraction(days) * HALF)
    adj = booking.adjustments_for(start, _day(start, half))
    if all(s.sentenced_on < PCSC for s in booking.sentences):
        # Before the PCSC Act 2022 the court allowed for remand in the order's length; tagged bail still
        # counts (the calculator's ``TimelineCalculator.setAdjustments``).
        adj = dataclasses.replace(adj, remand=0)
    shift = timedelta(days=adj.unlawfully_at_large - adj.deducted)
    expiry = _day(start, days)
    mtd = max(_day(start, half) + shift, start)
    dates: dict[DateType, date] = {
        DateType.MTD: mtd,
        DateType.SED: max(expiry + shift, start),
        DateType.ESED: expiry,
    }
    adjusted = f"{-adj.deducted:+d} deducted, {adj.unlawfully_at_large:+d} UAL"
    working = [
        Step(
            DateType.MTD,
            "detention and training order, mid-term",
            f"{days} days × 1/2 from {start}; {adjusted}",
        ),
        Step(DateType.SED, "order expiry", f"{days} days from {start}; {adjusted}"),
    ]
    # Transfer up to a month either side for orders of 8 to 18 months, two for 18 to 24; not on immediate
    # release.
    if mtd != start:
        months = 1 if days < Duration(months=18).length_in_days(start) else 2
        if days >= Duration(months=8).length_in_days(start):
            dates[DateType.ETD], dates[DateType.LTD] = add_months(mtd, -months), add_months(mtd, months)
            working.append(Step(DateType.ETD, "early and late transfer", f"{months} month(s) either side"))
    adult_at_release = _age_on(booking.date_of_birth, mtd) >= 18
    under_two_years = days < Duration(years=2).length_in_days(start)
    ora = all(p.offence_on is None or p.offence_on >= ORA for p in booking.sentences)
    if legislation.top_up_supervision and adult_at_release and under_two_years and ora:
        dates[DateType.TUSED] = add_months(mtd, 12)
        working.append(Step(DateType.TUSED, "top-up supervision", f"12 months from the mid-term ({mtd})"))
    return Calculation(dates=dates, working=tuple(working))


def _with_detention_and_training(
    booking: Booking, legislation: Legislation
) -> Calculation | ManualCalculation:
    """Detention and training orders served with other sentences: the other sentences give the release and
    licence, the orders the mid-term and transfer dates, the latest expiry governs (as the calculator's
    ``BookingExtractionService.kt`` puts them together)."""
    dtos = tuple(s for s in booking.sentences if s.kind is SentenceKind.DTO)
    others = tuple(s for s in booking.sentences if s.kind is not SentenceKind.DTO)
    ids = {s.identifier for s in dtos if s.identifier}
    if any(s.consecutive_to in ids for s in others) or any(
        s.consecutive_to and s.consecutive_to not in ids for s in dtos
    ):
        return ManualCalculation("a detention and training order consecutive with another kind of sentence")
    # Each order (or run of consecutive orders) on its own; the latest mid-term governs.
    runs = chains(dtos)
    if isinstance(runs, ManualCalculation):
        return runs
    each = [_detention_and_training(dataclasses.replace(booking, sentences=run), legislation) for run in runs]
    rest = _calculate(dataclasses.replace(booking, sentences=others), legislation)
    for one in (*each, rest):
        if isinstance(one, ManualCalculation):
            return one
    found = [c for c in each if isinstance(c, Calculation)]
    orders = max(found, key=lambda c: c.dates[DateType.MTD])
    order_sed = max(c.dates[DateType.SED] for c in found)
    dtos = runs[found.index(orders)]
    assert isinstance(rest, Calculation)
    if DateType.PRRD in rest.dates:
        return ManualCalculation("a detention and training order served with a recall")
    start = min(s.sentenced_on for s in dtos)
    days = (orders.dates[DateType.ESED] - start).days + 1
    half = _ceil(Fraction(days) * HALF)
    unadjusted_mtd = _day(start, half)
    order_mtd = orders.dates[DateType.MTD]
    immediate = order_mtd == start
    release_type = DateType.CRD if DateType.CRD in rest.dates else DateType.ARD
    release = rest.dates[release_type]
    latest_release = max(release, order_mtd)
    expiry_type = DateType.SLED if DateType.SLED in rest.dates else DateType.SED
    other_expiry = rest.dates[expiry_type]
    dates: dict[DateType, date] = {release_type: release}
    # Sentence and licence expire together where the other sentences' licence runs longest, or the order ends
    # the same day.
    if (expiry_type is DateType.SLED and other_expiry >= order_sed) or other_expiry == order_sed:
        dates[DateType.SLED] = other_expiry
    else:
        dates[DateType.SED] = max(other_expiry, order_sed)
        licence_ends = rest.dates.get(DateType.LED, other_expiry if expiry_type is DateType.SLED else None)
        if release_type is DateType.CRD and licence_ends is not None:
            dates[DateType.LED] = licence_ends
    # The mid-term: at once for an order passed from 28 June 2022 already served; the unadjusted mid-term for
    # an earlier order with a conditional release; else the order's own, or the latest release for adults.
    children = all(_age_on(booking.date_of_birth, d) < 18 for d in (release, order_mtd))
    if immediate and start >= PCSC:
        mtd = start
    elif release_type is DateType.CRD and start < PCSC:
        mtd = unadjusted_mtd
    elif release_type is DateType.CRD or children:
        mtd = order_mtd
    else:
        mtd = latest_release
    dates[DateType.MTD] = mtd
    if not immediate:
        eight, eighteen = (Duration(months=m).length_in_days(start) for m in (8, 18))
        twenty_four = Duration(months=24).length_in_days(start)
        months = 1 if eight <= days < eighteen else 2 if eighteen <= days <= twenty_four else 0
        if months:
            dates[DateType.ETD], dates[DateType.LTD] = add_months(mtd, -months), add_months(mtd, months)
    for kept in (DateType.HDCED, DateType.PED):
        if kept in rest.dates and latest_release > rest.dates[kept]:
            dates[kept] = rest.dates[kept]
    # The latest top-up supervision of any sentence (an order's from its mid-term), after the licence, unless
    # an order's expiry is later.
    tused = max(
        (d for d in (rest.dates.get(DateType.TUSED), orders.dates.get(DateType.TUSED)) if d), default=None
    )
    licence = dates.get(DateType.LED, dates.get(DateType.SLED))
    if tused is not None and not order_sed > tused and (licence is None or tused > licence):
        dates[DateType.TUSED] = tused
    ersed = rest.dates.get(DateType.ERSED)
    if ersed is not None and mtd < release:
        dates[DateType.ERSED] = ersed if mtd < ersed else mtd
    dates[DateType.ESED] = max(rest.dates[DateType.ESED], *(c.dates[DateType.ESED] for c in found))
    working = (
        Step(release_type, "with a detention and training order", "the other sentences' release governs"),
        *(w for w in rest.working if w.date_type in dates),
        *(w for w in orders.working if w.date_type in dates and w.date_type is not DateType.TUSED),
    )
    return Calculation(dates=dates, working=working)


def _breach_of_top_up(booking: Booking) -> Calculation | ManualCalculation:
    """Committal for breach of top-up supervision (CJA 2003 s.256AC): up to 14 days, served in full, released
    without licence. Remand, tagged bail and added days do not count; time unlawfully at large does. The
    top-up supervision runs on to its recorded end where that is later."""
    runs = chains(booking.sentences)
    if isinstance(runs, ManualCalculation):
        return runs
    ends: list[date] = []
    for run in runs:
        start = min(p.sentenced_on for p in run)
        days = _aggregate_days(start, [p.length for p in run])
        adj = booking.adjustments_for(start, _day(start, days))
        ends.append(_day(start, days) + timedelta(days=adj.unlawfully_at_large))
    end = max(ends)
    dates: dict[DateType, date] = {DateType.ARD: end, DateType.SED: end}
    working = [
        Step(DateType.ARD, "breach of top-up supervision", "served in full, no licence"),
        Step(DateType.SED, "breach of top-up supervision", "the end of the committal"),
    ]
    recorded = max((s.top_up_ends for s in booking.sentences if s.top_up_ends), default=None)
    if recorded is not None and end < recorded:
        dates[DateType.TUSED] = recorded
        working.append(
            Step(DateType.TUSED, "top-up supervision", f"continues to its recorded end ({recorded})")
        )
    return Calculation(dates=dates, working=tuple(working))
