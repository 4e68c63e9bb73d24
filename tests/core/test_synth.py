"""The synthetic partnership generator: determinism, schema, integrity, dates, proportions, identifiers."""
# ruff: noqa: S608 -- the SQL here is built from constants of this module, never from input

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from desist.cli import main as cli_main
from desist.core.reference import DISTRICTS, load_offence_codes
from desist.core.synth import (
    EXTRACT_IDENTIFIERS,
    EXTRACT_SOURCES,
    PNC_LETTERS,
    SCHEMAS,
    TABLES,
    ExtractErrorModel,
    Partnership,
    SynthConfig,
    extract_schema,
    generate_partnership,
    is_valid_nhs,
    vocab,
    write_partnership,
)
from desist.core.synth.identifiers import NI_PREFIXES

AS_OF = "DATE '2026-11-23'"


def _db(world: Partnership) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for name, table in world.tables().items():
        con.register(name, table)
    for source, table in world.extracts.items():
        con.register(f"x_{source}", table)
    con.register("extract_links", world.extract_links)
    return con


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return int(con.execute(sql).fetchall()[0][0])


def _values(table: pa.Table, column: str) -> set[object]:
    return set(pc.unique(table.column(column)).to_pylist())


# --- determinism ---------------------------------------------------------------------------------------


def test_same_inputs_give_identical_tables(small_world: Partnership) -> None:
    again = generate_partnership(people=3_000, seed=5, as_of=date(2026, 11, 23))
    for name in TABLES:
        assert getattr(again, name).equals(getattr(small_world, name)), name
    for source in EXTRACT_SOURCES:
        assert again.extracts[source].equals(small_world.extracts[source]), source
    assert again.extract_links.equals(small_world.extract_links)


def test_different_seed_gives_different_people(small_world: Partnership) -> None:
    other = generate_partnership(people=3_000, seed=6, as_of=date(2026, 11, 23))
    assert not other.people.equals(small_world.people)
    assert not other.offences.equals(small_world.offences)


def test_written_files_are_byte_identical(small_world: Partnership, tmp_path: Path) -> None:
    again = generate_partnership(people=3_000, seed=5, as_of=date(2026, 11, 23))
    write_partnership(small_world, tmp_path / "a")
    write_partnership(again, tmp_path / "b")
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert files
    for rel in files:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


def test_people_count_is_exact() -> None:
    for n in (1, 7, 250):
        world = generate_partnership(people=n, seed=2)
        assert world.people.num_rows == n
        assert world.people.column("person_id").to_pylist() == list(range(1, n + 1))


def test_config_and_arguments() -> None:
    cfg = SynthConfig(people=400, seed=3, errors=ExtractErrorModel(duplicate_rate=0.0))
    world = generate_partnership(config=cfg)
    assert world.config == cfg
    for table in world.extracts.values():
        ids = table.column("record_id")
        assert len(pc.unique(ids)) == len(ids)
    assert generate_partnership(people=400, config=SynthConfig(people=9, seed=3)).people.num_rows == 400
    with pytest.raises(ValueError):
        SynthConfig(people=0)


# --- schema and vocabularies ------------------------------------------------------------------------------


def test_tables_follow_the_schema(world: Partnership) -> None:
    for name in TABLES:
        assert getattr(world, name).schema.equals(SCHEMAS[name]), name
    assert world.extract_links.schema.equals(SCHEMAS["extract_links"])
    assert set(world.extracts) == set(EXTRACT_SOURCES)
    for source, table in world.extracts.items():
        assert table.schema.equals(extract_schema(source)), source
        for ident in EXTRACT_IDENTIFIERS[source]:
            assert ident in table.column_names
    assert "alias_first_name" in world.extracts["police"].column_names


def test_values_come_from_the_vocabularies(world: Partnership) -> None:
    checks = [
        ("people", "sex", vocab.SEXES),
        ("people", "gender", vocab.GENDERS),
        ("people", "ethnicity", vocab.ETHNICITIES),
        ("people", "district_code", tuple(d.code for d in DISTRICTS)),
        ("aliases", "kind", vocab.ALIAS_KINDS),
        ("relationships", "kind", vocab.RELATIONSHIP_KINDS),
        ("offences", "outcome", vocab.OUTCOMES),
        ("offences", "disposal", (*vocab.DISPOSALS, None)),
        ("sentences", "kind", vocab.SENTENCE_KINDS),
        ("requirements", "kind", vocab.REQUIREMENT_KINDS),
        ("requirements", "unit", (*vocab.REQUIREMENT_UNITS, None)),
        ("requirements", "status", vocab.REQUIREMENT_STATUSES),
        ("licence_conditions", "kind", vocab.LICENCE_CONDITION_KINDS),
        ("registers", "kind", vocab.REGISTER_KINDS),
        ("agencies", "kind", vocab.AGENCY_KINDS),
        ("workers", "role", vocab.WORKER_ROLES),
        ("addresses", "district_code", tuple(d.code for d in DISTRICTS)),
    ]
    for table, column, allowed in checks:
        found = _values(getattr(world, table), column)
        assert found <= set(allowed), (table, column, found - set(allowed))
    assert _values(world.registers, "kind") == set(vocab.REGISTER_KINDS)
    assert _values(world.requirements, "kind") == set(vocab.REQUIREMENT_KINDS)
    assert _values(world.agencies, "kind") == set(vocab.AGENCY_KINDS)
    codes = {row.ho_code for row in load_offence_codes()}
    assert _values(world.offences, "ho_code") <= codes
    assert world.districts.num_rows == 13


