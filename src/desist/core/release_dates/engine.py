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

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction

from desist.core.release_dates.duration import Duration, add_months
from desist.core.release_dates.legislation import (
    CJA_2003,
    CURRENT,
    HALF,
    LASPO,
    ORA,
    PCSC,
    TWO_THIRDS,
    WHOLE,
    EarlyReleaseScheme,
    HdcRules,
    Legislation,
    Tranche,
)


class SentenceKind(StrEnum):
    """The kinds of sentence the engine knows (the calculator's names in brackets)."""

    STANDARD = "standard"  # SDS and SDS+ (StandardSentence)
    EXTENDED = "extended"  # EDS (ExtendedDeterminateSentence)
    SOPC = "sopc"  # offenders of particular concern (SopcSentence)


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
    under_18_sopc: bool = False
    identifier: str = ""

    @property
    def total(self) -> Duration:
        return self.length + self.extension if self.extension else self.length


@dataclass(frozen=True)
class Adjustments:
    """Days that move the dates: deducted (remand, tagged bail), added (UAL), awarded and restored."""

    remand: int = 0
    tagged_bail: int = 0
    unlawfully_at_large: int = 0
    additional_days_awarded: int = 0
    restored_days: int = 0

    @property
    def deducted(self) -> int:
        return self.remand + self.tagged_bail

    @property
    def awarded(self) -> int:
        return self.additional_days_awarded - self.restored_days


@dataclass(frozen=True)
class Booking:
    """A person's period in custody: their sentences (all concurrent here) and the adjustments."""

    date_of_birth: date
    sentences: tuple[Sentence, ...]
    adjustments: Adjustments = Adjustments()
    sex_offender: bool = False  # subject to notification: no HDC


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
    sentence: Sentence
    dates: dict[DateType, date] = field(default_factory=dict)
    working: list[Step] = field(default_factory=list)
    release_days: int = 0


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


def _scheme_tranche(scheme: EarlyReleaseScheme, booking: Booking) -> Tranche:
    """The tranche that reaches this booking, by its longest sentence."""
    longest = max(booking.sentences, key=lambda s: s.total.end_date(s.sentenced_on))
    for tranche in scheme.tranches:
        limit = tranche.max_years_exclusive
        if limit is None or _shorter_than(longest.total, longest.sentenced_on, Duration(years=limit)):
            return tranche
    return scheme.tranches[-1]


def _standard_fraction(
    sentence: Sentence, legislation: Legislation, booking: Booking, work: _SentenceDates
) -> tuple[Fraction, EarlyReleaseScheme | None, Tranche | None]:
    if sentence.sds_plus:
        work.working.append(
            Step(DateType.CRD, "SDS+ (CJA 2003 s.244ZA)", f"released at {legislation.sds_plus_fraction}")
        )
        return legislation.sds_plus_fraction, None, None
    for scheme in legislation.schemes:
        if sentence.exclusions & scheme.exclusions:
            excluded = ", ".join(sorted(sentence.exclusions & scheme.exclusions))
            work.working.append(Step(DateType.CRD, f"excluded from {scheme.name}", excluded))
            continue
        later = scheme.later_exclusions_from
        if later and sentence.sentenced_on >= later and sentence.exclusions & scheme.later_exclusions:
            work.working.append(Step(DateType.CRD, f"excluded from {scheme.name} from {later}", "offence"))
            continue
        return scheme.fraction, scheme, _scheme_tranche(scheme, booking)
    return legislation.sds_fraction, None, None


def _hdc(
    rules: HdcRules, sentence: Sentence, custodial: Fraction, crd: date, adj: Adjustments
) -> tuple[date | None, str]:
    """Home Detention Curfew eligibility (CJA 2003 s.246), as the rules stood on the date it falls."""
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
    if before[0] < rules.from_365:
        return before[1], f"HDC 180 rules: {before[2]}"
    after = under(rules.midpoint_days_from_365, rules.deduction_days_from_365)
    if after[0] >= rules.from_365:
        return after[1], f"HDC 365 rules: {after[2]}"
    return rules.from_365 + timedelta(days=adj.awarded), "HDC 365 rules, not before their commencement"


