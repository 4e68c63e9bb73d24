"""IOM cohort scoring: a configurable recency-frequency-gravity matrix with the working shown.

Integrated Offender Management (RULES.md §5) has three strands: Fixed (neighbourhood crime: domestic
burglary, robbery, theft from the person, vehicle theft), Flex (offence types a partnership adds for local
priorities) and Free (panel discretion). No national scoring matrix is published, so desist ships this one
with documented defaults (docs/iom.md). A score only *suggests* people for the panel to consider; selection
and de-selection stay panel decisions, and the score never suggests the Free strand.

    score = frequency_weight * frequency + gravity_weight * gravity + ogrs_weight * OGRS3 / 100

    frequency = sum of the recency weights of the offences committed in the look-back window
    gravity   = sum of recency weight * harm days / 365 over the same offences (a year's custody = 1.0)

Harm days come from a crime harm table in the spirit of the Cambridge Crime Harm Index: days of custody at
the sentencing-guideline starting point, fine-only offences as days of minimum-wage work to pay the fine. The
shipped table (``data/crime_harm.csv``) holds illustrative defaults for a partnership to set locally, not an
authoritative index; ``DESIST_CRIME_HARM_CSV`` points at a deployment's own.

Plain Python, no Django.
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from desist.core.reference import load_offence_codes, offence_codes_path

ENV_CRIME_HARM = "DESIST_CRIME_HARM_CSV"
_HARM_CSV = Path(__file__).resolve().parent / "data" / "crime_harm.csv"

DAYS_PER_GRAVITY_POINT = 365  # gravity is harm days / 365: one year's custody at full recency weight = 1.0

# The 20 OGRS3 offence categories, spelled as in ogrs3_offence_categories.csv (RULES.md §1).
OGRS3_CATEGORIES: tuple[str, ...] = (
    "Violence",
    "Robbery",
    "Public order",
    "Sexual (against child)",
    "Sexual (not against child)",
    "Soliciting or prostitution",
    "Burglary (domestic)",
    "Burglary (other)",
    "Theft (non-motor)",
    "Handling stolen goods",
    "Fraud and forgery",
    "Absconding or bail offences",
    "Taking & driving away and related offences",
    "Theft from vehicles",
    "Other motoring",
    "Drink driving and related offences",
    "Criminal damage",
    "Drug possession/supply",
    "Drug import/export/production",
    "Other offence",
)
_KNOWN_CATEGORIES = frozenset(OGRS3_CATEGORIES)

# Neighbourhood crime (the Fixed strand) by OGRS3 category: domestic burglary, robbery, theft of and from
# vehicles, taking and driving away. The OGRS3 "Robbery" category also holds robbery of business property,
# which the five-digit codes in the shipped list do not tell apart from personal robbery.
NEIGHBOURHOOD_CRIME_CATEGORIES: frozenset[str] = frozenset(
    {
        "Burglary (domestic)",
        "Robbery",
        "Theft from vehicles",
        "Taking & driving away and related offences",
    }
)
# Neighbourhood crime whose OGRS3 category is broader or elsewhere: theft from the person (HO 39, OGRS3
# "Theft (non-motor)"), aggravated burglary in a dwelling (HO 29, OGRS3 "Violence") and interfering with a
# motor vehicle (HO 126, OGRS3 "Other motoring").
NEIGHBOURHOOD_CRIME_HO_CODES: frozenset[str] = frozenset({"03900", "02900", "12600"})


class IomError(ValueError):
    """Bad input to IOM scoring: the message says what and where."""


class UnknownOffenceCodeError(IomError):
    """A Home Office offence code that is not in the offence code list in use."""

    def __init__(self, ho_code: str, detail: str = "") -> None:
        self.ho_code = ho_code
        message = f"unknown Home Office offence code {ho_code!r}"
        super().__init__(f"{message}: {detail}" if detail else message)


class OffenceCategoryError(IomError):
    """An OGRS3 category that is not one of the 20, or a code whose category must be given explicitly."""


class ScoringMatrixError(IomError):
    """A scoring matrix whose settings contradict each other or name unknown categories."""


class CrimeHarmTableError(IomError):
    """A crime harm CSV that cannot be used: the message names the file and the row."""


@dataclass(frozen=True)
class ScoringMatrix:
    """The IOM scoring matrix. Every setting is configurable; the defaults are documented in docs/iom.md.

    ``recency_bands`` are ``(N, weight)`` pairs, most recent first: an offence gets the weight of the first
    band whose N is at least its age in days. N must rise from band to band, weights must not, and the last
    band must reach ``lookback_days``.
    """

    lookback_days: int = 1095  # offences committed in the last 3 years count
    recency_bands: tuple[tuple[int, float], ...] = ((182, 3.0), (365, 2.0), (1095, 1.0))
    frequency_weight: float = 1.0  # points per recency-weighted offence
    gravity_weight: float = 0.5  # points per recency-weighted year of custody-equivalent harm
    ogrs_weight: float = 5.0  # points at OGRS3 two-year = 100%
    fixed_categories: frozenset[str] = NEIGHBOURHOOD_CRIME_CATEGORIES
    fixed_ho_codes: frozenset[str] = NEIGHBOURHOOD_CRIME_HO_CODES
    flex_categories: frozenset[str] = frozenset()  # chosen locally, e.g. {"Violence"}
    min_score: float = 8.0  # below this, not a candidate

    def __post_init__(self) -> None:
        if isinstance(self.lookback_days, bool) or not isinstance(self.lookback_days, int):
            raise ScoringMatrixError(
                f"lookback_days must be a whole number of days, not {self.lookback_days!r}"
            )
        if self.lookback_days < 0:
            raise ScoringMatrixError(f"lookback_days must be 0 or more, not {self.lookback_days}")
        if not self.recency_bands:
            raise ScoringMatrixError("recency_bands must have at least one band")
        previous_days, previous_weight = -1, math.inf
        for days, weight in self.recency_bands:
            if days <= previous_days:
                raise ScoringMatrixError(
                    f"recency band ({days}, {weight}): band limits must rise, "
                    f"and {days} follows {previous_days}"
                )
            if not (math.isfinite(weight) and weight >= 0):
                raise ScoringMatrixError(f"recency band ({days}, {weight}): the weight must be 0 or more")
            if weight > previous_weight:
                raise ScoringMatrixError(
                    f"recency band ({days}, {weight}): an older band cannot weigh more than a more recent "
                    f"one ({previous_weight})"
                )
            previous_days, previous_weight = days, weight
        if self.recency_bands[-1][0] < self.lookback_days:
            raise ScoringMatrixError(
                f"the last recency band ends at {self.recency_bands[-1][0]} days, before the look-back "
                f"of {self.lookback_days} days: every counted offence needs a band"
            )
        for name in ("frequency_weight", "gravity_weight", "ogrs_weight", "min_score"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise ScoringMatrixError(f"{name} must be 0 or more, not {value!r}")
        for name in ("fixed_categories", "flex_categories"):
            unknown = sorted(set(getattr(self, name)) - _KNOWN_CATEGORIES)
            if unknown:
                raise ScoringMatrixError(
                    f"{name} names {', '.join(map(repr, unknown))}, not an OGRS3 category "
                    f"(one of: {', '.join(OGRS3_CATEGORIES)})"
                )
        bad_codes = sorted(c for c in self.fixed_ho_codes if not (len(c) == 5 and c.isdigit()))
        if bad_codes:
            raise ScoringMatrixError(f"fixed_ho_codes must be five-digit Home Office codes: {bad_codes}")

    def recency_weight(self, days_ago: int) -> float | None:
        """The weight of an offence committed ``days_ago`` days before the as-of date; None outside the
        window (in the future, or older than the look-back)."""
        if days_ago < 0 or days_ago > self.lookback_days:
            return None
        for limit, weight in self.recency_bands:
            if days_ago <= limit:
                return weight
        return None  # unreachable: __post_init__ makes the last band reach the look-back

    def band_labels(self) -> list[str]:
        """The recency bands in words, e.g. "0-182 days x3.0"."""
        labels: list[str] = []
        start = 0
        for limit, weight in self.recency_bands:
            if start > self.lookback_days:
                break
            labels.append(f"{start}–{min(limit, self.lookback_days)} days ×{weight:g}")
            start = limit + 1
        return labels


DEFAULT_MATRIX = ScoringMatrix()


@dataclass(frozen=True)
class OffenceEvent:
    """One offence in a person's history: when it was committed, its Home Office code and, optionally, its
    OGRS3 category (needed for the few codes that span several categories; when given it wins)."""

    offence_date: date
    ho_code: str
    ogrs3_category: str | None = None


@dataclass(frozen=True)
class HarmEntry:
    """One row of the crime harm table."""

    harm_days: float
    basis: str
    ogrs3_category: str | None  # the category row, or the category an override row states (if any)
    ho_code: str | None  # set on a row that overrides the category value for one code
    line: int  # line number in the CSV, for messages


@dataclass(frozen=True)
class CrimeHarmTable:
    """Harm days per OGRS3 category, with optional overrides for single Home Office codes."""

    by_category: Mapping[str, HarmEntry]
    by_code: Mapping[str, HarmEntry]
    source: str

    def entry_for(self, *, ho_code: str, ogrs3_category: str) -> HarmEntry:
        """The override row for this code if there is one, else the row for its category."""
        override = self.by_code.get(ho_code)
        if override is not None:
            return override
        try:
            return self.by_category[ogrs3_category]
        except KeyError:
            raise OffenceCategoryError(
                f"the crime harm table {self.source} has no row for category {ogrs3_category!r}"
            ) from None


@dataclass(frozen=True)
class IomLine:
    """The working for one counted offence."""

    offence_date: date
    ho_code: str
    ogrs3_category: str
    category_from: Literal["given", "ho_code"]  # the event's own category, or the code's from the list
    days_ago: int
    recency_weight: float
    harm_days: float
    harm_from: Literal["ho_code", "category"]  # which harm table row gave harm_days
    harm_basis: str  # that row's basis: where the figure comes from
    frequency_part: float  # frequency_weight * recency_weight
    gravity_part: float  # gravity_weight * recency_weight * harm_days / 365
    contribution: float  # frequency_part + gravity_part: this offence's share of the score
    fixed: bool  # neighbourhood crime under the matrix
    flex: bool  # in the matrix's flex categories


@dataclass(frozen=True)
class IomScore:
    """An IOM score with its working. ``explain()`` renders the working as lines of text."""

    as_of: date
    score: float  # rounded to 2 decimal places
    frequency: float  # sum of recency weights (unweighted by frequency_weight)
    gravity: float  # sum of recency weight * harm days / 365 (unweighted by gravity_weight)
    frequency_part: float
    gravity_part: float
    ogrs_part: float  # 0 when OGRS3 is missing; see ``missing``
    ogrs3_two_year: int | None
    offences_counted: int
    lines: list[IomLine]  # one per counted offence, most recent first
    excluded: list[str]  # offences given but not counted, with the reason
    missing: list[str]  # inputs that were missing, so a term is 0 ("ogrs3_two_year")
    fixed_eligible: bool
    flex_eligible: bool
    suggested_strand: Literal["fixed", "flex"] | None  # candidates only; Fixed takes precedence over Flex
    is_candidate: bool
    matrix: ScoringMatrix
    harm_source: str

    def explain(self) -> list[str]:
        """The working, term by term, in plain words."""
        m = self.matrix
        window_start = self.as_of - timedelta(days=m.lookback_days)
        out = [
            f"IOM score as at {self.as_of.isoformat()}: {self.score:.2f}",
            f"Look-back: offences committed {window_start.isoformat()} to {self.as_of.isoformat()} "
            f"({m.lookback_days} days) count.",
            "Recency weights: " + "; ".join(m.band_labels()) + ".",
            f"Harm table: {self.harm_source}.",
        ]
        if self.lines:
            out.append(f"Offences counted ({self.offences_counted}):")
            for ln in self.lines:
                tags = [t for t, on in (("Fixed", ln.fixed), ("Flex", ln.flex)) if on]
                out.append(
                    f"  {ln.offence_date.isoformat()} {ln.ho_code} {ln.ogrs3_category}"
                    f"{' (category given)' if ln.category_from == 'given' else ''}: "
                    f"{ln.days_ago} days ago, recency ×{ln.recency_weight:g}; "
                    f"harm {ln.harm_days:g} days "
                    f"({'code' if ln.harm_from == 'ho_code' else 'category'} row); "
                    f"{m.frequency_weight:g}×{ln.recency_weight:g} + "
                    f"{m.gravity_weight:g}×{ln.recency_weight:g}×{ln.harm_days:g}/{DAYS_PER_GRAVITY_POINT} "
                    f"= {ln.contribution:.2f}" + (f" [{', '.join(tags)}]" if tags else "")
                )
        else:
            out.append("Offences counted: none in the look-back window.")
        for reason in self.excluded:
            out.append(f"  Not counted: {reason}")
        seen: set[tuple[str, str]] = set()
        for ln in self.lines:
            key = (ln.ho_code if ln.harm_from == "ho_code" else ln.ogrs3_category, ln.harm_basis)
            if key not in seen:
                seen.add(key)
                out.append(f"  Harm {ln.harm_days:g} days for {key[0]}: {ln.harm_basis}")
        weights = " + ".join(f"{ln.recency_weight:g}" for ln in self.lines) or "0"
        out.append(
            f"Frequency = {weights} = {self.frequency:g}; × frequency weight {m.frequency_weight:g} "
            f"= {self.frequency_part:.2f}"
        )
        harms = " + ".join(f"{ln.recency_weight:g}×{ln.harm_days:g}" for ln in self.lines) or "0"
        out.append(
            f"Gravity = ({harms}) / {DAYS_PER_GRAVITY_POINT} = {self.gravity:.3f}; "
            f"× gravity weight {m.gravity_weight:g} = {self.gravity_part:.2f}"
        )
        if self.ogrs3_two_year is None:
            out.append("OGRS3 two-year: MISSING, so this term is 0 (the score uses the other terms only).")
        else:
            out.append(
                f"OGRS3 two-year = {self.ogrs3_two_year}%; {self.ogrs3_two_year}/100 × OGRS weight "
                f"{m.ogrs_weight:g} = {self.ogrs_part:.2f}"
            )
        out.append(
            f"Score = {self.frequency_part:.2f} + {self.gravity_part:.2f} + {self.ogrs_part:.2f} "
            f"= {self.score:.2f}"
        )
        if self.is_candidate:
            out.append(f"Candidate: yes (score {self.score:.2f} ≥ minimum {m.min_score:g}).")
        elif not self.lines:
            out.append("Candidate: no (no offence in the look-back window).")
        else:
            out.append(f"Candidate: no (score {self.score:.2f} < minimum {m.min_score:g}).")
        fixed = [
            f"{ln.ho_code} {ln.ogrs3_category} on {ln.offence_date.isoformat()}"
            for ln in self.lines
            if ln.fixed
        ]
        flex = [
            f"{ln.ho_code} {ln.ogrs3_category} on {ln.offence_date.isoformat()}"
            for ln in self.lines
            if ln.flex
        ]
        out.append(
            "Fixed strand (neighbourhood crime): " + ("eligible: " + "; ".join(fixed) if fixed else "no.")
        )
        if m.flex_categories:
            out.append(
                "Flex strand ("
                + ", ".join(sorted(m.flex_categories))
                + "): "
                + ("eligible: " + "; ".join(flex) if flex else "no.")
            )
        else:
            out.append("Flex strand: no local flex categories are set.")
        strand = {"fixed": "Fixed", "flex": "Flex", None: "none"}[self.suggested_strand]
        if not self.is_candidate and (self.fixed_eligible or self.flex_eligible):
            strand += " (only a candidate gets a suggested strand)"
        out.append(
            f"Suggested strand: {strand}. Free strand places are by panel discretion and are never suggested "
            "by the score; selection is a panel decision."
        )
        if self.missing:
            out.append("Missing: " + ", ".join(self.missing) + ".")
        return out


# --- the crime harm table ---------------------------------------------------------------------------------


def crime_harm_path() -> Path:
    """The crime harm CSV in use: a deployment's own (DESIST_CRIME_HARM_CSV), else the shipped defaults."""
    configured = os.environ.get(ENV_CRIME_HARM)
    return Path(configured) if configured else _HARM_CSV