def test_vocabulary_shapes(world: Partnership) -> None:
    con = _db(world)
    # a caution has no disposal; a conviction always has one
    assert _count(con, "select count(*) from offences where (outcome = 'caution') <> (disposal is null)") == 0
    # MAPPA category and level only on MAPPA rows, always on them
    assert (
        _count(
            con,
            """select count(*) from registers where (kind = 'mappa') <>
                          (mappa_category is not null and mappa_level is not null)""",
        )
        == 0
    )
    assert _count(con, "select count(*) from registers where mappa_category not between 1 and 4") == 0
    assert _count(con, "select count(*) from registers where mappa_level not between 1 and 3") == 0
    # amounts and units go together and stay within the statutory ranges
    assert _count(con, "select count(*) from requirements where (amount is null) <> (unit is null)") == 0
    bad = """select count(*) from requirements where
        (kind = 'unpaid_work' and (unit <> 'hours' or amount not between 40 and 300))
        or (kind = 'rar' and (unit <> 'days' or amount not between 5 and 60))
        or (kind = 'programme' and unit <> 'sessions')
        or (kind = 'curfew' and (unit <> 'hours' or amount not between 2 and 20
                                 or end_date > start_date + interval 24 month))
        or (kind = 'exclusion' and (unit <> 'months' or amount > 24))
        or (kind = 'aamr' and (unit <> 'days' or amount > 120))"""
    assert _count(con, bad) == 0
    assert (
        _count(
            con,
            """select count(*) from (select distinct r.sentence_id from requirements r
                          where kind = 'electronic_monitoring') em
                          where not exists (select 1 from requirements r2
                                            where r2.sentence_id = em.sentence_id
                                            and r2.kind in ('curfew', 'exclusion'))""",
        )
        == 0
    )
    # standard licence conditions carry the published wording
    std = world.licence_conditions.filter(pc.equal(world.licence_conditions.column("kind"), "standard"))
    assert "Not commit any offence." in set(std.column("description").to_pylist())
    assert _values(std, "code") == {f"STD{i}" for i in range(1, 10)}


# --- referential integrity -------------------------------------------------------------------------------


def test_foreign_keys_resolve(world: Partnership) -> None:
    con = _db(world)
    person_fks = [
        ("aliases", "person_id"),
        ("addresses", "person_id"),
        ("relationships", "person_id"),
        ("relationships", "related_person_id"),
        ("offences", "person_id"),
        ("sentences", "person_id"),
        ("registers", "person_id"),
        ("involvements", "person_id"),
        ("extract_links", "person_id"),
    ]
    for table, column in person_fks:
        assert (
            _count(con, f"select count(*) from {table} t anti join people p on t.{column} = p.person_id") == 0
        )
    assert (
        _count(
            con,
            "select count(*) from offences o where sentence_id is not null and "
            "sentence_id not in (select sentence_id from sentences)",
        )
        == 0
    )
    for table in ("requirements", "licence_conditions"):
        assert _count(con, f"select count(*) from {table} t anti join sentences s using (sentence_id)") == 0
    assert (
        _count(
            con,
            "select count(*) from involvements i where worker_id is not null and not exists "
            "(select 1 from workers w where w.worker_id = i.worker_id and w.agency_code = i.agency_code)",
        )
        == 0
    )
    for table, column in [
        ("workers", "agency_code"),
        ("involvements", "agency_code"),
        ("sentences", "establishment_agency_code"),
        ("relationships", "source_agency_code"),
    ]:
        assert (
            _count(
                con,
                f"select count(*) from {table} where {column} is not null and {column} not in "
                "(select agency_code from agencies)",
            )
            == 0
        )
    assert (
        _count(
            con,
            "select count(*) from sentences where (kind = 'custody') <> "
            "(establishment_agency_code like 'prison_%')",
        )
        == 0
    )
    assert (
        _count(con, "select count(*) from addresses a anti join people p on a.household_id = p.household_id")
        == 0
    )
    # an offence's sentence belongs to the same person
    assert (
        _count(
            con,
            "select count(*) from offences o join sentences s using (sentence_id) "
            "where o.person_id <> s.person_id",
        )
        == 0
    )
    for name in (
        "people",
        "offences",
        "sentences",
        "requirements",
        "licence_conditions",
        "registers",
        "involvements",
        "addresses",
        "workers",
    ):
        key = SCHEMAS[name].names[0]
        col = getattr(world, name).column(key)
        assert len(pc.unique(col)) == len(col), name


