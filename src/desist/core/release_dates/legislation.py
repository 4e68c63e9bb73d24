"""The law on release, held as data: commencement dates, release fractions, tranches and exclusions.

A change of law is a change here, not in the engine. Each value names its source. The defaults follow the
Criminal Justice Act 2003 as amended (s.244 release at the halfway point; s.244ZA "SDS+" at two-thirds from
1 April 2020; the SDS40 order, SI 2024/844, moving standard sentences to 40% in two tranches with its
exclusions; the further exclusions of 16 December 2024) and HDC (s.246, the 3 June 2025 change from 180 to
365 days on HDC), as the Ministry of Justice's calculator configures them
(``application-calculation-params.yml`` of ``ministryofjustice/calculate-release-dates-api``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

# Commencements that decide which regime a sentence falls under.
CJA_2003 = date(2005, 4, 4)  # offences on or after: Criminal Justice Act 2003 release
LASPO = date(2012, 12, 3)  # sentences on or after: LASPO 2012 release
ORA = date(2015, 2, 1)  # offences on or after: Offender Rehabilitation Act 2014 (licence + top-up)
SDS_PLUS = date(2020, 4, 1)  # sentences on or after: two-thirds release for serious offences (s.244ZA)
PCSC = date(2022, 6, 28)  # sentences on or after: SOPC parole eligibility at two-thirds (PCSC Act 2022)
HDC_365 = date(2025, 6, 3)  # HDC up to 365 days (was 180)
ERS_STOP_CLOCK = date(
    2022, 6, 28
)  # removal under the early removal scheme suspends the sentence (PCSC Act 2022)
FINE_FULL_TERM_FROM = date(
    2015, 6, 1
)  # default terms for fines of £10 million or more, passed from then: served whole
FINE_FULL_TERM_AMOUNT = 10_000_000
# Committals for civil debts (council tax, maintenance…): not sentences for an offence, so remand and tagged
# bail do not count towards them (CJA 2003 s.240ZA; the calculator's ``Offence.CIVIL_OFFENCE_CODES``).
CIVIL_OFFENCE_CODES = frozenset(
    {"ZZ01001", "ZZ01002", "ZZ01003", "ZZ01004", "ZZ01005", "ZZ01008", "ZZ01010", "XX00000-016N"}
)

HALF = Fraction(1, 2)
TWO_THIRDS = Fraction(2, 3)
FORTY_PERCENT = Fraction(2, 5)
ONE_THIRD = Fraction(1, 3)
WHOLE = Fraction(1)


@dataclass(frozen=True)
class Tranche:
    """Who a scheme reaches on a date: terms under ``max_years_exclusive`` years, or of at most
    ``max_days_inclusive`` days (everyone left, when neither is set)."""

    name: str
    commences: date
    max_years_exclusive: int | None = None
    max_days_inclusive: int | None = None


@dataclass(frozen=True)
class EarlyReleaseScheme:
    """A change of the standard release fraction that reaches people already serving, tranche by tranche."""

    name: str
    fraction: Fraction
    tranches: tuple[Tranche, ...]
    # Offence markers (as the prison records them) that keep a sentence at the previous fraction.
    exclusions: frozenset[str]
    # Further exclusions from a later date: such sentences passed from then on go back to the half.
    later_exclusions: frozenset[str] = frozenset()
    later_exclusions_from: date | None = None
    # The fraction for SDS+ sentences, when the scheme reaches them too.
    sds_plus_fraction: Fraction | None = None
    # Leaves out sentences for offences that would make them SDS+ if passed today.
    excludes_would_be_sds_plus: bool = False
    # Added days do not decide whether someone is released before the scheme reaches them; they are added
    # after.
    awarded_days_after: bool = False
    # Sentences under 12 months for offences before 1 February 2015 are released on licence once it reaches
    # them.
    licence_for_short_pre_ora: bool = False
    # Leaves out detention of children under the Sentencing Code s.250.
    excludes_section_250: bool = False
    # Offences (by code) committed from ``unsettled_offences_from`` whose exclusion was unsettled until the
    # later exclusions: a release between the first tranche and then needs a manual calculation.
    unsettled_offences: frozenset[str] = frozenset()
    unsettled_offences_from: date | None = None
    # Someone it reaches who was out of custody (unlawfully at large) the day before it began needs a manual
    # calculation.
    manual_if_out_on_commencement: bool = False
    # Someone its second tranche reaches with a standard sentence passed between the first two tranches' dates
    # in a run of consecutive sentences needs a manual calculation.
    manual_if_consecutive_between_tranches: bool = False
    # An early removal date for standard sentences served concurrently, one passed before the scheme began and
    # another on or after that day, needs a manual calculation (the calculator works it from its snapshot of
    # the law before the scheme, which desist does not reproduce for such terms).
    manual_if_early_removal_either_side: bool = False
    # A sentence passed on or after the scheme began, consecutive to a parole term whose run's parole
    # eligibility date came before that sentence was passed, needs a manual calculation (the calculator keeps
    # the eligibility date the run had before, worked out under its snapshot of the law, which desist does not
    # reproduce).
    manual_if_joined_after_parole_eligibility: bool = False
    # The booking's conditional release, parole eligibility and early removal dates worked out under the law
    # before the scheme stand where they fell (less any added days awarded) before it reached the booking: the
    # calculator's ``SDSProgressionModelFinalDatesService.applyFinalDates``, from its snapshot before the
    # scheme's tranche.
    keeps_dates_before_commencement: bool = False

    @property
    def commences(self) -> date:
        return min(t.commences for t in self.tranches)


@dataclass(frozen=True)
class HdcRules:
    """Home Detention Curfew eligibility (CJA 2003 s.246), before and after the 365-day change."""

    minimum_custodial_days: int = 42
    minimum_days_served: int = 14
    below_midpoint_minimum_days: int = 28
    midpoint_days_before_365: int = 360
    deduction_days_before_365: int = 179
    midpoint_days_from_365: int = 730
    deduction_days_from_365: int = 364
    from_365: date = HDC_365
    # HDC ended for adults (sentences other than s.250 detention): from this date, and for anyone the
    # progression model reached (the calculator's "post HDCED repeal" rules, a clean stop on 2 September
    # 2026).
    adult_stop_from: date | None = None
    # HDC suspended for adults altogether.
    adult_suspended: bool = False


#: The HDC clean stop for adults, as the calculator's production configuration applies it.
HDC_ADULT_CLEAN_STOP = date(2026, 9, 2)


#: Fixed-term recalls of 56 days, replacing 14 and 28 days for a standard sentence's recall, reaching people
#: by the length of their term (in days) from 31 March 2026, as the calculator's ``ftr-legislations``
#: configure it. A recall before a term's tranche date is released no earlier than that date.
FTR56_TRANCHES = (
    Tranche("FTR_56_TRANCHE_1", date(2026, 3, 31), max_days_inclusive=1701),
    Tranche("FTR_56_TRANCHE_2", date(2026, 4, 14), max_days_inclusive=2128),
    Tranche("FTR_56_TRANCHE_3", date(2026, 4, 21), max_days_inclusive=2576),
    Tranche("FTR_56_TRANCHE_4", date(2026, 4, 28), max_days_inclusive=3304),
    Tranche("FTR_56_TRANCHE_5", date(2026, 5, 5), max_days_inclusive=4438),
    Tranche("FTR_56_TRANCHE_6", date(2026, 5, 12)),
)


@dataclass(frozen=True)
class EarlyRemovalRules:
    """The early removal scheme for foreign nationals liable to removal (CJA 2003 s.260): eligible from the
    later of a fraction of the time to release and a longest period before it; ERS30 from 23 September
    2025."""

    ers50_fraction: Fraction = HALF
    ers50_longest_days: int = 544
    ers30_from: date = date(2025, 9, 23)
    ers30_fraction: Fraction = Fraction(3, 10)
    ers30_longest_months: int = 48


@dataclass(frozen=True)
class Legislation:
    """One consistent set of release law to calculate under."""

    name: str
    sds_fraction: Fraction = HALF
    sds_plus_fraction: Fraction = TWO_THIRDS
    schemes: tuple[EarlyReleaseScheme, ...] = ()
    hdc: HdcRules = field(default_factory=HdcRules)
    top_up_supervision: bool = True  # ORA 2014 top-up supervision (false once repealed)
    fixed_term_recall_56: tuple[Tranche, ...] = FTR56_TRANCHES  # empty before 56-day recalls began
    early_removal: EarlyRemovalRules = field(default_factory=EarlyRemovalRules)


SDS40 = EarlyReleaseScheme(
    name="SDS40",
    fraction=FORTY_PERCENT,
    tranches=(
        Tranche("TRANCHE_1", date(2024, 9, 10), max_years_exclusive=5),
        Tranche("TRANCHE_2", date(2024, 10, 22)),
    ),
    exclusions=frozenset({"SEXUAL", "VIOLENT", "DOMESTIC_ABUSE", "NATIONAL_SECURITY", "TERRORISM"}),
    later_exclusions=frozenset({"SEXUAL_T3", "DOMESTIC_ABUSE_T3", "MURDER_T3"}),
    later_exclusions_from=date(2024, 12, 16),
    # Breach of a sexual harm prevention order (Sexual Offences Act 2003 s.103I, Sentencing Act 2020 s.354),
    # from 1 December 2020: whether SDS40's sexual exclusion reached it was unclear until the 16 December 2024
    # exclusions, so the calculator refuses releases between (``SHPOContaingSx03OffencesValidator.kt``).
    unsettled_offences=frozenset({"SX03220", "SX03220A", "SX03244", "SX03244A", "SX03247", "SX03247A"}),
    unsettled_offences_from=date(2020, 12, 1),
    # The calculator refuses these (``SDSImposedConsecBetweenTrancheDatesForTrancheTwoPrisoner``).
    manual_if_consecutive_between_tranches=True,
)

#: The progression model: standard sentences at one-third and SDS+ at half, reaching people already serving
#: in ten tranches by the length of their term (in days) from 1 October 2026, as the calculator's
#: ``application-sds-progression-model-october.yml`` configures it (its production configuration turns it on).
PROGRESSION_MODEL = EarlyReleaseScheme(
    name="progression model",
    fraction=ONE_THIRD,
    sds_plus_fraction=HALF,
    tranches=(
        Tranche("TRANCHE_1", date(2026, 10, 1), max_days_inclusive=574),
        Tranche("TRANCHE_2", date(2026, 10, 13), max_days_inclusive=882),
        Tranche("TRANCHE_3", date(2026, 11, 10), max_days_inclusive=1162),
        Tranche("TRANCHE_4", date(2026, 12, 8), max_days_inclusive=1561),
        Tranche("TRANCHE_5", date(2027, 1, 12), max_days_inclusive=2121),
        Tranche("TRANCHE_6", date(2027, 2, 9), max_days_inclusive=2758),
        Tranche("TRANCHE_7", date(2027, 3, 9), max_days_inclusive=3283),
        Tranche("TRANCHE_8", date(2027, 4, 13), max_days_inclusive=3654),
        Tranche("TRANCHE_9", date(2027, 5, 11), max_days_inclusive=4396),
        Tranche("TRANCHE_10", date(2027, 6, 8)),
    ),
    exclusions=frozenset({"PROGRESSION_MODEL_SCHEDULE_13_PART_3", "SA2026_PROGRESSION_MODEL_SCHEDULE"}),
    excludes_would_be_sds_plus=True,
    awarded_days_after=True,
    licence_for_short_pre_ora=True,
    excludes_section_250=True,
    manual_if_out_on_commencement=True,
    manual_if_early_removal_either_side=True,
    manual_if_joined_after_parole_eligibility=True,
    keeps_dates_before_commencement=True,
)

#: The law in force, as the calculator's standard configuration holds it.
CURRENT = Legislation(name="current", schemes=(SDS40,))

#: The law with the progression model as well, as the calculator's production configuration holds it.
WITH_PROGRESSION_MODEL = Legislation(name="with the progression model", schemes=(SDS40, PROGRESSION_MODEL))

#: The law without SDS40, as the calculator's ``sds-50`` test profile holds it (its tranches put off to 2054).
WITHOUT_SDS40 = Legislation(name="without SDS40")