def load_crime_harm_table(path: Path | None = None) -> CrimeHarmTable:
    """Load and validate a crime harm CSV (default: ``crime_harm_path()``). Cached per file and offence code
    list; ``clear_crime_harm_cache()`` forgets it.

    Columns ``ogrs3_category,ho_code,harm_days,basis``; lines starting with ``#`` are comments. Every one of
    the 20 OGRS3 categories needs a row with no ho_code; a row with a five-digit ho_code overrides its
    category for that code. Raises ``CrimeHarmTableError`` naming the file and the row.
    """
    chosen = Path(path) if path is not None else crime_harm_path()
    return _load_harm(chosen.resolve(), offence_codes_path().resolve())


def clear_crime_harm_cache() -> None:
    """Forget every loaded crime harm table (and the offence code lookup), e.g. after changing the file."""
    _load_harm.cache_clear()
    _code_categories.cache_clear()


_HARM_COLUMNS = ("ogrs3_category", "ho_code", "harm_days", "basis")


@lru_cache(maxsize=8)
def _load_harm(path: Path, codes_path: Path) -> CrimeHarmTable:
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise CrimeHarmTableError(f"crime harm table {where}: cannot read it ({exc})") from exc
    codes = _code_categories(codes_path)
    # Keep line numbers: comments and blank lines become empty lines that the reader skips.
    lines = ["" if ln.lstrip().startswith("#") else ln for ln in text.splitlines()]
    reader = csv.reader(io.StringIO("\n".join(lines)))
    header: list[str] | None = None
    by_category: dict[str, HarmEntry] = {}
    by_code: dict[str, HarmEntry] = {}
    for record in reader:
        line = reader.line_num
        if not record or all(not cell.strip() for cell in record):
            continue
        if header is None:
            header = [cell.strip() for cell in record]
            missing_cols = [c for c in _HARM_COLUMNS if c not in header]
            if missing_cols:
                raise CrimeHarmTableError(
                    f"crime harm table {where}, line {line}: "
                    f"the header lacks column(s) {', '.join(missing_cols)} "
                    f"(expected {','.join(_HARM_COLUMNS)})"
                )
            continue
        if len(record) != len(header):
            raise CrimeHarmTableError(
                f"crime harm table {where}, line {line}: "
                f"{len(record)} fields where the header has {len(header)}"
            )
        row = {name: cell.strip() for name, cell in zip(header, record, strict=True)}
        label = (
            f"crime harm table {where}, line {line} ({row['ogrs3_category'] or row['ho_code'] or 'blank'})"
        )
        entry = _harm_entry(row, line, label, codes)
        if entry.ho_code is not None:
            if entry.ho_code in by_code:
                raise CrimeHarmTableError(
                    f"{label}: code {entry.ho_code} already has a row (line {by_code[entry.ho_code].line})"
                )
            by_code[entry.ho_code] = entry
        else:
            assert entry.ogrs3_category is not None
            if entry.ogrs3_category in by_category:
                raise CrimeHarmTableError(
                    f"{label}: category {entry.ogrs3_category!r} already has a row "
                    f"(line {by_category[entry.ogrs3_category].line})"
                )
            by_category[entry.ogrs3_category] = entry
    if header is None:
        raise CrimeHarmTableError(f"crime harm table {where}: no header row and no data")
    absent = [c for c in OGRS3_CATEGORIES if c not in by_category]
    if absent:
        raise CrimeHarmTableError(
            f"crime harm table {where}: no row for OGRS3 categor{'y' if len(absent) == 1 else 'ies'} "
            + ", ".join(repr(c) for c in absent)
            + " (every one of the 20 categories needs a row with an empty ho_code)"
        )
    return CrimeHarmTable(
        by_category=MappingProxyType(by_category), by_code=MappingProxyType(by_code), source=where
    )