def test_convictions_with_sentences_have_matching_disposals(world: Partnership) -> None:
    con = _db(world)
    mismatched = """select count(*) from offences o join sentences s using (sentence_id) where not (
        (s.kind = 'custody' and o.disposal = 'custody')
        or (s.kind = 'community_order' and o.disposal = 'community')
        or (s.kind = 'suspended_sentence_order' and o.disposal = 'suspended'))"""
    assert _count(con, mismatched) == 0
    assert (
        _count(
            con,
            "select count(*) from sentences s where not exists "
            "(select 1 from offences o where o.sentence_id = s.sentence_id)",
        )
        == 0
    )


# --- dates -----------------------------------------------------------------------------------------------


def test_dates_are_in_order(world: Partnership) -> None:
    con = _db(world)
    checks = {
        "offence after outcome": "select count(*) from offences where offence_date > outcome_date",
        "outcome in future": f"select count(*) from offences where outcome_date > {AS_OF}",
        "offence before age 10": "select count(*) from offences o join people p using (person_id) "
        "where o.offence_date < p.date_of_birth + interval 10 year",
        "born in future": f"select count(*) from people where date_of_birth > {AS_OF}",
        "address from > to": "select count(*) from addresses where to_date < from_date",
        "address before birth": "select count(*) from addresses a join people p using (person_id) "
        "where a.from_date < p.date_of_birth",
        "sentence in future": f"select count(*) from sentences where sentence_date > {AS_OF}",
        "start is sentence date": "select count(*) from sentences where start_date <> sentence_date",
        "custody order": """select count(*) from sentences where kind = 'custody' and not (
            sentence_date < conditional_release_date and conditional_release_date <= licence_expiry_date
            and licence_expiry_date <= sentence_expiry_date and release_date >= sentence_date
            and release_date <= conditional_release_date)""",
        "order dates": """select count(*) from sentences where kind <> 'custody' and not (
            end_date > sentence_date and conditional_release_date is null and release_date is null)""",
        "terminated before start": "select count(*) from sentences where terminated_date < sentence_date",
        "terminated in future": f"select count(*) from sentences where terminated_date > {AS_OF}",
        "actual release in future": f"select count(*) from sentences where release_is_actual "
        f"and release_date > {AS_OF}",
        "expected release in past": f"select count(*) from sentences where kind = 'custody' "
        f"and not release_is_actual and release_date <= {AS_OF}",
        "requirement dates": "select count(*) from requirements where end_date < start_date",
        "requirement outside order": "select count(*) from requirements r join sentences s "
        "using (sentence_id) where r.start_date < s.start_date or r.end_date > s.end_date",
        "register dates": "select count(*) from registers where end_date < start_date",
        "involvement dates": "select count(*) from involvements where end_date < start_date",
        "involvement future": f"select count(*) from involvements where start_date > {AS_OF}",
    }
    failures = {name: n for name, sql in checks.items() if (n := _count(con, sql))}
    assert not failures


def test_release_rules(world: Partnership) -> None:
    con = _db(world)
    # conditional release at half (or 40% under SDS40 from 10 September 2024), rounded up
    assert (
        _count(
            con,
            """select count(*) from sentences where kind = 'custody' and
        conditional_release_date - sentence_date not in (ceil(length_days / 2), ceil(length_days * 0.4))""",
        )
        == 0
    )
    assert (
        _count(
            con,
            """select count(*) from sentences where kind = 'custody' and sentence_date < DATE '2024-09-10'
        and conditional_release_date - sentence_date <> ceil(length_days / 2)""",
        )
        == 0
    )
    assert (
        _count(
            con,
            "select count(*) from sentences where kind = 'custody' "
            "and licence_expiry_date <> sentence_date + length_days::integer",
        )
        == 0
    )
    # under two years: supervision to 12 months after the conditional release date; else to the licence end
    assert (
        _count(
            con,
            """select count(*) from sentences where kind = 'custody' and (
        (licence_expiry_date < sentence_date + interval 24 month and
         sentence_expiry_date <> greatest(licence_expiry_date, conditional_release_date + interval 12 month))
        or (licence_expiry_date >= sentence_date + interval 24 month
            and sentence_expiry_date <> licence_expiry_date))""",
        )
        == 0
    )


