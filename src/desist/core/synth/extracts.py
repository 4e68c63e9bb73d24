"""Agency extracts: what each partner's own system would hand over, faults and all, with the hidden truth.

Each source lists the people that agency is or was involved with, in its own formats (date style, sex
coding, upper-case surnames on police and prison systems) and holding only the identifiers it would
hold. Faults are injected at the rates in :class:`ExtractErrorModel`; every rate applies independently
per extract row. The truth table ``extract_links`` maps every (source, record_id) to its person_id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from desist.core.identifiers import nhs_check_digit, pnc_check_letter

from ._util import Arr, digits, join, stream, ymd
from .agencies import AGENCIES, Involvements
from .homes import Addresses, street_of
from .names import name_pools, nickname_table, typo
from .population import Population
from .vocab import EXTRACT_IDENTIFIERS, EXTRACT_SOURCES, extract_schema


@dataclass(frozen=True)
class ExtractErrorModel:
    """Rates of the faults injected into agency extracts (each per extract row, independently).

    The defaults are judgement, not measurement: faults of the order agency data commonly shows (a few
    per cent of names mistyped, a few per cent of duplicate records, about one date of birth in a hundred
    with day and month transposed, an address that lags a move in one record in six or seven), so that
    linkage has real work to do. Change them per run through ``SynthConfig(errors=...)``.
    """

    duplicate_rate: float = 0.03  # the person appears a second time in the same source
    typo_first_rate: float = 0.03  # one-character edit in the first name
    typo_last_rate: float = 0.03  # one-character edit in the last name
    nickname_rate: float = 0.06  # first name recorded as a nickname (William -> Bill), where one exists
    middle_as_first_rate: float = 0.01  # known by their middle name
    transpose_names_rate: float = 0.005  # first and last names swapped
    old_surname_rate: float = 0.5  # for people whose surname changed (marriage): the source has the old one
    dob_swap_rate: float = 0.01  # day and month swapped (only possible where the day is 12 or less)
    dob_typo_rate: float = 0.01  # one part of the date of birth wrong (day +-1..3 or year +-1)
    dob_missing_rate: float = 0.02
    sex_missing_rate: float = 0.01
    old_address_rate: float = 0.15  # the person's previous address instead of the current one
    postcode_missing_rate: float = 0.04
    postcode_typo_rate: float = 0.01  # one character of the postcode wrong
    identifier_missing_rate: float = 0.08  # each identifier the source would hold, independently
    identifier_typo_rate: float = 0.005  # one digit of an identifier wrong
    duplicate_identifier_missing_rate: float = 0.5  # a duplicate record was often made without the id
    alias_as_name_rate: float = 0.03  # police: recorded under an alias

    def as_dict(self) -> dict[str, float]:
        """The rates by name."""
        return {f.name: float(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True)
class SourceFormat:
    """How one source writes dates, sex and names, and its record id style."""

    date_style: str  # "iso", "dmy_slash", "dmy_dash"
    sex_codes: tuple[str, str]  # (male, female)
    upper_last: bool
    upper_first: bool
    id_prefix: str
    id_width: int
    pnc_short_share: float = 0.0  # share of PNC ids written in the short form "YY/NNNNNL"


SOURCE_FORMATS: dict[str, SourceFormat] = {
    "probation": SourceFormat("iso", ("Male", "Female"), False, False, "NDL", 8, 0.1),
    "police": SourceFormat("dmy_slash", ("M", "F"), True, False, "KP", 8, 0.3),
    "prison": SourceFormat("iso", ("M", "F"), True, True, "NOMS-B", 7),
    "housing": SourceFormat("dmy_slash", ("Male", "Female"), False, False, "HSG", 7),
    "health": SourceFormat("iso", ("1", "2"), False, False, "KMH", 9),
    "treatment": SourceFormat("dmy_slash", ("M", "F"), False, False, "TRT", 7),
    "job_centre": SourceFormat("dmy_dash", ("M", "F"), False, False, "JCP", 8),
    "social_care": SourceFormat("dmy_slash", ("Male", "Female"), False, False, "LCS", 7),
    "youth_justice": SourceFormat("iso", ("M", "F"), False, False, "YJ", 6, 0.5),
}


@dataclass
class PersonView:
    """Per-person columns the extracts draw on."""

    first: pa.Array
    middle: pa.Array  # first middle name or null
    last: pa.Array
    birth_last: pa.Array
    alias_first: pa.Array  # first alias or null
    alias_last: pa.Array
    identifiers: dict[str, pa.Array]


def _edit(column: pa.Array, rows: Arr, draws: Arr, fn: Callable[[str, Arr], str]) -> pa.Array:
    """Replace ``column[rows]`` by ``fn(value, draws[i])``, computed in Python (only ever a small subset)."""
    if rows.shape[0] == 0:
        return column
    values = column.take(pa.array(rows)).to_pylist()
    new = [fn(v, draws[i]) if v is not None else None for i, v in enumerate(values)]
    mask = np.zeros(len(column), dtype=bool)
    mask[rows] = True
    # replace_with_mask fills the masked slots in order: ``rows`` is ascending (from flatnonzero).
    return pc.replace_with_mask(column, pa.array(mask), pa.array(new, type=column.type))


def _format_dates(year: Arr, month: Arr, day: Arr, style: str) -> pa.Array:
    y, m, d = digits(year, 4), digits(month, 2), digits(day, 2)
    if style == "iso":
        return join(y, "-", m, "-", d)
    sep = "/" if style == "dmy_slash" else "-"
    return join(d, sep, m, sep, y)


def build_extracts(
    seed: int,
    pop: Population,
    view: PersonView,
    addr: Addresses,
    inv: Involvements,
    errors: ExtractErrorModel,
) -> tuple[dict[str, pa.Table], pa.Table]:
    """Every source's extract and the truth table linking its records to people."""
    kinds = np.array([a[2] for a in AGENCIES])
    extracts: dict[str, pa.Table] = {}
    latest = ymd(np.asarray([pop.dob.max()]))
    latest_birth_year = int(latest[0][0])
    latest_birth = latest_birth_year * 10_000 + int(latest[1][0]) * 100 + int(latest[2][0])
    truth_parts: list[pa.Table] = []
    nick = nickname_table()
    pools = name_pools()
    pool_names = list(pools.male) + list(pools.female)
    nick_first = np.array([name in nick for name in pool_names])
    nick_offset = np.where(pop.sex == 1, len(pools.male), 0)
    has_nick = nick_first[pop.first + nick_offset]
    for source in EXTRACT_SOURCES:
        rng = stream(seed, f"extract:{source}")
        fmt = SOURCE_FORMATS[source]
        # Each source is one agency kind (the prisons together make one source).
        agency_rows = np.flatnonzero(kinds[inv.agency] == source)
        people = np.unique(inv.person[agency_rows])
        dup = people[rng.random(people.shape[0]) < errors.duplicate_rate]
        person = np.concatenate([people, dup])
        is_dup = np.concatenate([np.zeros(people.shape[0], bool), np.ones(dup.shape[0], bool)])
        shuffle = rng.permutation(person.shape[0])
        person, is_dup = person[shuffle], is_dup[shuffle]
        n = int(person.shape[0])
        p_idx = pa.array(person)
        u = rng.random((n, 16))

        # --- names ---
        first = view.first.take(p_idx)
        middle = view.middle.take(p_idx)
        use_middle = (u[:, 0] < errors.middle_as_first_rate) & pc.is_valid(middle).to_numpy(
            zero_copy_only=False
        )
        first = pc.if_else(pa.array(use_middle), middle, first)
        nick_rows = np.flatnonzero((u[:, 1] < errors.nickname_rate) & has_nick[person] & ~use_middle)
        first = _edit(first, nick_rows, u[nick_rows, 2:3], _nickname)
        last = view.last.take(p_idx)
        changed = pc.not_equal(view.birth_last.take(p_idx), last).to_numpy(zero_copy_only=False)
        old = changed & (u[:, 3] < errors.old_surname_rate)
        last = pc.if_else(pa.array(old), view.birth_last.take(p_idx), last)
        if source == "police":
            a_first = view.alias_first.take(p_idx)
            a_last = view.alias_last.take(p_idx)
            has_alias = pc.is_valid(a_first).to_numpy(zero_copy_only=False)
            as_alias = has_alias & (u[:, 4] < errors.alias_as_name_rate)
            first, a_first = (
                pc.if_else(pa.array(as_alias), a_first, first),
                pc.if_else(pa.array(as_alias), first, a_first),
            )
            last, a_last = (
                pc.if_else(pa.array(as_alias), a_last, last),
                pc.if_else(pa.array(as_alias), last, a_last),
            )
        t_first = np.flatnonzero(u[:, 5] < errors.typo_first_rate)
        t_last = np.flatnonzero(u[:, 6] < errors.typo_last_rate)
        edits = rng.random((n, 3))
        first = _edit(first, t_first, edits[t_first], _typo)
        last = _edit(last, t_last, edits[t_last][:, ::-1], _typo)
        swap = pa.array(u[:, 7] < errors.transpose_names_rate)
        first, last = pc.if_else(swap, last, first), pc.if_else(swap, first, last)
        if fmt.upper_last:
            last = pc.utf8_upper(last)
        if fmt.upper_first:
            first = pc.utf8_upper(first)

        # --- date of birth ---
        year, month, day = ymd(pop.dob[person])
        true_year, true_month, true_day = year, month, day
        can_swap = (day <= 12) & (day != month)
        swap_dm = can_swap & (u[:, 8] < errors.dob_swap_rate)
        month, day = np.where(swap_dm, day, month), np.where(swap_dm, month, day)
        bad = u[:, 9] < errors.dob_typo_rate
        delta = np.where(rng.random(n) < 0.5, -1, 1) * (1 + (rng.random(n) * 3).astype(np.int64))
        day_fix = bad & (rng.random(n) < 0.6)
        day = np.where(day_fix, np.clip(day + delta, 1, 28), day)
        # A year typo goes back, not forward, where forward could put a birth after the as-of date.
        year_step = np.where(year + 1 >= latest_birth_year, -1, np.sign(delta))
        year = np.where(bad & ~day_fix, year + year_step, year)
        # 29 February moved to a common year becomes the 28th, so every date is a real one.
        leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
        day = np.where((month == 2) & (day == 29) & ~leap, 28, day)
        # A mistake never puts a birth after the latest real one (a day moved on, or day and month swapped,
        # for a baby born days before the as-of date): no agency's system accepts a birth in the future.
        future = year * 10_000 + month * 100 + day > latest_birth
        year = np.where(future, true_year, year)
        month = np.where(future, true_month, month)
        day = np.where(future, true_day, day)
        dob = _format_dates(year, month, day, fmt.date_style)
        dob = pc.if_else(pa.array(u[:, 10] < errors.dob_missing_rate), pa.scalar(None, pa.string()), dob)

        # --- sex ---
        sex = pa.array(list(fmt.sex_codes), type=pa.string()).take(pa.array(pop.sex[person]))
        sex = pc.if_else(pa.array(u[:, 11] < errors.sex_missing_rate), pa.scalar(None, pa.string()), sex)

        # --- address ---
        prev = addr.previous_row[person]
        use_old = (prev >= 0) & (u[:, 12] < errors.old_address_rate)
        rows = np.where(use_old, prev, addr.current_row[person])
        street = street_of(addr, rows)
        locality = addr.town.take(pa.array(rows))
        postcode = addr.postcode.take(pa.array(rows))
        pc_typo = np.flatnonzero(u[:, 13] < errors.postcode_typo_rate)
        pc_draw = rng.random((n, 2))
        postcode = _edit(postcode, pc_typo, pc_draw[pc_typo], _postcode_typo)
        postcode = pc.if_else(
            pa.array(u[:, 14] < errors.postcode_missing_rate), pa.scalar(None, pa.string()), postcode
        )

        # --- record ids: the agency's own numbering, in an order unrelated to person ids ---
        offset = int(rng.integers(1000, 10 ** (fmt.id_width - 1)))
        record_id = join(fmt.id_prefix, digits(offset + np.arange(n), fmt.id_width))

        columns: dict[str, pa.Array] = {
            "source": pa.array(np.full(n, source, dtype=object), type=pa.string()),
            "record_id": record_id,
            "first_name": first,
            "last_name": last,
            "date_of_birth": dob,
            "sex": sex,
            "street": street,
            "locality": locality,
            "postcode": postcode,
        }
        id_u = rng.random((n, len(EXTRACT_IDENTIFIERS[source])))
        id_typo = rng.random((n, len(EXTRACT_IDENTIFIERS[source]))) < errors.identifier_typo_rate
        id_draw = rng.random((n, 2))
        for j, ident in enumerate(EXTRACT_IDENTIFIERS[source]):
            values = view.identifiers[ident].take(p_idx)
            missing = id_u[:, j] < np.where(
                is_dup, errors.duplicate_identifier_missing_rate, errors.identifier_missing_rate
            )
            t_rows = np.flatnonzero(id_typo[:, j] & ~missing)
            values = _edit(values, t_rows, id_draw[t_rows], _IDENTIFIER_TYPOS.get(ident, _digit_typo))
            if ident == "pnc" and fmt.pnc_short_share > 0:
                short = pa.array(id_draw[:, 0] < fmt.pnc_short_share)
                values = pc.if_else(short, _short_pnc(values), values)
            columns[ident] = pc.if_else(pa.array(missing), pa.scalar(None, pa.string()), values)
        if source == "police":
            columns["alias_first_name"] = a_first
            columns["alias_last_name"] = a_last
        table = pa.table(columns, schema=extract_schema(source))
        extracts[source] = table
        truth_parts.append(
            pa.table(
                {
                    "source": table.column("source"),
                    "record_id": record_id,
                    "person_id": pa.array(person + 1, type=pa.int64()),
                }
            )
        )
    truth = pa.concat_tables(truth_parts)
    return extracts, truth