def _harm_entry(row: dict[str, str], line: int, label: str, codes: Mapping[str, str]) -> HarmEntry:
    raw_days = row["harm_days"]
    try:
        harm_days = float(raw_days)
    except ValueError:
        raise CrimeHarmTableError(f"{label}: harm_days {raw_days!r} is not a number") from None
    if not math.isfinite(harm_days) or harm_days < 0:
        raise CrimeHarmTableError(f"{label}: harm_days must be 0 or more, not {raw_days}")
    basis = row["basis"]
    if not basis:
        raise CrimeHarmTableError(f"{label}: basis is empty; say where the figure comes from")
    category = row["ogrs3_category"] or None
    if category is not None and category not in _KNOWN_CATEGORIES:
        raise CrimeHarmTableError(
            f"{label}: {category!r} is not an OGRS3 category (one of: {', '.join(OGRS3_CATEGORIES)})"
        )
    raw_code = row["ho_code"]
    code: str | None = None
    if raw_code:
        if not (raw_code.isdigit() and len(raw_code) <= 5):
            raise CrimeHarmTableError(f"{label}: ho_code {raw_code!r} is not a five-digit Home Office code")
        code = raw_code.zfill(5)
        if code not in codes:
            raise CrimeHarmTableError(f"{label}: ho_code {code} is not in the offence code list in use")
        if category is not None and codes[code] != category:
            raise CrimeHarmTableError(
                f"{label}: code {code} is in category {codes[code]!r} in the offence code list, "
                f"not {category!r}"
            )
    elif category is None:
        raise CrimeHarmTableError(f"{label}: give an OGRS3 category or a Home Office code")
    return HarmEntry(harm_days=harm_days, basis=basis, ogrs3_category=category, ho_code=code, line=line)


