"""Link agency records into people with a trained model: score pairs, cluster, keep ids stable.

    result = link_records(records, model=model, previous=last.person_ids())

Three outcomes by match weight: at or above ``Thresholds.link`` two records are linked automatically;
from ``Thresholds.review`` up to that they go to the review queue; below, they are not linked.
Reviewers' decisions ("must link", "must not link") override the model on every run.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from .backends import Engine, check_engine, database_api, release, table_name
from .clustering import PersonMerge, PersonSplit, RecordKey, assign_person_ids, cluster_records
from .model import UNIQUE_ID, LinkageModel, capped_blocking_keys, with_unique_ids
from .records import prepare_records

# Defaults chosen from measured precision and recall on the synthetic partnership: see
# docs/benchmarks.md (linkage) and docs/linkage.md ("Thresholds").
DEFAULT_LINK_THRESHOLD = 8.0
DEFAULT_REVIEW_THRESHOLD = 0.0

DecisionPairs = Iterable[tuple[RecordKey, RecordKey]]


@dataclass(frozen=True)
class Thresholds:
    """Match weights (log2 odds) that separate the three outcomes; from_probabilities takes them as match
    probabilities (link 0.996 and review 0.5 are the defaults, weights 8 and 0)."""

    link: float = DEFAULT_LINK_THRESHOLD  # at or above: linked automatically
    review: float = DEFAULT_REVIEW_THRESHOLD  # at or above, below link: sent for review

    @classmethod
    def from_probabilities(cls, link: float = 0.0, review: float = 0.0) -> Thresholds:
        """Thresholds given as match probabilities (0 < p < 1; 0 keeps that default): the chance, by the
        model, that two records are one person. ``link=0.996`` is a match weight of 8."""

        def weight(probability: float, default: float) -> float:
            if not probability:
                return default
            if not 0 < probability < 1:
                raise ValueError(f"a match probability must be between 0 and 1, not {probability}")
            return math.log2(probability / (1 - probability))

        return cls(link=weight(link, DEFAULT_LINK_THRESHOLD), review=weight(review, DEFAULT_REVIEW_THRESHOLD))

    @property
    def link_probability(self) -> float:
        """The link threshold as a match probability."""
        return float(1 / (1 + 2**-self.link))

    @property
    def review_probability(self) -> float:
        """The review threshold as a match probability."""
        return float(1 / (1 + 2**-self.review))

    def __post_init__(self) -> None:
        if not (math.isfinite(self.link) and math.isfinite(self.review)):
            raise ValueError("thresholds must be numbers")
        if self.review > self.link:
            raise ValueError(
                f"the review threshold ({self.review}) must not be above the link threshold ({self.link})"
            )


@dataclass(frozen=True)
class Agreement:
    """How one field of a pair compares: the level's label and its match weight (None if missing)."""

    level: str
    weight: float | None


@dataclass(frozen=True)
class ReviewPair:
    """Two records the model is unsure about, in different people, for a reviewer to decide."""

    left: RecordKey
    right: RecordKey
    match_weight: float
    match_probability: float
    left_person_id: int
    right_person_id: int
    agreement: dict[str, Agreement]


@dataclass
class LinkResult:
    """Everything one linking run decided."""

    assignments: pa.Table  # source, record_id, person_id, match_weight, outcome, new_person
    review_pairs: list[ReviewPair]
    merges: list[PersonMerge]
    splits: list[PersonSplit]
    model_version: str
    thresholds: Thresholds
    pairs_scored: int = 0
    refused_links: int = 0  # links above the threshold refused by a "must not link" decision
    stats: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what the run left out (blocking keys over the cap)

    def person_ids(self) -> dict[RecordKey, int]:
        """Each record's person, as ``previous`` for the next run."""
        sources = self.assignments.column("source").to_pylist()
        record_ids = self.assignments.column("record_id").to_pylist()
        people = self.assignments.column("person_id").to_pylist()
        return {(s, r): p for s, r, p in zip(sources, record_ids, people, strict=True)}


