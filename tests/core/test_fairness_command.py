"""``desist validate`` on good, hostile and public files (docs/fairness.md). Only synthetic rows and a public
data set about flowers: never real people."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from desist.cli import main

FIELDS = (
    "breakdown",
    "value",
    "n",
    "positives",
    "auc",
    "auc_low",
    "auc_high",
    "brier",
    "false_positive_rate",
    "false_positive_rate_low",
    "false_positive_rate_high",
    "false_negative_rate",
    "false_negative_rate_low",
    "false_negative_rate_high",
    "positive_predictive_value",
    "positive_predictive_value_low",
    "positive_predictive_value_high",
    "calibration",
)

ROWS = "score,reoffended,sex\n0.9,1,F\n0.2,0,M\n0.7,1,M\n0.4,0,\n0.6,1,F\n0.1,0,F\n0.55,0,M\n0.3,1,M\n"


def validate(tmp_path: Path, text: str | None, *extra: str, name: str = "scores.csv") -> tuple[int, str, str]:
    path = tmp_path / name
    if text is not None:
        path.write_text(text)
    return _run(["validate", "--scores", str(path), *extra])


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(argv)
    return status, out.getvalue(), err.getvalue()


def _json(tmp_path: Path, text: str, *extra: str) -> list[dict[str, Any]]:
    status, out, err = validate(
        tmp_path, text, "--score", "score", "--outcome", "reoffended", "--format", "json", *extra
    )
    assert status == 0, err
    return list(json.loads(out))


def test_json_is_a_list_of_groups_everyone_first(tmp_path: Path) -> None:
    groups = _json(tmp_path, ROWS, "--group", "sex", "--threshold", "0.5")
    assert [(g["breakdown"], g["value"], g["n"]) for g in groups] == [
        ("all", "all", 8),
        ("sex", "F", 3),
        ("sex", "M", 4),
        ("sex", "Not recorded", 1),
    ]
    for g in groups:
        assert set(FIELDS) <= set(g)
    everyone = groups[0]
    # Reoffended 0.9, 0.7, 0.6, 0.3; not 0.55, 0.4, 0.2, 0.1: pairs won 4 + 4 + 4 + 2 = 14 of 16.
    assert everyone["auc"] == pytest.approx(14 / 16)
    # At 0.5: flagged 0.9, 0.7, 0.6 (reoffended), 0.55 (did not): FPR 1/4, FNR 1/4, PPV 3/4.
    assert everyone["false_positive_rate"] == pytest.approx(0.25)
    assert everyone["false_negative_rate"] == pytest.approx(0.25)
    assert everyone["positive_predictive_value"] == pytest.approx(0.75)
    assert everyone["threshold"] == 0.5


def test_table_output(tmp_path: Path) -> None:
    status, out, _ = validate(
        tmp_path, ROWS, "--score", "score", "--outcome", "reoffended", "--group", "sex", "--threshold", "0.5"
    )
    assert status == 0
    assert "Everyone" in out and "sex = F" in out and "0.875 (" in out and "Calibration by decile" in out
    assert "higher risk: a score of 0.5 or more" in out


def test_parquet_gives_the_same_figures(tmp_path: Path) -> None:
    table = pa.table(
        {
            "score": [0.9, 0.2, 0.7, 0.4, 0.6, 0.1, 0.55, 0.3],
            "reoffended": [True, False, True, False, True, False, False, True],
            "sex": ["F", "M", "M", None, "F", "F", "M", "M"],
        }
    )
    pq.write_table(table, tmp_path / "scores.parquet")
    status, out, err = _run(
        [
            "validate",
            "--scores",
            str(tmp_path / "scores.parquet"),
            "--score",
            "score",
            "--outcome",
            "reoffended",
            "--group",
            "sex",
            "--threshold",
            "0.5",
            "--format",
            "json",
        ]
    )
    assert status == 0, err
    assert json.loads(out) == _json(tmp_path, ROWS, "--group", "sex", "--threshold", "0.5")


def test_outcomes_as_words_and_a_semicolon_file(tmp_path: Path) -> None:
    groups = _json(tmp_path, "score;reoffended\n0.8;true\n0.3;false\n0.6;TRUE\n0.5;0\n")
    assert groups[0]["positives"] == 2 and groups[0]["auc"] == 1.0


@pytest.mark.parametrize(
    ("text", "extra", "message"),
    [
        (None, (), "no such file"),
        ("", (), "the file is empty"),
        ("score,reoffended\n", (), "the file has no rows"),
        ("score,reoffended\n0.2,0\nhigh,1\n", (), "data row 2: the score 'high' is not a number"),
        ("score,reoffended\n0.2,0\n0.3,2\n", (), "data row 2: the outcome 2 is not 0 or 1"),
        ("score,reoffended\n0.2,0\n0.3,yes\n", (), "data row 2: the outcome 'yes' is not 0 or 1"),
        ("score,reoffended\n0.2,0\n,1\n", (), "data row 2: the score is missing"),
        ("score,reoffended\n0.2,\n0.3,1\n", (), "data row 1: the outcome is missing"),
        ("score,reoffended\n0.2,0\n", ("--group", "sex"), "no column 'sex'; the columns are"),
        ("scor,reoffended\n0.2,0\n", (), "no column 'score'"),
        ("score^reoffended\n0.2^0\n0.3^1\n", (), "no column"),
        ("\x00\x01garbage\xff", (), "no column"),
        ("score,reoffended\n0.2,0\n", ("--max-groups", "0"), "--max-groups must be at least 1"),
    ],
)
def test_hostile_files_are_refused_with_a_clear_message(
    tmp_path: Path, text: str | None, extra: tuple[str, ...], message: str
) -> None:
    status, out, err = validate(tmp_path, text, "--score", "score", "--outcome", "reoffended", *extra)
    assert status == 1 and out == ""
    assert err.startswith("desist validate: ") and message in err


def test_a_file_with_an_unrecognised_delimiter_says_so(tmp_path: Path) -> None:
    status, _, err = validate(tmp_path, "score|reoffended\n0.2|0\n", "--score", "score", "--outcome", "x")
    assert status == 1 and "no column" in err


def test_a_damaged_parquet_file_is_refused(tmp_path: Path) -> None:
    status, _, err = validate(
        tmp_path,
        "score,reoffended\n0.2,0\n",
        "--score",
        "score",
        "--outcome",
        "reoffended",
        name="bad.parquet",
    )
    assert status == 1 and "cannot be read as Parquet" in err


def test_a_group_column_with_a_value_per_row_is_refused(tmp_path: Path) -> None:
    lines = ["score,reoffended,id"] + [f"{(i % 97) / 97},{i % 3 == 0:d},{i}" for i in range(20_000)]
    status, _, err = validate(
        tmp_path, "\n".join(lines) + "\n", "--score", "score", "--outcome", "reoffended", "--group", "id"
    )
    assert status == 1 and "the group column 'id' takes the groups past 1,000" in err


def test_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_:
        validate(tmp_path, ROWS, "--score", "score", "--outcome", "reoffended", "--format", "xml")
    assert exit_.value.code == 2


def test_a_public_data_set_agrees_with_scikit_learn(tmp_path: Path) -> None:
    """Fisher's iris data (shipped with scikit-learn; flowers, not people): does petal width pick out
    Iris virginica? The AUC must equal scikit-learn's, and the error rates the counts worked out here."""
    datasets = pytest.importorskip("sklearn.datasets")
    metrics = pytest.importorskip("sklearn.metrics")
    iris = datasets.load_iris()
    width = [float(row[3]) for row in iris.data]
    virginica = [int(t == 2) for t in iris.target]
    long_sepal = ["long" if row[0] >= 5.8 else "short" for row in iris.data]
    text = "petal_width,virginica,sepal\n" + "".join(
        f"{w},{v},{s}\n" for w, v, s in zip(width, virginica, long_sepal, strict=True)
    )
    (tmp_path / "iris.csv").write_text(text)
    status, out, err = _run(
        [
            "validate",
            "--scores",
            str(tmp_path / "iris.csv"),
            "--score",
            "petal_width",
            "--outcome",
            "virginica",
            "--group",
            "sepal",
            "--threshold",
            "1.7",
            "--format",
            "json",
        ]
    )
    assert status == 0, err
    groups = json.loads(out)
    assert groups[0]["n"] == 150 and groups[0]["positives"] == 50
    assert groups[0]["auc"] == pytest.approx(metrics.roc_auc_score(virginica, width), abs=1e-12)
    for g in groups[1:]:
        members = [i for i, s in enumerate(long_sepal) if s == g["value"]]
        expected = metrics.roc_auc_score([virginica[i] for i in members], [width[i] for i in members])
        assert g["auc"] == pytest.approx(expected, abs=1e-12)
    flagged = [w >= 1.7 for w in width]
    fp = sum(1 for f, v in zip(flagged, virginica, strict=True) if f and not v)
    fn = sum(1 for f, v in zip(flagged, virginica, strict=True) if not f and v)
    assert groups[0]["false_positive_rate"] == pytest.approx(fp / 100)
    assert groups[0]["false_negative_rate"] == pytest.approx(fn / 50)
    assert groups[0]["brier"] is None  # petal widths are not chances