def test_supervision_is_consistent(world: Partnership) -> None:
    con = _db(world)
    con.execute(f"""create temp table running as select * from sentences where terminated_date is null and (
        (kind = 'custody' and sentence_expiry_date >= {AS_OF})
        or (kind <> 'custody' and end_date >= {AS_OF}))""")
    # exactly one running sentence for each supervised person, none for anyone else
    assert (
        _count(
            con,
            """select count(*) from people p where supervised and
        (select count(*) from running r where r.person_id = p.person_id) <> 1""",
        )
        == 0
    )
    assert (
        _count(con, "select count(*) from running r join people p using (person_id) where not p.supervised")
        == 0
    )
    assert (
        _count(
            con,
            f"select count(*) from people where supervised and date_of_birth > {AS_OF} - interval 18 year",
        )
        == 0
    )
    assert (
        _count(
            con,
            """select count(*) from people p where supervised and not exists (select 1 from involvements i
        where i.person_id = p.person_id and i.agency_code = 'probation' and i.end_date is null)""",
        )
        == 0
    )
    assert (
        _count(
            con,
            """select count(*) from running r where kind = 'custody' and not release_is_actual
        and not exists (select 1 from involvements i where i.person_id = r.person_id
                        and i.agency_code = r.establishment_agency_code and i.end_date is null)""",
        )
        == 0
    )
    # licence conditions on current custodial sentences only, standard ones always
    assert (
        _count(
            con,
            """select count(*) from running r where kind = 'custody' and
        (select count(*) from licence_conditions c
         where c.sentence_id = r.sentence_id and kind = 'standard') <> 9""",
        )
        == 0
    )
    assert (
        _count(con, "select count(*) from licence_conditions c anti join running r using (sentence_id)") == 0
    )
    # everyone with a record has a PNC id; everyone supervised a CRN; everyone ever in custody a prison number
    assert (
        _count(
            con,
            "select count(*) from people p where pnc is null "
            "and person_id in (select person_id from offences)",
        )
        == 0
    )
    assert _count(con, "select count(*) from people where supervised and crn is null") == 0
    assert (
        _count(
            con,
            "select count(*) from people where prison_number is null and person_id in "
            "(select person_id from sentences where kind = 'custody')",
        )
        == 0
    )
    assert (
        _count(
            con,
            "select count(*) from people where pnc is not null and person_id not in "
            "(select person_id from offences)",
        )
        == 0
    )


# --- proportions -------------------------------------------------------------------------------------------


def test_supervised_proportions(world: Partnership) -> None:
    con = _db(world)
    n = world.people.num_rows
    supervised = _count(con, "select count(*) from people where supervised")
    assert abs(supervised / n - 0.12) < 0.005
    in_custody = _count(
        con,
        f"""select count(distinct person_id) from sentences where kind = 'custody'
        and not release_is_actual and terminated_date is null and release_date > {AS_OF}""",
    )
    assert abs(in_custody / supervised - 0.25) < 0.02
    male = _count(con, "select count(*) from people where supervised and sex = 'male'")
    assert abs(male / supervised - 0.9) < 0.02
    aged_18_50 = _count(
        con, f"select count(*) from people where supervised and date_of_birth > {AS_OF} - interval 51 year"
    )
    assert aged_18_50 / supervised > 0.75
    assert (
        _count(
            con,
            f"select count(*) from people where supervised and date_of_birth <= {AS_OF} - interval 50 year",
        )
        > 0
    )
    # releases spread over about two years, many in the next 12 weeks
    soon = _count(
        con,
        f"""select count(*) from sentences where kind = 'custody' and not release_is_actual
        and release_date <= {AS_OF} + interval 84 day""",
    )
    late = _count(
        con,
        f"""select count(*) from sentences where kind = 'custody' and not release_is_actual
        and release_date > {AS_OF} + interval 2 year""",
    )
    assert soon / in_custody > 0.1
    assert late / in_custody < 0.02
    # community orders run 12-24 months, suspended sentences are suspended for 6-24 months
    assert (
        _count(
            con,
            """select count(*) from sentences where kind = 'community_order' and
        (end_date < sentence_date + interval 12 month or end_date > sentence_date + interval 24 month)""",
        )
        == 0
    )
    # on licence: released, licence still running
    assert (
        _count(
            con,
            f"""select count(*) from sentences s join people p using (person_id) where p.supervised
        and s.kind = 'custody' and s.release_is_actual and s.terminated_date is null
        and s.sentence_expiry_date >= {AS_OF} and s.licence_expiry_date < {AS_OF}""",
        )
        == 0
    )
    assert (
        _count(
            con,
            """select count(*) from sentences where kind = 'suspended_sentence_order' and
        (end_date < sentence_date + interval 6 month or end_date > sentence_date + interval 24 month)""",
        )
        == 0
    )
    short = _count(con, "select count(*) from sentences where kind = 'custody' and length_days < 365")
    assert short / _count(con, "select count(*) from sentences where kind = 'custody'") > 0.4