# --- scoring ----------------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _code_categories(codes_path: Path) -> Mapping[str, str]:
    """HO code -> OGRS3 category as the offence code list has it (including "Missing description")."""
    del codes_path  # the cache key: load_offence_codes() reads the same file
    return MappingProxyType({row.ho_code: row.ogrs3_category for row in load_offence_codes()})


def _resolve_category(
    event: OffenceEvent, codes: Mapping[str, str]
) -> tuple[str, str, Literal["given", "ho_code"]]:
    raw = event.ho_code.strip()
    if not (raw.isdigit() and len(raw) <= 5):
        raise UnknownOffenceCodeError(event.ho_code, "a Home Office code is five digits")
    code = raw.zfill(5)
    if event.ogrs3_category is not None:
        if event.ogrs3_category not in _KNOWN_CATEGORIES:
            raise OffenceCategoryError(
                f"offence {code} on {event.offence_date.isoformat()}: "
                f"{event.ogrs3_category!r} is not an OGRS3 "
                f"category (one of: {', '.join(OGRS3_CATEGORIES)})"
            )
        return code, event.ogrs3_category, "given"
    category = codes.get(code)
    if category is None:
        raise UnknownOffenceCodeError(code, f"not in the offence code list {offence_codes_path()}")
    if category not in _KNOWN_CATEGORIES:
        raise OffenceCategoryError(
            f"offence {code} on {event.offence_date.isoformat()}: the code has no single OGRS3 category "
            f"({category!r} in the offence code list); give the OffenceEvent an ogrs3_category"
        )
    return code, category, "ho_code"