class LinkError(ValueError):
    """Linking cannot go ahead as asked; the message says why."""


@dataclass(frozen=True)
class ScoredPairs:
    """Pairs scored by the model, by record index."""

    left: npt.NDArray[np.int64]
    right: npt.NDArray[np.int64]
    weight: npt.NDArray[np.float64]
    probability: npt.NDArray[np.float64]

    def __len__(self) -> int:
        return int(self.left.shape[0])


def _scored(tables: Sequence[pa.Table]) -> ScoredPairs:
    table = pa.concat_tables(tables) if tables else None
    if table is None or table.num_rows == 0:
        empty_i = np.zeros(0, dtype=np.int64)
        return ScoredPairs(empty_i, empty_i, np.zeros(0), np.zeros(0))
    return ScoredPairs(
        left=table.column(f"{UNIQUE_ID}_l").to_numpy(zero_copy_only=False).astype(np.int64),
        right=table.column(f"{UNIQUE_ID}_r").to_numpy(zero_copy_only=False).astype(np.int64),
        weight=table.column("match_weight").to_numpy(zero_copy_only=False).astype(np.float64),
        probability=table.column("match_probability").to_numpy(zero_copy_only=False).astype(np.float64),
    )


def _prediction_columns(sdf: Any) -> pa.Table:
    table = sdf.as_pyarrow_table()
    return table.select([f"{UNIQUE_ID}_l", f"{UNIQUE_ID}_r", "match_weight", "match_probability"])


def score_pairs(
    prepared: pa.Table,
    *,
    model: LinkageModel,
    min_weight: float,
    engine: Engine = "duckdb",
    existing: npt.NDArray[np.bool_] | None = None,
    notes: list[str] | None = None,
    max_comparisons: int | None = None,
) -> ScoredPairs:
    """Score every blocked pair of records at or above ``min_weight``.

    With ``existing`` (a mask of records already linked), only pairs involving at least one other
    record are scored: new against existing, and new against new.
    """
    from splink import Linker

    db_api = database_api(engine)
    table = with_unique_ids(prepared)
    keys, dropped = capped_blocking_keys(prepared, model.blocking_keys(), max_comparisons)
    if notes is not None:
        notes.extend(dropped)
    settings = model.splink_settings(engine, blocking=keys)
    names: list[str] = []

    def register(rows: pa.Table, purpose: str) -> Any:
        names.append(table_name(purpose))
        return db_api.register(rows, table_name=names[-1])

    try:
        if existing is None or not existing.any():
            linker = Linker(register(table, "desist_records"), settings, log_level=logging.WARNING)
            predictions = linker.inference.predict(threshold_match_weight=min_weight, warning_mode="never")
            return _scored([_prediction_columns(predictions)])
        old_rows = np.flatnonzero(existing)
        new_rows = np.flatnonzero(~existing)
        if new_rows.shape[0] == 0:
            return _scored([])
        old_sdf = register(table.take(pa.array(old_rows)), "desist_existing_records")
        new_sdf = register(table.take(pa.array(new_rows)), "desist_new_records")
        linker = Linker(new_sdf, settings, log_level=logging.WARNING)
        between = linker.inference.predict_between(
            old_sdf, new_sdf, threshold_match_weight=min_weight, warning_mode="never"
        )
        parts = [_prediction_columns(between)]
        if new_rows.shape[0] > 1:
            within = linker.inference.predict_within(
                new_sdf, threshold_match_weight=min_weight, warning_mode="never"
            )
            parts.append(_prediction_columns(within))
        return _scored(parts)
    finally:
        release(db_api, names)


def _decision_indices(pairs: DecisionPairs, index: Mapping[RecordKey, int]) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    for left, right in pairs:
        a, b = index.get(tuple(left)), index.get(tuple(right))  # type: ignore[arg-type]
        if a is not None and b is not None and a != b:
            found.append((a, b))
    return found


