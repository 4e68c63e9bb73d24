"""Linkage on anyone's data (issue 11): international addresses, combined columns, e-mail and telephone,
local identifiers that block and forgive a typo, and training that never fails on a small or odd batch."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from desist.core.linkage import link_records, prepare_records, train_model
from desist.core.linkage.fields import is_uk_postcode, parse_email, parse_postcode, parse_telephone
from desist.core.linkage.mapping import parse_mapping, read_source


def test_any_country_s_postcode_is_kept_normalised() -> None:
    assert parse_postcode(" me141xx ") == "ME14 1XX"
    assert parse_postcode("4223") == "4223"
    assert parse_postcode("sw-1234  ab") == "SW-1234 AB"
    assert is_uk_postcode("ME14 1XX") and not is_uk_postcode("4223")


@given(st.text(max_size=12))
def test_a_postcode_is_never_refused_and_parsing_twice_changes_nothing(text: str) -> None:
    once = parse_postcode(text)
    assert parse_postcode(once) == once


def test_email_and_telephone_are_normalised() -> None:
    assert parse_email(" Ann.Lee@Example.ORG ") == "ann.lee@example.org"
    assert parse_telephone("+44 (0)1622 123-456") == "+4401622123456"
    assert parse_telephone("") == "" and parse_email("") == ""


def test_a_mapping_joins_address_columns_in_its_order(tmp_path: Path) -> None:
    mapping = parse_mapping(
        "[housing]\nrecord_id = 'id'\n[housing.columns]\nNo = 'house_number'\nRoad = 'street'\n"
        "Suburb = 'locality'\nZip = 'postcode'\nMail = 'email'\nPhone = 'telephone'\n"
    )["housing"]
    path = tmp_path / "housing.csv"
    path.write_text(
        "id,No,Road,Suburb,Zip,Mail,Phone\nH1,12,Pinkerton Circuit,Richlands,4560,a@b.au,0412 345 678\n"
    )
    table = read_source(path, mapping)
    prepared = prepare_records(table)
    assert prepared.column("street").to_pylist() == ["12 pinkerton circuit"]
    assert prepared.column("locality").to_pylist() == ["richlands"]
    assert prepared.column("postcode").to_pylist() == ["4560"]
    assert prepared.column("postcode_district").to_pylist() == [None]  # a UK postcode's part only
    assert prepared.column("telephone").to_pylist() == ["0412345678"]


def _people(n: int) -> pa.Table:
    """n people, each in two sources: the second copy with a typo in the surname, and for half of them no
    date of birth."""
    firsts = ["ann", "bob", "cat", "dan", "eve", "fay", "gus", "hal", "ivy", "jon"]
    rows: dict[str, list[object]] = {
        k: []
        for k in (
            "source",
            "record_id",
            "first_name",
            "last_name",
            "date_of_birth",
            "postcode",
            "local:member",
        )
    }
    for i in range(n):
        for source in ("a", "b"):
            rows["source"].append(source)
            rows["record_id"].append(f"{source}{i}")
            rows["first_name"].append(firsts[i % 10])
            rows["last_name"].append(f"surname{i}" if source == "a" else f"surnam{i}")
            rows["date_of_birth"].append(
                f"19{50 + i % 40}-0{1 + i % 9}-1{i % 9}" if source == "a" or i % 2 else None
            )
            rows["postcode"].append(str(2000 + i))
            rows["local:member"].append(f"M{100000 + i}")
    return pa.table(rows)


def test_a_small_batch_trains_with_a_note_and_links() -> None:
    records = _people(3)
    model = train_model(records)
    assert any("too few to estimate m by EM" in note for note in model.metadata["notes"])
    result = link_records(records, model=model)
    assert result.assignments.num_rows == 6


def test_an_empty_field_drops_out_with_a_note() -> None:
    records = _people(600).append_column("nhs_number", pa.array([None] * 1199 + ["9434765919"]))
    model = train_model(records)
    assert "nhs_number" not in model.metadata["fields"]
    assert any(note.startswith("nhs_number is held by only 1 of 1,200") for note in model.metadata["notes"])


def test_a_shared_local_identifier_blocks_and_links() -> None:
    records = _people(600)
    model = train_model(records)
    assert ["local_id"] in model.metadata["blocking"]
    people = link_records(records, model=model).person_ids()
    # Half the pairs share no name, date of birth or exact surname: only the member number finds them.
    assert sum(people[("a", f"a{i}")] == people[("b", f"b{i}")] for i in range(600)) >= 590


@pytest.mark.parametrize("new", [1, 5, 100])
def test_incremental_linking_of_a_small_batch_uses_the_stored_model(new: int) -> None:
    records = _people(600)
    model = train_model(records)
    first = link_records(records, model=model)
    batch = _people(600 + new)
    result = link_records(
        pa.concat_tables([records, batch.slice(1200)]),
        model=model,
        previous=first.person_ids(),
        incremental=True,
    )
    assert result.assignments.num_rows == 1200 + 2 * new


def test_thresholds_as_match_probabilities() -> None:
    from desist.core.linkage import Thresholds

    default = Thresholds()
    assert round(default.link_probability, 3) == 0.996 and default.review_probability == 0.5
    given = Thresholds.from_probabilities(link=0.99, review=0.2)
    assert round(given.link_probability, 6) == 0.99 and round(given.review_probability, 6) == 0.2
    assert Thresholds.from_probabilities().link == default.link
    with pytest.raises(ValueError, match="between 0 and 1"):
        Thresholds.from_probabilities(link=1.5)


def test_the_comparison_cap_drops_the_widest_keys_and_says_so() -> None:
    from desist.core.linkage.model import capped_blocking_keys, comparisons_by_key

    prepared = prepare_records(_people(300))
    assert comparisons_by_key(prepared, ("local_id",)) == 300
    assert comparisons_by_key(prepared, ("first_name",)) == 10 * (60 * 59 // 2)
    kept, notes = capped_blocking_keys(prepared, [("local_id",), ("first_name",), ("postcode",)], 1_000)
    assert kept == [("local_id",), ("postcode",)]
    assert notes == [
        "blocking on first_name would compare 17,700 pairs: left out (the cap is 1,000 comparisons)"
    ]
    assert capped_blocking_keys(prepared, [("email",)], 10) == ([("source", "record_id")], [])


def test_a_nearly_empty_date_of_birth_never_stops_training() -> None:
    records = _people(1000)
    dobs = records.column("date_of_birth").to_pylist()
    # As in a file whose dates of birth before 1900 were left empty: 1 in 100 kept, none shared.
    kept = [d if i % 100 == 0 and i < 1000 else None for i, d in enumerate(dobs)]
    records = records.set_column(records.column_names.index("date_of_birth"), "date_of_birth", pa.array(kept))
    model = train_model(records)
    assert "date_of_birth" not in model.metadata["fields"]
    assert any(note.startswith("date_of_birth is held by only") for note in model.metadata["notes"])
    assert link_records(records, model=model).assignments.num_rows == 2000


def test_postcodes_outside_the_uk_format_are_a_note_not_a_refusal() -> None:
    from desist.core.linkage.model import postcode_notes

    records = _people(10)
    postcodes = [
        "ME14 1XX" if i % 4 == 0 else p for i, p in enumerate(records.column("postcode").to_pylist())
    ]
    records = records.set_column(records.column_names.index("postcode"), "postcode", pa.array(postcodes))
    assert postcode_notes(prepare_records(records)) == [
        "15 of 20 postcodes are not in the UK format: kept as written and compared whole"
    ]
    assert postcode_notes(prepare_records(_people(10))) == []


def test_an_identifier_level_no_random_pair_showed_gets_u_by_the_rule_of_succession() -> None:
    from desist.core.linkage.model import regularise, unseen_u

    levels = [
        {"sql_condition": "pnc_l IS NULL", "is_null_level": True, "label_for_charts": "Missing"},
        {"sql_condition": "pnc_l = pnc_r", "label_for_charts": "Exact match", "m_probability": 0.98},
        {"sql_condition": "dl(pnc_l, pnc_r) <= 1", "label_for_charts": "One character different"},
        {
            "sql_condition": "ELSE",
            "label_for_charts": "Different",
            "m_probability": 0.02,
            "u_probability": 1.0,
        },
    ]
    settings = {"comparisons": [{"output_column_name": "pnc", "comparison_levels": levels}]}
    estimated, unseen = unseen_u(settings, 2e6)
    assert unseen == ["pnc: Exact match"]
    exact = estimated["comparisons"][0]["comparison_levels"][1]
    assert exact["u_probability"] == 1 / (2e6 + 2)
    assert "u_probability" not in levels[1]  # the settings given are left as they were
    # Without m (no training pair fell in it) a level is regularise's to handle, as before.
    assert "u_probability" not in estimated["comparisons"][0]["comparison_levels"][2]
    clean, untrained = regularise(estimated)
    weights = {
        lvl["label_for_charts"]: lvl["m_probability"] / lvl["u_probability"]
        for lvl in clean["comparisons"][0]["comparison_levels"]
        if not lvl.get("is_null_level")
    }
    assert weights["Exact match"] > 2**20  # strong evidence, finite, not a weight of 0
    assert untrained == ["pnc: One character different"] and weights["One character different"] == 1.0