def _nickname(name: str, draw: Arr) -> str:
    options = nickname_table().get(name)
    if not options:
        return name
    return options[min(int(draw[0] * len(options)), len(options) - 1)]


def _typo(name: str, draw: Arr) -> str:
    return typo(name, (float(draw[0]), float(draw[1]), float(draw[2])))


_POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def _postcode_typo(code: str, draw: Arr) -> str:
    # Change one character of the inward code (the part most often misheard or mistyped).
    if len(code) < 5:
        return code
    pos = len(code) - 1 - int(draw[0] * 3) % 3
    ch = code[pos]
    if ch.isdigit():
        new = str((int(ch) + 1 + int(draw[1] * 8)) % 10)
    else:
        new = _POSTCODE_LETTERS[(_POSTCODE_LETTERS.find(ch) + 1 + int(draw[1] * 18)) % len(_POSTCODE_LETTERS)]
    return code[:pos] + new + code[pos + 1 :]


def _short_pnc(values: pa.Array) -> pa.Array:
    """'2004/0012345K' -> '04/12345K': the short form many systems print (the same id)."""
    year = pc.utf8_slice_codeunits(values, 2, 4)
    serial = pc.utf8_ltrim(pc.utf8_slice_codeunits(values, 5, 12), characters="0")
    letter = pc.utf8_slice_codeunits(values, 12, 13)
    return join(year, "/", serial, letter)


def _digit_typo(value: str, draw: Arr) -> str:
    positions = [i for i, ch in enumerate(value) if ch.isdigit()]
    if not positions:
        return value
    pos = positions[min(int(draw[0] * len(positions)), len(positions) - 1)]
    new = str((int(value[pos]) + 1 + int(draw[1] * 8)) % 10)
    return value[:pos] + new + value[pos + 1 :]


# Agencies' systems check PNC and NHS numbers' check characters, so a mistyped digit that reaches an
# extract comes with a check character that fits: the number is wrong but well formed (and the importer,
# which refuses a broken check, still takes it).
def _pnc_typo(value: str, draw: Arr) -> str:
    typed = _digit_typo(value[:12], draw)  # "YYYY/NNNNNNN"
    return typed + pnc_check_letter(int(typed[:4]), int(typed[5:12]))


def _nhs_typo(value: str, draw: Arr) -> str:
    nine = _digit_typo(value[:9], draw)
    while (check := nhs_check_digit(nine)) is None:
        nine = _digit_typo(nine, draw)
    return nine + str(check)


_IDENTIFIER_TYPOS: dict[str, Callable[[str, Arr], str]] = {"pnc": _pnc_typo, "nhs_number": _nhs_typo}