def test_register_and_involvement_shares(world: Partnership) -> None:
    con = _db(world)
    supervised = _count(con, "select count(*) from people where supervised")

    def share(kind: str) -> float:
        return (
            _count(
                con,
                f"""select count(distinct r.person_id) from registers r join people p using (person_id)
            where p.supervised and r.kind = '{kind}' and r.end_date is null""",
            )
            / supervised
        )

    assert 0.01 <= share("mappa") <= 0.025
    assert 0.12 <= share("domestic_abuse_perpetrator") <= 0.22
    assert 0.03 <= share("iom") <= 0.05
    # sexual offending puts people in MAPPA category 1
    codes = [r.ho_code for r in load_offence_codes() if r.ogrs3_category.startswith("Sexual")]
    con.register("sexual_codes", pa.table({"ho_code": codes}))
    assert (
        _count(
            con,
            """select count(distinct o.person_id) from offences o join people p using (person_id)
        where p.supervised and o.ho_code in (select ho_code from sexual_codes) and not exists (select 1 from
        registers r where r.person_id = o.person_id and r.kind = 'mappa' and r.mappa_category = 1)""",
        )
        == 0
    )
    # about 40-45 open cases per probation practitioner
    caseload = con.execute("""select avg(n) from (select worker_id, count(*) n from involvements
        where agency_code = 'probation' and end_date is null group by worker_id)""").fetchall()[0][0]
    assert 35 <= caseload <= 46
    # outside supervision people are known to one to three agencies other than probation
    kinds = con.execute("""select count(distinct a.kind) k from people p join involvements i using (person_id)
        join agencies a using (agency_code) where not p.supervised and a.kind <> 'probation'
        group by p.person_id""").fetchall()
    assert len(kinds) == _count(con, "select count(*) from people where not supervised")
    assert all(1 <= k <= 3 for (k,) in kinds)
    assert _count(con, "select count(*) from involvements where end_date is not null") > 0


def test_families_and_households(world: Partnership) -> None:
    con = _db(world)
    assert _count(con, "select count(*) from people where family_id is null or household_id is null") == 0
    assert _count(con, "select max(generation) from people") == 3
    # one current address per person, the same for everyone in a household
    assert (
        _count(
            con,
            """select count(*) from (select person_id from addresses where to_date is null
        group by person_id having count(*) <> 1)""",
        )
        == 0
    )
    assert (
        _count(
            con,
            "select count(*) from people p anti join addresses a on a.person_id = p.person_id "
            "and a.to_date is null",
        )
        == 0
    )
    assert (
        _count(
            con,
            """select count(*) from (select household_id from addresses where to_date is null
        group by household_id having count(distinct line1 || postcode) > 1)""",
        )
        == 0
    )
    # a household belongs to one family
    assert (
        _count(
            con,
            "select count(*) from (select household_id from people group by household_id "
            "having count(distinct family_id) > 1)",
        )
        == 0
    )
    # offending in two generations of some families
    assert (
        _count(
            con,
            """select count(*) from (select family_id from people p where exists
        (select 1 from offences o where o.person_id = p.person_id) group by family_id
        having count(distinct generation) >= 2)""",
        )
        > 10
    )
    pattern = re.compile(r"^[A-Z]{1,2}[0-9]{1,2} [0-9][ABD-HJLNP-UW-Z]{2}$")
    assert all(pattern.match(pc_) for pc_ in world.addresses.column("postcode").to_pylist())


def test_relationships_go_both_ways(world: Partnership) -> None:
    con = _db(world)
    inverse = """select count(*) from relationships r where not exists (select 1 from relationships b where
        b.person_id = r.related_person_id and b.related_person_id = r.person_id and b.kind = case r.kind
        when 'parent' then 'child' when 'child' then 'parent' else r.kind end
        and b.source_agency_code = r.source_agency_code)"""
    assert _count(con, inverse) == 0
    assert _count(con, "select count(*) from relationships where person_id = related_person_id") == 0
    assert (
        _count(
            con,
            """select count(*) from relationships r join people a on a.person_id = r.person_id
        join people b on b.person_id = r.related_person_id where r.kind = 'parent'
        and b.date_of_birth > a.date_of_birth - interval 15 year""",
        )
        == 0
    )
    assert _values(world.relationships, "kind") == set(vocab.RELATIONSHIP_KINDS)


# --- identifiers -------------------------------------------------------------------------------------------