def link_records(
    records: pa.Table,
    *,
    model: LinkageModel,
    previous: Mapping[RecordKey, int] | None = None,
    incremental: bool = False,
    must_link: DecisionPairs = (),
    must_not_link: DecisionPairs = (),
    thresholds: Thresholds | None = None,
    engine: Engine | str = "duckdb",
) -> LinkResult:
    """Link the records into people (see the module docstring and docs/linkage.md).

    ``previous`` maps (source, record_id) to the person id from the last run: those people keep their
    ids. With ``incremental=True`` the records in ``previous`` are taken as already linked and only
    pairs involving the other records are scored, so a new extract links in time proportional to its
    own size; people can still merge when a new record bridges two of them.
    """
    thresholds = thresholds or Thresholds()
    engine = check_engine(str(engine))
    prepared = prepare_records(records)
    n = prepared.num_rows
    keys: list[RecordKey] = list(
        zip(prepared.column("source").to_pylist(), prepared.column("record_id").to_pylist(), strict=True)
    )
    index = {key: i for i, key in enumerate(keys)}
    previous = dict(previous or {})
    if incremental and not previous:
        raise LinkError("incremental linking needs the previous run's person ids")

    existing: npt.NDArray[np.bool_] | None = None
    fixed_groups: list[list[int]] = []
    if incremental:
        existing = np.fromiter((key in previous for key in keys), dtype=bool, count=n)
        groups: dict[int, list[int]] = {}
        for i in np.flatnonzero(existing).tolist():
            groups.setdefault(previous[keys[i]], []).append(i)
        fixed_groups = [g for g in groups.values() if len(g) > 1]

    notes: list[str] = []
    pairs = score_pairs(
        prepared, model=model, min_weight=thresholds.review, engine=engine, existing=existing, notes=notes
    )
    ml = _decision_indices(must_link, index)
    mnl = _decision_indices(must_not_link, index)
    clusters = cluster_records(
        n,
        pairs.left,
        pairs.right,
        pairs.weight,
        link_threshold=thresholds.link,
        must_link=ml,
        must_not_link=mnl,
        fixed_groups=fixed_groups,
    )
    person_ids, merges, splits = assign_person_ids(keys, clusters.labels, previous)

    decided = {frozenset(p) for p in ml} | {frozenset(p) for p in mnl}
    review = _review_pairs(pairs, person_ids, keys, prepared, model, thresholds, decided, engine)
    in_review = np.zeros(n, dtype=bool)
    review_weight = np.full(n, np.nan)
    for pair in review:
        for key in (pair.left, pair.right):
            i = index[key]
            in_review[i] = True
            review_weight[i] = np.fmax(review_weight[i], pair.match_weight)

    cluster_size = np.bincount(clusters.labels, minlength=n)[clusters.labels]
    linked = cluster_size > 1
    outcome = np.where(linked, "linked", np.where(in_review, "review", "not_linked"))
    weight = np.where(linked, clusters.best_weight, np.where(in_review, review_weight, np.nan))
    previous_ids = set(previous.values())
    assignments = pa.table(
        {
            "source": prepared.column("source"),
            "record_id": prepared.column("record_id"),
            "person_id": pa.array(person_ids, type=pa.int64()),
            "match_weight": pa.array(np.round(weight, 3), type=pa.float64(), from_pandas=True),
            "outcome": pa.array(outcome.tolist(), type=pa.string()),
            "new_person": pa.array(
                [int(p) not in previous_ids for p in person_ids.tolist()], type=pa.bool_()
            ),
        }
    )
    return LinkResult(
        assignments=assignments,
        review_pairs=review,
        merges=merges,
        splits=splits,
        model_version=model.version,
        thresholds=thresholds,
        pairs_scored=len(pairs),
        refused_links=len(clusters.refused),
        notes=notes,
    )