def iom_score(
    *,
    offences: Sequence[OffenceEvent],
    ogrs3_two_year: int | None,
    as_of: date,
    matrix: ScoringMatrix = DEFAULT_MATRIX,
    harm: CrimeHarmTable | None = None,
) -> IomScore:
    """Score one person for IOM cohort selection, as at ``as_of``, showing the working.

    Counts the offences committed from ``as_of - lookback_days`` to ``as_of`` inclusive; later ones
    (future-dated data) and older ones are listed in ``excluded`` and not counted, and their codes are not
    checked. A counted offence's category is its own ``ogrs3_category`` if given, else its code's category in
    the offence code list (``UnknownOffenceCodeError`` if the code is not there). ``ogrs3_two_year`` is the
    OGRS3 two-year percentage (0-100); None makes the OGRS term 0 and is recorded in ``missing``.
    """
    if ogrs3_two_year is not None and (
        isinstance(ogrs3_two_year, bool)
        or not isinstance(ogrs3_two_year, int)
        or not 0 <= ogrs3_two_year <= 100
    ):
        raise IomError(f"ogrs3_two_year must be a whole percentage from 0 to 100, not {ogrs3_two_year!r}")
    table = harm if harm is not None else load_crime_harm_table()
    codes = _code_categories(offence_codes_path().resolve())

    lines: list[IomLine] = []
    excluded: list[str] = []
    for event in sorted(offences, key=lambda e: (e.offence_date, e.ho_code), reverse=True):
        days_ago = (as_of - event.offence_date).days
        weight = matrix.recency_weight(days_ago)
        if weight is None:
            why = (
                f"after the as-of date ({-days_ago} days later; future-dated)"
                if days_ago < 0
                else f"{days_ago} days ago, outside the {matrix.lookback_days}-day look-back"
            )
            excluded.append(f"{event.offence_date.isoformat()} {event.ho_code}: {why}")
            continue
        code, category, category_from = _resolve_category(event, codes)
        entry = table.entry_for(ho_code=code, ogrs3_category=category)
        frequency_part = matrix.frequency_weight * weight
        gravity_part = matrix.gravity_weight * weight * entry.harm_days / DAYS_PER_GRAVITY_POINT
        lines.append(
            IomLine(
                offence_date=event.offence_date,
                ho_code=code,
                ogrs3_category=category,
                category_from=category_from,
                days_ago=days_ago,
                recency_weight=weight,
                harm_days=entry.harm_days,
                harm_from="ho_code" if entry.ho_code is not None else "category",
                harm_basis=entry.basis,
                frequency_part=frequency_part,
                gravity_part=gravity_part,
                contribution=frequency_part + gravity_part,
                fixed=category in matrix.fixed_categories or code in matrix.fixed_ho_codes,
                flex=category in matrix.flex_categories,
            )
        )

    frequency = math.fsum(ln.recency_weight for ln in lines)
    gravity = math.fsum(ln.recency_weight * ln.harm_days for ln in lines) / DAYS_PER_GRAVITY_POINT
    frequency_part = matrix.frequency_weight * frequency
    gravity_part = matrix.gravity_weight * gravity
    missing: list[str] = []
    if ogrs3_two_year is None:
        missing.append("ogrs3_two_year")
        ogrs_part = 0.0
    else:
        ogrs_part = matrix.ogrs_weight * ogrs3_two_year / 100
    score = round(frequency_part + gravity_part + ogrs_part, 2)
    fixed_eligible = any(ln.fixed for ln in lines)
    flex_eligible = any(ln.flex for ln in lines)
    is_candidate = bool(lines) and score >= matrix.min_score
    strand: Literal["fixed", "flex"] | None = None
    if is_candidate:
        strand = "fixed" if fixed_eligible else "flex" if flex_eligible else None
    return IomScore(
        as_of=as_of,
        score=score,
        frequency=frequency,
        gravity=gravity,
        frequency_part=frequency_part,
        gravity_part=gravity_part,
        ogrs_part=ogrs_part,
        ogrs3_two_year=ogrs3_two_year,
        offences_counted=len(lines),
        lines=lines,
        excluded=excluded,
        missing=missing,
        fixed_eligible=fixed_eligible,
        flex_eligible=flex_eligible,
        suggested_strand=strand,
        is_candidate=is_candidate,
        matrix=matrix,
        harm_source=table.source,
    )