def test_identifiers_are_well_formed_and_unique(world: Partnership) -> None:
    people = world.people
    formats = {
        "pnc": r"^\d{4}/\d{7}[A-Z]$",
        "crn": r"^X\d{6}$",
        "prison_number": r"^[AG]\d{4}[A-Z]{2}$",
        "nhs_number": r"^\d{10}$",
        "ni_number": r"^[A-Z]{2}\d{6}[A-D]$",
        "phone": r"^07\d{9}$",
        "email": r"^[a-z]+\.[a-z]+\d*@example\.(com|org|net)$",
    }
    for column, pattern in formats.items():
        values = people.column(column).drop_null().to_pylist()
        assert values, column
        assert all(re.match(pattern, v) for v in values), column
        if column != "phone":
            assert len(set(values)) == len(values), column
    for pnc in people.column("pnc").drop_null().to_pylist():
        year, rest = pnc.split("/")
        assert PNC_LETTERS[int(year[2:] + rest[:7]) % 23] == rest[7]
    assert all(is_valid_nhs(v) for v in people.column("nhs_number").drop_null().to_pylist())
    assert all(v[:2] in NI_PREFIXES for v in people.column("ni_number").drop_null().to_pylist())
    assert people.column("nhs_number").null_count < 0.05 * people.num_rows


def test_check_digit_helpers() -> None:
    assert is_valid_nhs("9434765919")  # the NHS's published example
    assert not is_valid_nhs("9434765918")
    assert not is_valid_nhs("94347659")
    assert PNC_LETTERS[(1 * 10**7 + 12345) % 23] == PNC_LETTERS[10012345 % 23]
    assert not ({"GB", "BG", "NK", "KN", "TN", "NT", "ZZ"} & set(NI_PREFIXES))
    assert not any(p[0] in "DFIQUV" or p[1] in "DFIOQUV" for p in NI_PREFIXES)


# --- extracts and truth ------------------------------------------------------------------------------------


def test_extract_truth_covers_every_record(world: Partnership) -> None:
    con = _db(world)
    for source in EXTRACT_SOURCES:
        table = world.extracts[source]
        ids = table.column("record_id")
        assert len(pc.unique(ids)) == len(ids), source
        assert (
            _count(
                con,
                f"select count(*) from x_{source} x anti join extract_links t "
                f"on t.source = x.source and t.record_id = x.record_id",
            )
            == 0
        )
    total = sum(t.num_rows for t in world.extracts.values())
    assert world.extract_links.num_rows == total
    assert (
        _count(
            con,
            "select count(*) from (select source, record_id from extract_links group by all "
            "having count(*) > 1)",
        )
        == 0
    )
    # extracts hold people the agency works or worked with
    assert (
        _count(
            con,
            """select count(*) from extract_links t where not exists (select 1 from involvements i
        join agencies a using (agency_code) where i.person_id = t.person_id and a.kind = t.source)""",
        )
        == 0
    )
    covered = _count(con, "select count(distinct person_id) from extract_links")
    assert covered > 0.95 * world.people.num_rows


def test_extracts_carry_realistic_faults(world: Partnership) -> None:
    con = _db(world)
    dups = _count(
        con,
        "select count(*) from (select source, person_id from extract_links group by all having count(*) > 1)",
    )
    assert dups > 0
    differs = con.execute("""select avg((lower(x.first_name) <> lower(p.first_name))::int) from x_police x
        join extract_links t using (source, record_id) join people p using (person_id)""").fetchall()[0][0]
    assert 0.03 < differs < 0.3
    missing_dob = sum(t.column("date_of_birth").null_count for t in world.extracts.values())
    assert 0 < missing_dob < 0.06 * world.extract_links.num_rows
    assert all(
        re.match(r"^\d{2}/\d{2}/\d{4}$", v)
        for v in world.extracts["police"].column("date_of_birth").drop_null().to_pylist()[:500]
    )
    assert _values(world.extracts["health"], "sex") <= {"1", "2", None}
    pncs = world.extracts["police"].column("pnc").drop_null().to_pylist()
    assert any(re.match(r"^\d{2}/\d{1,7}[A-Z]$", v) for v in pncs)
    assert any(re.match(r"^\d{4}/\d{7}[A-Z]$", v) for v in pncs)


# --- writing and the command line --------------------------------------------------------------------------


def test_cli_writes_files_and_manifest(tmp_path: Path) -> None:
    out = tmp_path / "synth"
    assert (
        cli_main(["synth", "--people", "600", "--seed", "4", "--out", str(out), "--as-of", "2026-01-31"]) == 0
    )
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["people"] == 600 and manifest["seed"] == 4 and manifest["as_of"] == "2026-01-31"
    assert manifest["generator_version"]
    for name in TABLES:
        table = pq.read_table(out / f"{name}.parquet")
        assert table.num_rows == manifest["row_counts"][name]
        assert table.schema.equals(SCHEMAS[name]), name
    for source in EXTRACT_SOURCES:
        assert (out / "extracts" / f"{source}.parquet").is_file()
    assert (
        pq.read_table(out / "truth" / "extract_links.parquet").num_rows
        == manifest["row_counts"]["truth/extract_links"]
    )


