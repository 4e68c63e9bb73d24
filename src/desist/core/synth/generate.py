"""The public entry point: configure and generate a whole synthetic partnership."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..reference import DISTRICTS
from . import vocab
from ._util import Arr, choice_index, date_col, int_col, str_col, stream, to_days, with_nulls, ymd
from .agencies import AGENCIES, AGENCY_CODES, REASONS, Workers, assign_workers, build_involvements, prison_for
from .assessments import assessment_tables, build_assessments
from .casework import (
    ADDITIONAL_CONDITIONS,
    STANDARD_CONDITIONS,
    PersonJustice,
    build_licence_conditions,
    build_registers,
    build_requirements,
    summarise,
)
from .extracts import ExtractErrorModel, PersonView, build_extracts
from .homes import build_addresses
from .identifiers import make_crn, make_nhs, make_ni, make_phone, make_pnc, make_prison_numbers
from .justice import K_CUSTODY, Sentences, build_offences, build_sentences, simulate_histories
from .names import name_pools, nickname_table
from .places import DISTRICT_CODES
from .population import (
    ETHNICITY_CODES,
    GENDER_CODES,
    Population,
    build_population,
    pick_first_names,
    select_supervised,
)
from .schools import build_school_records

# 1.1.0 added assessments and school records; 1.1.1 keeps mistyped PNC and NHS numbers well formed;
# 1.2.0 calibrates reoffending to published figures (docs/calibration.md); 1.2.1 lets supervised people
# reoffend during their current sentence and ends recent sanctions of everyone else at once.
GENERATOR_VERSION = "1.2.1"
DEFAULT_AS_OF = date(2026, 11, 23)


@dataclass(frozen=True)
class SynthConfig:
    """Everything that shapes a generated partnership. Same config, same output, byte for byte."""

    people: int = 50_000
    seed: int = 1
    as_of: date = DEFAULT_AS_OF
    supervised_share: float = 0.12  # of everyone in the partnership's records
    custody_share: float = 0.25  # of the supervised (Kent: 1,500 of 6,000)
    supervised_male_share: float = 0.90
    # Among the supervised in the community: on licence (or post-sentence supervision), community order,
    # suspended sentence order.
    community_mix: tuple[float, float, float] = (0.35, 0.42, 0.23)
    mappa_share: float = 0.015  # of the supervised
    iom_share: float = 0.04  # of the supervised
    errors: ExtractErrorModel = field(default_factory=ExtractErrorModel)

    def __post_init__(self) -> None:
        if self.people < 1:
            raise ValueError("people must be at least 1")
        if self.seed < 0:
            raise ValueError("seed must not be negative")


@dataclass
class Partnership:
    """A generated partnership: one arrow table per entity, the agency extracts and the hidden truth."""

    config: SynthConfig
    districts: pa.Table
    agencies: pa.Table
    workers: pa.Table
    people: pa.Table
    aliases: pa.Table
    addresses: pa.Table
    relationships: pa.Table
    offences: pa.Table
    sentences: pa.Table
    requirements: pa.Table
    licence_conditions: pa.Table
    registers: pa.Table
    involvements: pa.Table
    assessments: pa.Table
    assessment_sections: pa.Table
    school_records: pa.Table
    extracts: dict[str, pa.Table]
    extract_links: pa.Table

    def tables(self) -> dict[str, pa.Table]:
        """The entity tables by name (not the extracts or the truth)."""
        return {name: getattr(self, name) for name in vocab.TABLES}

    def row_counts(self) -> dict[str, int]:
        """Rows per table, extract ("extracts/<source>") and truth table ("truth/extract_links")."""
        counts = {name: int(t.num_rows) for name, t in self.tables().items()}
        counts.update({f"extracts/{s}": int(t.num_rows) for s, t in self.extracts.items()})
        counts["truth/extract_links"] = int(self.extract_links.num_rows)
        return counts


def generate_partnership(
    people: int | None = None,
    seed: int | None = None,
    as_of: date | None = None,
    *,
    config: SynthConfig | None = None,
) -> Partnership:
    """Generate a synthetic Kent and Medway partnership.

    Pass ``people``, ``seed`` and ``as_of`` (defaults 50,000, 1 and 23 November 2026), or a full
    :class:`SynthConfig`; explicit arguments override the config's values. The result is deterministic
    for the configuration.
    """
    cfg = config or SynthConfig()
    cfg = replace(
        cfg,
        people=cfg.people if people is None else int(people),
        seed=cfg.seed if seed is None else int(seed),
        as_of=cfg.as_of if as_of is None else as_of,
    )
    return _generate(cfg)


def _generate(cfg: SynthConfig) -> Partnership:
    seed = cfg.seed
    today = to_days(cfg.as_of)
    pop = build_population(stream(seed, "population"), cfg.people, today)
    select_supervised(
        stream(seed, "supervision"),
        pop,
        cfg.supervised_share,
        cfg.custody_share,
        cfg.supervised_male_share,
        cfg.community_mix,
    )
    occ = simulate_histories(stream(seed, "histories"), pop, today)
    sent = build_sentences(stream(seed, "sentences"), occ, today)
    off = build_offences(stream(seed, "offences"), occ, pop.da_prone, pop.dob)
    pj = summarise(pop, occ, off, sent)
    req = build_requirements(stream(seed, "requirements"), sent, pop, today)
    lic = build_licence_conditions(stream(seed, "licence"), sent)
    reg = build_registers(
        stream(seed, "registers"), pop, occ, off, sent, pj, today, cfg.mappa_share, cfg.iom_share
    )
    prison = prison_for(stream(seed, "prisons"), pop.sex[sent.person], pop.age[sent.person], sent.length_days)
    drr = req.sentence[req.kind == vocab.REQUIREMENT_KINDS.index("drr")]
    inv = build_involvements(stream(seed, "involvements"), pop, sent, pj, reg, drr, prison, today)
    workers = assign_workers(stream(seed, "workers"), inv, pop)
    addr = build_addresses(stream(seed, "addresses"), pop, today)

    ids = _identifiers(stream(seed, "identifiers"), pop, pj)
    first = pop.first_names()
    last = pop.last_names()
    alias_person, alias_first, alias_last, alias_kind = _aliases(
        stream(seed, "aliases"), pop, pj, first, last
    )
    view = _person_view(pop, first, last, alias_person, alias_first, alias_last, alias_kind, ids)
    extracts, truth = build_extracts(seed, pop, view, addr, inv, cfg.errors)
    assessments, assessment_sections = assessment_tables(
        build_assessments(stream(seed, "assessments"), pop, pj, today)
    )
    school = build_school_records(stream(seed, "schools"), pop, cfg.as_of)

    return Partnership(
        config=cfg,
        districts=pa.table(
            {"code": [d.code for d in DISTRICTS], "name": [d.name for d in DISTRICTS]},
            schema=vocab.SCHEMAS["districts"],
        ),
        agencies=pa.table(
            {
                "agency_code": [a[0] for a in AGENCIES],
                "name": [a[1] for a in AGENCIES],
                "kind": [a[2] for a in AGENCIES],
                "district_code": [a[3] for a in AGENCIES],
            },
            schema=vocab.SCHEMAS["agencies"],
        ),
        workers=_workers_table(workers),
        people=_people_table(pop, first, last, ids, stream(seed, "contact")),
        aliases=pa.table(
            {
                "person_id": int_col(alias_person + 1),
                "first_name": alias_first,
                "last_name": alias_last,
                "kind": str_col(vocab.ALIAS_KINDS, alias_kind),
            },
            schema=vocab.SCHEMAS["aliases"],
        ),
        addresses=pa.table(
            {
                "address_id": int_col(np.arange(1, addr.person.shape[0] + 1)),
                "person_id": int_col(addr.person + 1),
                "household_id": int_col(addr.household + 1),
                "line1": addr.line1,
                "line2": addr.line2,
                "town": addr.town,
                "postcode": addr.postcode,
                "district_code": str_col(DISTRICT_CODES, addr.district),
                "from_date": date_col(addr.from_date),
                "to_date": date_col(addr.to_date, addr.to_date >= 0),
            },
            schema=vocab.SCHEMAS["addresses"],
        ),
        relationships=_relationships_table(pop, pj.has_record),
        offences=pa.table(
            {
                "offence_id": int_col(np.arange(1, off.person.shape[0] + 1)),
                "person_id": int_col(off.person + 1),
                "ho_code": off.ho_code,
                "offence_date": date_col(off.offence_date),
                "outcome": str_col(vocab.OUTCOMES, occ.caution[off.occasion].astype(np.int64)),
                "outcome_date": date_col(occ.outcome_date[off.occasion]),
                "disposal": str_col(
                    vocab.DISPOSALS,
                    np.maximum(occ.disposal[off.occasion], 0),
                    occ.disposal[off.occasion] >= 0,
                ),
                "sentence_id": _sentence_ids(occ.person.shape[0], sent.occasion, off.occasion),
                "domestic_abuse": pa.array(off.da, type=pa.bool_()),
            },
            schema=vocab.SCHEMAS["offences"],
        ),
        sentences=_sentences_table(sent, prison),
        requirements=pa.table(
            {
                "requirement_id": int_col(np.arange(1, req.kind.shape[0] + 1)),
                "sentence_id": int_col(req.sentence + 1),
                "kind": str_col(vocab.REQUIREMENT_KINDS, req.kind),
                "amount": int_col(req.amount, req.amount >= 0),
                "unit": str_col(vocab.REQUIREMENT_UNITS, np.maximum(req.unit, 0), req.unit >= 0),
                "start_date": date_col(req.start),
                "end_date": date_col(req.end),
                "status": str_col(vocab.REQUIREMENT_STATUSES, req.status),
            },
            schema=vocab.SCHEMAS["requirements"],
        ),
        licence_conditions=pa.table(
            {
                "condition_id": int_col(np.arange(1, lic.code.shape[0] + 1)),
                "sentence_id": int_col(lic.sentence + 1),
                "kind": str_col(vocab.LICENCE_CONDITION_KINDS, lic.additional.astype(np.int64)),
                "code": str_col(
                    [c[0] for c in STANDARD_CONDITIONS] + [c[0] for c in ADDITIONAL_CONDITIONS], lic.code
                ),
                "description": str_col(
                    [c[1] for c in STANDARD_CONDITIONS] + [c[1] for c in ADDITIONAL_CONDITIONS], lic.code
                ),
            },
            schema=vocab.SCHEMAS["licence_conditions"],
        ),
        registers=pa.table(
            {
                "register_id": int_col(np.arange(1, reg.kind.shape[0] + 1)),
                "person_id": int_col(reg.person + 1),
                "kind": str_col(vocab.REGISTER_KINDS, reg.kind),
                "mappa_category": int_col(reg.category, reg.category >= 0),
                "mappa_level": int_col(reg.level, reg.level >= 0),
                "start_date": date_col(reg.start),
                "end_date": date_col(reg.end, reg.end >= 0),
            },
            schema=vocab.SCHEMAS["registers"],
        ),
        involvements=pa.table(
            {
                "involvement_id": int_col(np.arange(1, inv.person.shape[0] + 1)),
                "person_id": int_col(inv.person + 1),
                "agency_code": str_col(AGENCY_CODES, inv.agency),
                "reason": str_col(REASONS, inv.reason),
                "start_date": date_col(inv.start),
                "end_date": date_col(inv.end, inv.end >= 0),
                "worker_id": int_col(inv.worker, inv.worker > 0),
            },
            schema=vocab.SCHEMAS["involvements"],
        ),
        assessments=assessments,
        assessment_sections=assessment_sections,
        school_records=pa.table(
            {
                "school_record_id": int_col(np.arange(1, school.person.shape[0] + 1)),
                "person_id": int_col(school.person + 1),
                "period_start": date_col(school.period_start),
                "period_end": date_col(school.period_end),
                "unauthorised_absence_percent": pa.array(school.absence_percent, type=pa.float64()),
                "fixed_term_exclusions": int_col(school.fixed_term_exclusions),
                "permanently_excluded": pa.array(school.permanently_excluded, type=pa.bool_()),
            },
            schema=vocab.SCHEMAS["school_records"],
        ),
        extracts=extracts,
        extract_links=truth.cast(vocab.SCHEMAS["extract_links"]),
    )


def _sentence_ids(n_occasions: int, sentence_occasion: Arr, offence_occasion: Arr) -> pa.Array:
    by_occasion = np.full(n_occasions, -1, dtype=np.int64)
    by_occasion[sentence_occasion] = np.arange(1, sentence_occasion.shape[0] + 1)
    sid = by_occasion[offence_occasion]
    return int_col(sid, sid > 0)


def _identifiers(rng: np.random.Generator, pop: Population, pj: PersonJustice) -> dict[str, pa.Array]:
    """PNC for everyone with a record, CRN for anyone ever on probation's books, prison numbers for anyone
    ever in custody, NHS numbers for nearly everyone and NI numbers for most people over 16."""
    n = pop.n
    out: dict[str, pa.Array] = {}

    def scatter(mask: Arr, values: pa.Array) -> pa.Array:
        idx = np.full(n, -1, dtype=np.int64)
        idx[mask] = np.arange(int(mask.sum()))
        return values.take(pa.array(idx, mask=idx < 0))

    rec = pj.has_record
    first_year, _, _ = ymd(np.maximum(pj.first_offence[rec], 0))
    # The PNC id carries the year the person was first recorded; records older than the national
    # computer were entered with later years, so no id is older than 1975 (and two-digit years read back
    # unambiguously).
    out["pnc"] = scatter(rec, make_pnc(rng, np.maximum(first_year, 1975)))
    probation = pop.supervised | pj.any_sentence
    out["crn"] = scatter(probation, make_crn(rng, int(probation.sum())))
    out["prison_number"] = scatter(pj.any_custody, make_prison_numbers(rng, int(pj.any_custody.sum())))
    nhs = rng.random(n) < 0.98
    out["nhs_number"] = scatter(nhs, make_nhs(rng, int(nhs.sum())))
    ni = (pop.age >= 16) & (rng.random(n) < 0.93)
    out["ni_number"] = scatter(ni, make_ni(rng, int(ni.sum())))
    return out


def _aliases(
    rng: np.random.Generator, pop: Population, pj: PersonJustice, first: pa.Array, last: pa.Array
) -> tuple[Arr, pa.Array, pa.Array, Arr]:
    """Previous names of everyone whose surname changed; aliases and nicknames of some offenders."""
    pools = name_pools()
    changed = np.flatnonzero(pop.birth_last != pop.last)
    rec = np.flatnonzero(pj.has_record)
    chosen = rec[rng.random(rec.shape[0]) < 0.15]
    twice = chosen[rng.random(chosen.shape[0]) < 0.2]
    holders = np.sort(np.concatenate([chosen, twice]))
    k = int(holders.shape[0])
    nick = nickname_table()
    names_py = first.take(pa.array(holders)).to_pylist()
    use_nick = rng.random(k) < 0.45
    pick = rng.random(k)
    nick_first: list[str | None] = []
    for i, name in enumerate(names_py):
        options = nick.get(name) if use_nick[i] else None
        nick_first.append(options[min(int(pick[i] * len(options)), len(options) - 1)] if options else None)
    is_nick = np.array([v is not None for v in nick_first], dtype=bool)
    other_first_idx = np.where(
        pop.sex[holders] == 0,
        choice_index(rng, pools.male_weights, k),
        choice_index(rng, pools.female_weights, k),
    )
    other_first = pick_first_names(other_first_idx, pop.sex[holders])
    alias_first = pc.if_else(pa.array(is_nick), pa.array(nick_first, type=pa.string()), other_first)
    keep_last = is_nick | (rng.random(k) < 0.6)
    other_last = str_col(pools.last, choice_index(rng, pools.last_weights, k))
    alias_last = pc.if_else(pa.array(keep_last), last.take(pa.array(holders)), other_last)
    kinds_alias = np.where(is_nick, 2, 0)
    person = np.concatenate([changed, holders])
    a_first = pa.chunked_array([first.take(pa.array(changed)), alias_first]).combine_chunks()
    a_last = pa.chunked_array([pop.birth_last_names().take(pa.array(changed)), alias_last]).combine_chunks()
    kind = np.concatenate([np.full(changed.shape[0], 1), kinds_alias]).astype(np.int64)
    order = np.lexsort((kind, person))
    take = pa.array(order)
    return person[order], a_first.take(take), a_last.take(take), kind[order]


def _person_view(
    pop: Population,
    first: pa.Array,
    last: pa.Array,
    alias_person: Arr,
    alias_first: pa.Array,
    alias_last: pa.Array,
    alias_kind: Arr,
    ids: dict[str, pa.Array],
) -> PersonView:
    n = pop.n
    pools = name_pools()
    middle = str_col(
        list(pools.male) + list(pools.female),
        np.maximum(pop.middle1, 0) + np.where(pop.sex == 1, len(pools.male), 0),
        pop.middle1 >= 0,
    )
    # The first alias or nickname of each person (not previous names), as police would hold it.
    rows = np.flatnonzero(alias_kind != 1)
    first_rows = (
        rows[np.r_[True, alias_person[rows][1:] != alias_person[rows][:-1]]] if rows.shape[0] else rows
    )
    idx = np.full(n, -1, dtype=np.int64)
    idx[alias_person[first_rows]] = first_rows
    take = pa.array(idx, mask=idx < 0)
    return PersonView(
        first=first,
        middle=middle,
        last=last,
        birth_last=pop.birth_last_names(),
        alias_first=alias_first.take(take),
        alias_last=alias_last.take(take),
        identifiers=ids,
    )


def _people_table(
    pop: Population, first: pa.Array, last: pa.Array, ids: dict[str, pa.Array], rng: np.random.Generator
) -> pa.Table:
    n = pop.n
    pools = name_pools()
    everyone = list(pools.male) + list(pools.female)
    offset = np.where(pop.sex == 1, len(pools.male), 0)
    m1 = str_col(everyone, np.maximum(pop.middle1, 0) + offset, pop.middle1 >= 0)
    m2 = str_col(everyone, np.maximum(pop.middle2, 0) + offset, pop.middle2 >= 0)
    middle = pc.coalesce(pc.binary_join_element_wise(m1, m2, " "), m1)
    adult = pop.age >= 18
    phone_p = np.where(adult, 0.65, np.where(pop.age >= 14, 0.4, 0.0))
    has_phone = rng.random(n) < phone_p
    phone = with_nulls(make_phone(rng, n), has_phone)
    has_email = adult & (rng.random(n) < 0.4)
    clean_first = pc.replace_substring_regex(pc.utf8_lower(first), "[^a-z]", "")
    clean_last = pc.replace_substring_regex(pc.utf8_lower(last), "[^a-z]", "")
    number = rng.integers(0, 100, n)
    suffix = pc.if_else(pa.array(rng.random(n) < 0.5), pa.array(number).cast(pa.string()), pa.scalar(""))
    domain = str_col(("example.com", "example.org", "example.net"), rng.integers(0, 3, n))
    email = pc.binary_join_element_wise(clean_first, ".", clean_last, suffix, "@", domain, "")
    email = with_nulls(email, has_email)
    # Two people never share an address: add a number to the local part where names collide.
    rows = pa.table({"email": email, "row": pa.array(np.arange(n))})
    counts = rows.filter(pc.is_valid(email)).group_by("email").aggregate([("row", "count")])
    shared = rows.join(counts, "email").sort_by("row").column("row_count").combine_chunks()
    clash = pc.fill_null(pc.greater(shared, 1), False).to_numpy(zero_copy_only=False)
    if clash.any():
        local = pc.binary_join_element_wise(
            clean_first, ".", clean_last, pa.array(np.arange(1, n + 1)).cast(pa.string()), ""
        )
        email = pc.if_else(pa.array(clash), pc.binary_join_element_wise(local, "@", domain, ""), email)
    return pa.table(
        {
            "person_id": int_col(np.arange(1, n + 1)),
            "first_name": first,
            "middle_names": middle,
            "last_name": last,
            "date_of_birth": date_col(pop.dob),
            "sex": str_col(vocab.SEXES, pop.sex),
            "gender": str_col(GENDER_CODES, pop.gender),
            "ethnicity": str_col(ETHNICITY_CODES, pop.ethnicity),
            "district_code": str_col(DISTRICT_CODES, pop.district),
            "family_id": int_col(pop.family + 1),
            "household_id": int_col(pop.household + 1),
            "generation": int_col(pop.generation),
            "propensity": pa.array(pop.propensity, type=pa.float64()),
            "supervised": pa.array(pop.supervised, type=pa.bool_()),
            "pnc": ids["pnc"],
            "crn": ids["crn"],
            "prison_number": ids["prison_number"],
            "nhs_number": ids["nhs_number"],
            "ni_number": ids["ni_number"],
            "phone": phone,
            "email": email,
        },
        schema=vocab.SCHEMAS["people"],
    )


def _relationships_table(pop: Population, has_record: Arr) -> pa.Table:
    a, b, kind = pop.rel_person, pop.rel_related, pop.rel_kind
    minor = (pop.age[a] < 18) | (pop.age[b] < 18)
    parental = kind <= 1
    source = np.select(
        [kind == 4, parental & minor, pop.supervised[a] | pop.supervised[b], has_record[a] | has_record[b]],
        ["housing", "social_care", "probation", "police"],
        "health",
    )
    codes = ("housing", "social_care", "probation", "police", "health")
    src_idx = np.select([source == c for c in codes], list(range(len(codes))), 0)
    return pa.table(
        {
            "person_id": int_col(a + 1),
            "related_person_id": int_col(b + 1),
            "kind": str_col(vocab.RELATIONSHIP_KINDS, kind),
            "source_agency_code": str_col(codes, src_idx),
        },
        schema=vocab.SCHEMAS["relationships"],
    )


def _sentences_table(sent: Sentences, prison: Arr) -> pa.Table:
    custody = sent.kind == K_CUSTODY
    n = sent.kind.shape[0]
    return pa.table(
        {
            "sentence_id": int_col(np.arange(1, n + 1)),
            "person_id": int_col(sent.person + 1),
            "kind": str_col(vocab.SENTENCE_KINDS, sent.kind),
            "sentence_date": date_col(sent.sentence_date),
            "length_days": int_col(sent.length_days),
            "start_date": date_col(sent.sentence_date),
            "end_date": date_col(sent.end_date, ~custody),
            "conditional_release_date": date_col(sent.crd, custody),
            "release_date": date_col(sent.release, custody),
            "release_is_actual": pa.array(sent.release_actual & custody, type=pa.bool_()),
            "licence_expiry_date": date_col(sent.led, custody),
            "sentence_expiry_date": date_col(sent.sed, custody),
            "establishment_agency_code": str_col(AGENCY_CODES, prison, custody),
            "terminated_date": date_col(sent.terminated, sent.terminated >= 0),
        },
        schema=vocab.SCHEMAS["sentences"],
    )


def _workers_table(workers: Workers) -> pa.Table:
    n = workers.agency.shape[0]
    pools = name_pools()
    return pa.table(
        {
            "worker_id": int_col(np.arange(1, n + 1)),
            "agency_code": str_col(AGENCY_CODES, workers.agency),
            "first_name": pick_first_names(workers.first, workers.sex),
            "last_name": str_col(pools.last, workers.last),
            "role": str_col(vocab.WORKER_ROLES, workers.role),
        },
        schema=vocab.SCHEMAS["workers"],
    )
