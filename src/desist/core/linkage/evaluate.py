"""How good a linking is, against the hidden truth of the synthetic generator.

Pairwise measures count pairs of records: precision is the share of record pairs put in one person
that truly are one person; recall the share of truly same-person pairs that were put together.
Person measures count people: a true person is *split* when their records end up in more than one
person; a linked person is *merged wrongly* when it holds records of more than one true person.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa


@dataclass(frozen=True)
class Accuracy:
    """Pairwise and person-level accuracy of one linking."""

    records: int
    true_people: int
    linked_people: int
    true_pairs: int
    linked_pairs: int
    correct_pairs: int
    precision: float
    recall: float
    f1: float
    split_share: float  # of true people with more than one record: split over several linked people
    merged_share: float  # of linked people: holding more than one true person

    def as_dict(self) -> dict[str, float]:
        """The figures by name."""
        return {k: float(v) for k, v in asdict(self).items()}


def _pairs(counts: npt.NDArray[np.int64]) -> int:
    return int((counts * (counts - 1) // 2).sum())


def _codes(values: pa.ChunkedArray | pa.Array) -> npt.NDArray[np.int64]:
    encoded = values.dictionary_encode()
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    return np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)


def pairwise_accuracy(assignments: pa.Table, truth: pa.Table) -> Accuracy:
    """Compare linked person ids with true ones; both tables have source, record_id, person_id.

    Only records in both tables are counted.
    """
    joined = assignments.select(["source", "record_id", "person_id"]).join(
        truth.select(["source", "record_id", "person_id"]).rename_columns(["source", "record_id", "true_id"]),
        keys=["source", "record_id"],
        join_type="inner",
    )
    linked = _codes(joined.column("person_id"))
    true = _codes(joined.column("true_id"))
    n = int(linked.shape[0])
    if n == 0:
        return Accuracy(0, 0, 0, 0, 0, 0, 1.0, 1.0, 1.0, 0.0, 0.0)
    linked_sizes = np.bincount(linked)
    true_sizes = np.bincount(true)
    both = np.unique(linked * (int(true.max()) + 1) + true, return_counts=True)[1]
    true_pairs, linked_pairs, correct = _pairs(true_sizes), _pairs(linked_sizes), _pairs(both)
    precision = correct / linked_pairs if linked_pairs else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    # People spread over several linked people / linked people spanning several true people.
    cells = np.unique(np.stack([linked, true], axis=1), axis=0)
    per_true = np.bincount(cells[:, 1], minlength=true_sizes.shape[0])
    per_linked = np.bincount(cells[:, 0], minlength=linked_sizes.shape[0])
    multi = true_sizes > 1
    split_share = float((per_true[multi] > 1).mean()) if multi.any() else 0.0
    present = linked_sizes > 0
    merged_share = float((per_linked[present] > 1).mean())
    return Accuracy(
        records=n,
        true_people=int((true_sizes > 0).sum()),
        linked_people=int(present.sum()),
        true_pairs=true_pairs,
        linked_pairs=linked_pairs,
        correct_pairs=correct,
        precision=precision,
        recall=recall,
        f1=f1,
        split_share=split_share,
        merged_share=merged_share,
    )