def test_cli_csv(tmp_path: Path) -> None:
    out = tmp_path / "csv"
    assert cli_main(["synth", "--people", "300", "--out", str(out), "--format", "csv"]) == 0
    assert (out / "people.csv").read_text().splitlines()[0].startswith('"person_id","first_name"')
    assert (out / "extracts" / "police.csv").is_file()
    assert (out / "truth" / "extract_links.csv").is_file()
    with pytest.raises(SystemExit):
        cli_main(["synth", "--people", "0", "--out", str(out)])


# --- reference data --------------------------------------------------------------------------------------


def test_offence_codes_load() -> None:
    rows = load_offence_codes()
    assert len(rows) == 3028
    assert all(len(r.ho_code) == 5 and r.ho_code.isdigit() for r in rows)
    assert sum(r.needs_details for r in rows) == 3
    assert all(r.ogrs3_weight is None for r in rows if r.needs_details)
    shoplifting = next(r for r in rows if r.ho_code == "04600")
    assert (shoplifting.category, shoplifting.subcategory) == (46, 0)
    assert shoplifting.ogrs3_category == "Theft (non-motor)" and shoplifting.ogrs3_weight == 0.6612
    assert shoplifting.description == "Theft from shops and stalls"


def test_offence_codes_path_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from desist.core import reference

    packaged = Path(reference.__file__).parent / "data" / "ogrs3_offence_categories.csv"
    shared = (
        Path(reference.__file__).resolve().parents[4] / "shared" / "domain" / "ogrs3_offence_categories.csv"
    )
    if shared.is_file():
        assert packaged.read_bytes() == shared.read_bytes()
    custom = tmp_path / "codes.csv"
    custom.write_text(
        "ho_code,category,subcategory,ogrs3_category,ogrs3_weight,error\n"
        "4600,46,0,Theft (non-motor),0.6612,\n"
    )
    monkeypatch.setenv("DESIST_OFFENCE_CODES_CSV", str(custom))
    rows = load_offence_codes()
    assert [r.ho_code for r in rows] == ["04600"]


def test_districts() -> None:
    codes = [d.code for d in DISTRICTS]
    assert codes == [
        "ASH",
        "CAN",
        "DAR",
        "DOV",
        "FOL",
        "GRA",
        "MAI",
        "MED",
        "SEV",
        "SWA",
        "THA",
        "TON",
        "TUN",
    ]
    assert all(d.postcode_areas for d in DISTRICTS)
    areas = [a for d in DISTRICTS for a in d.postcode_areas]
    assert len(areas) == len(set(areas))
    medway = next(d for d in DISTRICTS if d.code == "MED")
    assert {"ME1", "ME4", "ME7", "ME8"} <= set(medway.postcode_areas)


def test_core_and_cli_import_without_django() -> None:
    import subprocess
    import sys

    code = (
        "import sys, desist.core.synth, desist.core.reference, desist.cli; "
        "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)"
    )
    src = str(Path(__file__).resolve().parents[2] / "src")
    env = {"PYTHONPATH": src, "PATH": ""}
    assert subprocess.run([sys.executable, "-c", code], env=env, check=False).returncode == 0  # noqa: S603


def test_open_probation_involvement_means_supervised(world: Partnership) -> None:
    """Only people under supervision today have an open probation involvement, whatever their age
    (regression: day numbers before 1970 were once read as "no date", leaving old involvements open)."""
    con = _db(world)
    open_probation = {
        row[0]
        for row in con.execute(
            "select distinct person_id from involvements where agency_code = 'probation' and end_date is null"
        ).fetchall()
    }
    supervised = {row[0] for row in con.execute("select person_id from people where supervised").fetchall()}
    assert open_probation == supervised
    assert _count(con, "select count(*) from involvements where start_date < DATE '1970-01-01'") > 0
    assert _count(con, "select count(*) from involvements where end_date < start_date") == 0