def _review_pairs(
    pairs: ScoredPairs,
    person_ids: npt.NDArray[np.int64],
    keys: Sequence[RecordKey],
    prepared: pa.Table,
    model: LinkageModel,
    thresholds: Thresholds,
    decided: set[frozenset[int]],
    engine: Engine,
) -> list[ReviewPair]:
    """Pairs in the review band whose records are in different people: the strongest per two people."""
    band = np.flatnonzero((pairs.weight >= thresholds.review) & (pairs.weight < thresholds.link))
    if band.shape[0] == 0:
        return []
    best: dict[tuple[int, int], int] = {}
    for j in band.tolist():
        a, b = int(pairs.left[j]), int(pairs.right[j])
        pa_, pb = int(person_ids[a]), int(person_ids[b])
        if pa_ == pb or frozenset((a, b)) in decided:
            continue
        people = (min(pa_, pb), max(pa_, pb))
        if people not in best or (-pairs.weight[j], keys[a], keys[b]) < (
            -pairs.weight[best[people]],
            keys[int(pairs.left[best[people]])],
            keys[int(pairs.right[best[people]])],
        ):
            best[people] = j
    # Strongest first; ties in record-key order, so every engine lists the same queue.
    chosen = sorted(
        best.values(), key=lambda j: (-pairs.weight[j], keys[int(pairs.left[j])], keys[int(pairs.right[j])])
    )
    left = [int(pairs.left[j]) for j in chosen]
    right = [int(pairs.right[j]) for j in chosen]
    agreements = field_agreement(prepared, left, right, model=model, engine=engine)
    return [
        ReviewPair(
            left=keys[a],
            right=keys[b],
            match_weight=round(float(pairs.weight[j]), 3),
            match_probability=float(pairs.probability[j]),
            left_person_id=int(person_ids[a]),
            right_person_id=int(person_ids[b]),
            agreement=agreement,
        )
        for j, a, b, agreement in zip(chosen, left, right, agreements, strict=True)
    ]


def field_agreement(
    prepared: pa.Table,
    left: Sequence[int],
    right: Sequence[int],
    *,
    model: LinkageModel,
    engine: Engine = "duckdb",
) -> list[dict[str, Agreement]]:
    """For each pair of record indices, how each field compares (level label and weight).

    Scored again for just these pairs, keeping Splink's agreement levels (gamma values), which the
    main run drops to stay light at a million records.
    """
    if not left:
        return []
    from splink import Linker, block_on

    pair_ids = pa.array(range(len(left)), type=pa.int64())
    # Unique ids differ across the two sides (even on the left, odd on the right).
    sides = []
    for offset, rows in ((0, left), (1, right)):
        side = prepared.take(pa.array(rows, type=pa.int64()))
        side = side.append_column(UNIQUE_ID, pa.array([2 * i + offset for i in range(len(rows))], pa.int64()))
        sides.append(side.append_column("desist_review_pair", pair_ids))
    settings = model.splink_settings(engine)
    settings["retain_matching_columns"] = True
    db_api = database_api(engine)
    names = [table_name("desist_review_left"), table_name("desist_review_right")]
    try:
        left_sdf = db_api.register(sides[0], table_name=names[0])
        right_sdf = db_api.register(sides[1], table_name=names[1])
        linker = Linker(left_sdf, settings, log_level=logging.WARNING)
        scored = linker.inference.predict_between(
            left_sdf,
            right_sdf,
            blocking_rules_to_generate_predictions=[block_on("desist_review_pair")],
            warning_mode="never",
        ).as_pyarrow_table()  # type: ignore[no-untyped-call]
    finally:
        release(db_api, names)
    levels = model.comparison_levels()
    gammas = [c for c in scored.column_names if c.startswith("gamma_")]
    result: list[dict[str, Agreement]] = [{} for _ in left]
    columns = {c: scored.column(c).to_pylist() for c in gammas}
    for row, uid in enumerate(scored.column(f"{UNIQUE_ID}_l").to_pylist()):
        agreement: dict[str, Agreement] = {}
        for column in gammas:
            name, gamma = column[len("gamma_") :], int(columns[column][row])
            label, weight = levels.get(name, {}).get(gamma, (str(gamma), None))
            agreement[name] = Agreement(level=label, weight=None if weight is None else round(weight, 2))
        result[int(uid) // 2] = agreement
    return result