def _single(
    sentence: Sentence, booking: Booking, legislation: Legislation
) -> _SentenceDates | ManualCalculation:
    work = _SentenceDates(sentence)
    adj = booking.adjustments
    start = sentence.sentenced_on
    if (
        sentence.kind is SentenceKind.STANDARD
        and start < LASPO
        and sentence.offence_on is not None
        and sentence.offence_on < CJA_2003
    ):
        return ManualCalculation(
            "an offence before 4 April 2005 sentenced before 3 December 2012 (1991 Act release)"
        )
    custodial_days = sentence.length.length_in_days(start)
    total_days = sentence.total.length_in_days(start)
    expiry = _day(start, total_days)
    scheme: EarlyReleaseScheme | None = None
    tranche: Tranche | None = None
    ped_fraction: Fraction | None = None
    if sentence.kind is SentenceKind.STANDARD:
        fraction, scheme, tranche = _standard_fraction(sentence, legislation, booking, work)
    elif sentence.kind is SentenceKind.EXTENDED:
        fraction = TWO_THIRDS if sentence.automatic_release else WHOLE
        ped_fraction = None if sentence.automatic_release else TWO_THIRDS
    else:
        fraction = WHOLE
        ped_fraction = TWO_THIRDS if (sentence.under_18_sopc or start >= PCSC) else HALF

    custodial = custodial_days * fraction
    release_days = _ceil(custodial)
    work.release_days = release_days
    release_shift = -adj.deducted + adj.unlawfully_at_large + adj.awarded
    release = _day(start, release_days) + timedelta(days=release_shift)
    adjusted = f"{-adj.deducted:+d} deducted, {adj.unlawfully_at_large:+d} UAL, {adj.awarded:+d} awarded"
    release_rule = f"{custodial_days} days × {fraction} = {release_days} days from {start}; {adjusted}"

    if scheme is not None and tranche is not None and start < tranche.commences:
        # An early-release scheme reaches people already serving on its tranche's date, no earlier.
        old_days = _ceil(custodial_days * legislation.sds_fraction)
        old_release = _day(start, old_days) + timedelta(days=release_shift)
        if old_release < tranche.commences:
            fraction, custodial, release_days, release = (
                legislation.sds_fraction,
                custodial_days * legislation.sds_fraction,
                old_days,
                old_release,
            )
            release_rule = (
                f"{custodial_days} days × {fraction} = {release_days} days (released before {scheme.name})"
            )
        elif release < tranche.commences:
            release = tranche.commences
            release_rule = f"{scheme.name} {tranche.name}: released on its commencement, {tranche.commences}"
        work.release_days = release_days

    no_licence = sentence.kind is SentenceKind.STANDARD and (
        total_days <= 1
        or (
            sentence.offence_on is not None
            and sentence.offence_on < ORA
            and _shorter_than(sentence.total, start, Duration(months=12))
        )
    )
    dates = work.dates
    dates[DateType.ESED] = expiry
    expiry_adjusted = expiry + timedelta(days=-adj.deducted + adj.unlawfully_at_large)
    expiry_rule = (
        f"{total_days} days from {start}; {-adj.deducted:+d} deducted, {adj.unlawfully_at_large:+d} UAL"
    )
    if no_licence:
        dates[DateType.ARD] = release
        dates[DateType.SED] = expiry_adjusted
        work.working += [
            Step(DateType.ARD, "automatic release, no licence", release_rule),
            Step(DateType.SED, "sentence expiry", expiry_rule),
        ]
    else:
        dates[DateType.CRD] = release
        dates[DateType.SLED] = expiry_adjusted
        work.working += [
            Step(DateType.CRD, f"release at {fraction}", release_rule),
            Step(DateType.SLED, "sentence and licence expiry", expiry_rule),
        ]
    if ped_fraction is not None:
        ped_days = _ceil(release_days * ped_fraction)
        dates[DateType.PED] = _day(start, ped_days) + timedelta(days=release_shift)
        work.working.append(
            Step(
                DateType.PED,
                f"parole eligibility at {ped_fraction} of the custodial term",
                f"{ped_days} days",
            )
        )
    if sentence.kind is SentenceKind.STANDARD and not no_licence:
        hdc_open = not booking.sex_offender and not sentence.sds_plus_eligible
        if hdc_open:
            hdced, why = _hdc(legislation.hdc, sentence, custodial, release, adj)
            if hdced is not None:
                dates[DateType.HDCED] = hdced
                work.working.append(Step(DateType.HDCED, "home detention curfew (CJA 2003 s.246)", why))
        tused = _top_up(sentence, booking, release_days, total_days, release)
        if tused is not None:
            dates[DateType.TUSED] = tused
            work.working.append(
                Step(DateType.TUSED, "top-up supervision (ORA 2014)", "12 months from the release date")
            )
    return work


def _top_up(
    sentence: Sentence, booking: Booking, release_days: int, total_days: int, release: date
) -> date | None:
    """Top-up supervision to 12 months after release, for sentences over a day and under 2 years (ORA 2014)."""
    start = sentence.sentenced_on
    if sentence.offence_on is None or sentence.offence_on < ORA:
        return None
    if not _shorter_than(sentence.total, start, Duration(years=2)) or total_days <= 1:
        return None
    if _age_on(booking.date_of_birth, _day(start, _ceil(total_days * HALF))) <= 18:
        return None
    if total_days - release_days >= 365:
        return None
    adj = booking.adjustments
    if release - timedelta(days=adj.awarded) < start:
        return add_months(start, 12)
    return add_months(_day(start, release_days) + timedelta(days=adj.unlawfully_at_large - adj.deducted), 12)


def calculate(booking: Booking, legislation: Legislation = CURRENT) -> Calculation | ManualCalculation:
    """Release dates for a booking whose sentences run concurrently."""
    if not booking.sentences:
        return ManualCalculation("there are no sentences")
    results: list[_SentenceDates] = []
    for sentence in booking.sentences:
        one = _single(sentence, booking, legislation)
        if isinstance(one, ManualCalculation):
            return one
        results.append(one)
    return _concurrent(results)


def _release_of(r: _SentenceDates) -> date:
    return r.dates.get(DateType.CRD) or r.dates[DateType.ARD]


def _concurrent(results: list[_SentenceDates]) -> Calculation:
    """Concurrent sentences: the latest release governs release; each expiry the latest of its kind."""
    governing = max(
        results, key=lambda r: (_release_of(r), r.dates.get(DateType.SLED) or r.dates[DateType.SED])
    )
    dates: dict[DateType, date] = {}
    working: list[Step] = []
    for date_type in (DateType.CRD, DateType.ARD, DateType.HDCED, DateType.PED, DateType.TUSED):
        if date_type in governing.dates:
            dates[date_type] = governing.dates[date_type]
    working += governing.working
    for date_type in (DateType.SLED, DateType.SED, DateType.LED, DateType.ESED):
        candidates = [r.dates[date_type] for r in results if date_type in r.dates]
        if candidates:
            dates[date_type] = max(candidates)
    if len(results) > 1:
        working.append(
            Step(
                DateType.CRD,
                "concurrent sentences",
                f"the latest release of {len(results)} sentences governs",
            )
        )
    return Calculation(dates=dates, working=tuple(working))
