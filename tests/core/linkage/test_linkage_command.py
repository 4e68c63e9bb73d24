"""desist link end to end, on CSV files written by the generator."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from desist.cli import main as cli_main
from desist.core.linkage import LinkageModel, pairwise_accuracy
from desist.core.linkage.synthetic import extract_mapping_toml
from desist.core.synth import Partnership, generate_partnership, write_partnership

SOURCES = ("probation", "police", "prison", "housing", "health", "treatment", "job_centre")


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Partnership, Path]:
    world = generate_partnership(people=1_200, seed=8)
    out = tmp_path_factory.mktemp("synth")
    write_partnership(world, out, format="csv")
    (out / "mapping.toml").write_text(extract_mapping_toml(SOURCES))
    return world, out


def _args(out: Path, *extra: str) -> list[str]:
    files = [f"{s}={out / 'extracts' / f'{s}.csv'}" for s in SOURCES]
    return ["link", "--mapping", str(out / "mapping.toml"), *files, *extra]


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.slow
def test_desist_link_writes_one_row_per_record(
    written: tuple[Partnership, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import pyarrow as pa

    world, out = written
    links = tmp_path / "links.csv"
    model = tmp_path / "model.json"
    review = tmp_path / "review.csv"
    code = cli_main(_args(out, "--out", str(links), "--save-model", str(model), "--review-out", str(review)))
    assert code == 0
    assert "Linked" in capsys.readouterr().out
    rows = _read(links)
    assert list(rows[0]) == ["source", "record_id", "person_id", "match_weight", "outcome"]
    expected = sum(world.extracts[s].num_rows for s in SOURCES)
    assert len(rows) == expected
    assert {r["source"] for r in rows} == set(SOURCES)
    assignments = pa.table(
        {
            "source": [r["source"] for r in rows],
            "record_id": [r["record_id"] for r in rows],
            "person_id": [int(r["person_id"]) for r in rows],
        }
    )
    assert pairwise_accuracy(assignments, world.extract_links).f1 >= 0.97
    assert model.exists()
    assert _read(review) == [] or "date_of_birth" in _read(review)[0]

    # Again with the saved model and the first output as previous: nobody is renumbered.
    again = tmp_path / "again.csv"
    code = cli_main(_args(out, "--out", str(again), "--model", str(model), "--previous", str(links)))
    assert code == 0
    assert [(r["source"], r["record_id"], r["person_id"]) for r in _read(again)] == [
        (r["source"], r["record_id"], r["person_id"]) for r in rows
    ]


def test_desist_link_reports_bad_input_and_writes_nothing(
    written: tuple[Partnership, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], model: LinkageModel
) -> None:
    _, out = written
    links = tmp_path / "links.csv"
    bad = tmp_path / "police.csv"
    bad.write_text(
        "record_id,first_name,last_name,date_of_birth,sex,street,locality,postcode,pnc,alias_first_name,alias_last_name\n"
        "KP1,Ann,Lee,31/02/1980,F,1 High St,Maidstone,ME14 1XX,,,\n"
    )
    code = cli_main(["link", "--mapping", str(out / "mapping.toml"), f"police={bad}", "--out", str(links)])
    assert code == 2
    err = capsys.readouterr().err
    assert f"{bad}, row 2, column 'date_of_birth': '31/02/1980' is not a real date" in err
    assert not links.exists()

    # Asked to, desist link leaves the bad value empty, says so, and links the record on the rest.
    code = cli_main(
        [
            "link",
            "--mapping",
            str(out / "mapping.toml"),
            f"police={bad}",
            "--out",
            str(links),
            "--blank-bad-values",
            "--model",
            str(model.save(tmp_path / "model.json")),
        ]
    )
    assert code == 0
    assert (
        "'31/02/1980' is not a real date: that month has no such day (left empty)" in capsys.readouterr().err
    )
    assert [r["record_id"] for r in _read(links)] == ["KP1"]

    code = cli_main(["link", "--mapping", str(out / "mapping.toml"), f"polise={bad}", "--out", str(links)])
    assert code == 2
    assert "no source 'polise' in the mapping (did you mean 'police'?)" in capsys.readouterr().err

    with pytest.raises(SystemExit):
        cli_main(["link", "--mapping", str(out / "mapping.toml"), "police", "--out", str(links)])