def test_forced_faults_follow_the_truth() -> None:
    """With the day/month swap, old address and old surname faults forced on (and the faults that would
    blur them off), every extract record shows them, checked against the truth table."""
    errors = ExtractErrorModel(
        dob_swap_rate=1.0,
        old_address_rate=1.0,
        old_surname_rate=1.0,
        typo_last_rate=0.0,
        transpose_names_rate=0.0,
        alias_as_name_rate=0.0,
        dob_typo_rate=0.0,
        dob_missing_rate=0.0,
        postcode_typo_rate=0.0,
        postcode_missing_rate=0.0,
    )
    world = generate_partnership(
        config=SynthConfig(people=3_000, seed=7, as_of=date(2026, 11, 23), errors=errors)
    )
    con = _db(world)
    rows = con.execute(
        """
        select t.source, x.date_of_birth, x.last_name, x.postcode, p.date_of_birth, p.last_name,
               (select a.last_name from aliases a where a.person_id = t.person_id """
        """and a.kind = 'previous_name'),
               (select a.postcode from addresses a where a.person_id = t.person_id and a.to_date is null),
               (select list(a.postcode) from addresses a where a.person_id = t.person_id """
        """and a.to_date is not null)
        from extract_links t
        join ("""
        + " union all ".join(
            f"select source, record_id, date_of_birth, last_name, postcode from x_{s}"
            for s in EXTRACT_SOURCES
        )
        + """) x using (source, record_id)
        join people p using (person_id)"""
    ).fetchall()
    assert len(rows) == world.extract_links.num_rows
    latest = con.execute("select max(date_of_birth) from people").fetchone()[0]

    swapped = kept = old_address = current_only = old_surname = 0
    for source, x_dob, x_last, x_postcode, dob, last, birth_last, current, earlier in rows:
        # Day and month swap, wherever the day could be a month (and differs from it).
        if re.match(r"^\d{4}-", x_dob):
            y, m, d = (int(v) for v in x_dob.split("-"))
        else:
            d, m, y = (int(v) for v in re.split(r"[/-]", x_dob))
        if dob.day <= 12 and dob.day != dob.month and date(dob.year, dob.day, dob.month) <= latest:
            assert (y, m, d) == (dob.year, dob.day, dob.month), (source, x_dob, dob)
            swapped += 1
        else:
            assert (y, m, d) == (dob.year, dob.month, dob.day), (source, x_dob, dob)
            kept += 1
        # The previous address, where the person had one; otherwise the current one.
        if earlier:
            assert x_postcode in earlier, (source, x_postcode, earlier)
            assert x_postcode != current or current in earlier, (source, x_postcode, current)
            old_address += 1
        else:
            assert x_postcode == current, (source, x_postcode, current)
            current_only += 1
        # The surname before it changed, for everyone whose surname changed.
        if birth_last is not None:
            assert birth_last != last
            assert x_last.lower() == birth_last.lower(), (source, x_last, birth_last, last)
            old_surname += 1
        else:
            assert x_last.lower() == last.lower(), (source, x_last, last)
    assert min(swapped, kept, old_address, current_only, old_surname) > 0
    assert swapped > 0.25 * len(rows)


def test_no_mistake_puts_a_birth_after_the_latest_real_one() -> None:
    """Found building the 250,000-person demo: a baby born 3 days before the as-of date, given a day typo,
    was born in the future in the health extract, and the importer (rightly) refused the whole file. With
    every date-of-birth fault forced on, no extract holds a birth after the latest real one."""
    errors = ExtractErrorModel(dob_swap_rate=1.0, dob_typo_rate=1.0, dob_missing_rate=0.0)
    as_of = date(2026, 12, 7)
    world = generate_partnership(config=SynthConfig(people=3_000, seed=11, as_of=as_of, errors=errors))
    con = _db(world)
    latest = con.execute("select max(date_of_birth) from people").fetchone()[0]
    assert latest <= as_of
    for source in EXTRACT_SOURCES:
        for (x_dob,) in con.execute(f"select date_of_birth from x_{source}").fetchall():
            if re.match(r"^\d{4}-", x_dob):
                y, m, d = (int(v) for v in x_dob.split("-"))
            else:
                d, m, y = (int(v) for v in re.split(r"[/-]", x_dob))
            assert date(y, m, d) <= latest, (source, x_dob)


def test_mistyped_identifiers_in_extracts_still_fit_their_published_formats():
    # Agencies' systems check PNC and NHS numbers, so the importer (which refuses a broken check) must take
    # every synthetic extract: a mistyped digit comes with a check character that fits.
    from desist.core.identifiers import identifier_problem

    config = SynthConfig(people=1500, seed=5, errors=ExtractErrorModel(identifier_typo_rate=0.5))
    world = generate_partnership(config=config)
    truth = world.people
    checked = mistyped = 0
    for table in world.extracts.values():
        for kind in ("pnc", "crn", "nhs_number", "ni_number"):
            if kind not in table.column_names:
                continue
            for value in table.column(kind).to_pylist():
                if value:
                    checked += 1
                    assert identifier_problem(kind, value) == "", value
            if kind == "nhs_number":
                true_values = set(truth.column(kind).to_pylist())
                mistyped += sum(1 for v in table.column(kind).to_pylist() if v and v not in true_values)
    assert checked > 1000 and mistyped > 100
