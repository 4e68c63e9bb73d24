"""Linking records into people: accuracy, stable ids, incremental linking, decisions, review pairs."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from desist.core.linkage import (
    LinkageModel,
    ModelError,
    RecordTableError,
    Thresholds,
    link_records,
    pairwise_accuracy,
    prepare_records,
)
from desist.core.synth import Partnership


@pytest.fixture(scope="module")
def first_run(extract_records_table: pa.Table, model: LinkageModel):  # type: ignore[no-untyped-def]
    return link_records(extract_records_table, model=model)


def test_links_the_extracts_accurately(first_run, linkage_world: Partnership) -> None:  # type: ignore[no-untyped-def]
    accuracy = pairwise_accuracy(first_run.assignments, linkage_world.extract_links)
    assert accuracy.records == linkage_world.extract_links.num_rows
    assert accuracy.precision >= 0.98
    assert accuracy.recall >= 0.98
    assert accuracy.f1 >= 0.98
    assert accuracy.split_share < 0.03
    assert accuracy.merged_share < 0.01


def test_every_record_gets_a_person_weight_and_outcome(first_run, extract_records_table: pa.Table) -> None:  # type: ignore[no-untyped-def]
    table = first_run.assignments
    assert table.num_rows == extract_records_table.num_rows
    assert table.column("person_id").null_count == 0
    assert set(table.column("outcome").to_pylist()) <= {"linked", "review", "not_linked"}
    linked = table.filter(pc.equal(table.column("outcome"), "linked"))
    assert linked.column("match_weight").null_count == 0
    assert pc.min(linked.column("match_weight")).as_py() >= first_run.thresholds.link
    assert first_run.model_version.startswith("full-")


def test_review_pairs_show_how_each_field_compares(first_run, model: LinkageModel) -> None:  # type: ignore[no-untyped-def]
    assert first_run.review_pairs, "a realistic extract has some uncertain pairs"
    names = {c["output_column_name"] for c in model.settings["comparisons"]}
    levels = model.comparison_levels()
    for pair in first_run.review_pairs[:20]:
        assert first_run.thresholds.review <= pair.match_weight < first_run.thresholds.link
        assert pair.left_person_id != pair.right_person_id
        assert set(pair.agreement) == names
        for name, agreement in pair.agreement.items():
            assert agreement.level in {label for label, _ in levels[name].values()}
    weights = [p.match_weight for p in first_run.review_pairs]
    assert weights == sorted(weights, reverse=True)


def test_a_rerun_keeps_every_persons_id(
    first_run, extract_records_table: pa.Table, model: LinkageModel
) -> None:  # type: ignore[no-untyped-def]
    # The same records in another order: without previous ids people would be numbered differently.
    reordered = extract_records_table.take(pa.array(range(extract_records_table.num_rows - 1, -1, -1)))
    previous = first_run.person_ids()
    again = link_records(reordered, model=model, previous=previous)
    assert again.person_ids() == previous
    assert again.merges == [] and again.splits == []
    assert not any(again.assignments.column("new_person").to_pylist())


def test_incremental_linking_joins_a_new_extract_to_existing_people(
    extract_records_table: pa.Table, model: LinkageModel, linkage_world: Partnership
) -> None:
    is_new = pc.equal(extract_records_table.column("source"), "job_centre")
    base = extract_records_table.filter(pc.invert(is_new))
    before = link_records(base, model=model)
    previous = before.person_ids()
    after = link_records(extract_records_table, model=model, previous=previous, incremental=True)
    ids = after.person_ids()
    merged = {m.absorbed_id: m.kept_id for m in after.merges}
    # Existing records keep their people (or the person they were merged into, reported).
    assert all(ids[key] == merged.get(pid, pid) for key, pid in previous.items())
    # Only pairs touching a new record were scored.
    full = link_records(extract_records_table, model=model)
    assert after.pairs_scored < full.pairs_scored / 2
    # New records mostly joined existing people, and as accurately as a full run.
    new_rows = after.assignments.filter(pc.equal(after.assignments.column("source"), "job_centre"))
    joined = sum(1 for pid in new_rows.column("person_id").to_pylist() if pid in set(previous.values()))
    assert joined > new_rows.num_rows * 0.3
    incremental = pairwise_accuracy(after.assignments, linkage_world.extract_links)
    complete = pairwise_accuracy(full.assignments, linkage_world.extract_links)
    assert incremental.f1 >= complete.f1 - 0.01


def test_decisions_override_the_model(
    first_run, extract_records_table: pa.Table, model: LinkageModel
) -> None:  # type: ignore[no-untyped-def]
    table = first_run.assignments
    by_person: dict[int, list[tuple[str, str]]] = {}
    for s, r, p in zip(
        *(table.column(c).to_pylist() for c in ("source", "record_id", "person_id")), strict=True
    ):
        by_person.setdefault(p, []).append((s, r))
    together = next(keys for keys in by_person.values() if len(keys) == 2)
    apart = [keys[0] for keys in list(by_person.values())[:2]]
    previous = first_run.person_ids()
    decided = link_records(
        extract_records_table,
        model=model,
        previous=previous,
        must_not_link=[(together[0], together[1])],
        must_link=[(apart[0], apart[1])],
    )
    ids = decided.person_ids()
    assert ids[together[0]] != ids[together[1]]
    assert ids[apart[0]] == ids[apart[1]] == min(previous[apart[0]], previous[apart[1]])
    assert any(m.absorbed_id == max(previous[apart[0]], previous[apart[1]]) for m in decided.merges)
    assert decided.splits, "the record taken out of its person is reported"
    decided_pairs = {frozenset(together), frozenset(apart)}
    assert not any(frozenset((p.left, p.right)) in decided_pairs for p in decided.review_pairs)


def test_the_model_is_saved_and_versioned(model: LinkageModel, tmp_path: Path) -> None:
    path = model.save(tmp_path / "model.json")
    loaded = LinkageModel.load(path)
    assert loaded.version == model.version
    assert loaded.settings == model.settings
    assert json.loads(path.read_text())["version"] == model.version
    data = json.loads(path.read_text())
    data["splink_settings"]["probability_two_random_records_match"] = 0.5
    with pytest.raises(ModelError, match="do not match its version"):
        LinkageModel.from_json(data)
    with pytest.raises(ModelError, match="not a desist linkage model"):
        LinkageModel.from_json({"comparisons": []})
    with pytest.raises(ModelError, match="no such model file"):
        LinkageModel.load(tmp_path / "absent.json")


def test_thresholds_must_be_in_order() -> None:
    with pytest.raises(ValueError, match="must not be above the link threshold"):
        Thresholds(link=2, review=5)


def test_aliases_other_dates_of_birth_and_local_ids_are_kept() -> None:
    records = pa.table(
        {
            "source": ["police", "housing"],
            "record_id": ["P1", "H1"],
            "first_name": ["Bill", "William"],
            "last_name": ["O'Brien-Smith", "OBrien Smith"],
            "alias_first_name": ["Billy", None],
            "aliases": pa.array(
                [[{"first_name": "Will", "last_name": "Jones"}], None],
                type=pa.list_(pa.struct([("first_name", pa.string()), ("last_name", pa.string())])),
            ),
            "date_of_birth": pa.array([date(1980, 4, 3), None], type=pa.date32()),
            "other_dates_of_birth": pa.array(
                [[date(1980, 3, 4)], [date(1979, 1, 1)]], type=pa.list_(pa.date32())
            ),
            "local:tenancy": [None, "t-77"],
            "postcode": ["me14 1xx", None],
            "pnc": ["04/12345K", None],
        }
    )
    prepared = prepare_records(records).to_pylist()
    police, housing = prepared
    assert police["first_name"] == "bill" and "william" in police["first_name_nicknames"]
    assert police["given_names"] == ["bill", "billy", "will"]
    assert police["last_names"] == ["obriensmith", "jones"]
    assert police["dobs"] == ["1980-04-03", "1980-03-04"]
    assert (police["dob_year"], police["dob_month"], police["dob_day"]) == ("1980", "04", "03")
    assert police["postcode"] == "ME14 1XX" and police["postcode_sector"] == "ME14 1"
    assert police["postcode_district"] == "ME14"
    assert police["pnc"] == "2004/0012345K"
    assert housing["last_name"] == "obriensmith"
    assert housing["dob"] is None and housing["dobs"] == ["1979-01-01"]
    assert housing["local_ids"] == ["tenancy:T-77"]


def test_records_without_keys_are_refused_clearly() -> None:
    with pytest.raises(RecordTableError, match="no 'record_id' column"):
        prepare_records(pa.table({"source": ["police"]}))
    with pytest.raises(RecordTableError, match="record police P1 appears twice"):
        prepare_records(pa.table({"source": ["police", "police"], "record_id": ["P1", "P1"]}))
    with pytest.raises(RecordTableError, match="record 1, sex: 'Q' is not a sex"):
        prepare_records(pa.table({"source": ["police"], "record_id": ["P1"], "sex": ["Q"]}))
