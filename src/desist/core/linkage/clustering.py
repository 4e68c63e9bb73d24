"""Records into people: links above the threshold join records, strongest first, and decisions win.

Plain Python over integer record indices, so it is the same whatever engine scored the pairs.

Clustering is single-link over the automatic links, taken strongest first, with two rules on top:
a reviewer's "must link" joins two records whatever the model says, and a "must not link" keeps the
two records' people apart for good (a weaker link that would join them is refused, however it
arrives). Person ids are then given so that nobody is renumbered (see :func:`assign_person_ids`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

RecordKey = tuple[str, str]


@dataclass(frozen=True)
class Clusters:
    """The outcome of clustering n records."""

    labels: npt.NDArray[np.int64]  # cluster of each record: the index of one of its records
    best_weight: npt.NDArray[np.float64]  # strongest link that joined each record (NaN if none)
    refused: list[tuple[int, int]]  # links refused because of a "must not link" decision


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.size = [1] * n
        # root -> records its people must never be joined with (only for roots under a decision)
        self.apart: dict[int, set[int]] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def kept_apart(self, ra: int, rb: int) -> bool:
        a, b = self.apart.get(ra), self.apart.get(rb)
        if a is None and b is None:
            return False
        if a is not None and any(self.find(x) == rb for x in a):
            return True
        return b is not None and any(self.find(x) == ra for x in b)

    def union(self, a: int, b: int) -> bool:
        """Join a's and b's clusters; False if they are already one or must stay apart."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb or self.kept_apart(ra, rb):
            return False
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        moved = self.apart.pop(rb, None)
        if moved:
            self.apart.setdefault(ra, set()).update(moved)
        return True


def cluster_records(
    n: int,
    left: npt.NDArray[np.int64],
    right: npt.NDArray[np.int64],
    weight: npt.NDArray[np.float64],
    *,
    link_threshold: float,
    must_link: Iterable[tuple[int, int]] = (),
    must_not_link: Iterable[tuple[int, int]] = (),
    fixed_groups: Iterable[Sequence[int]] = (),
) -> Clusters:
    """Cluster n records from scored pairs (left[i], right[i], weight[i]).

    ``fixed_groups`` are records already known to be one person (the existing people when linking
    incrementally); they are joined first, then the ``must_link`` pairs, then every pair at or above
    ``link_threshold`` from the strongest down. A ``must_not_link`` pair is never in one cluster.
    """
    uf = _UnionFind(n)
    for a, b in must_not_link:
        if a == b:
            continue
        uf.apart.setdefault(a, set()).add(b)
        uf.apart.setdefault(b, set()).add(a)
    best = np.full(n, np.nan)
    refused: list[tuple[int, int]] = []
    for group in fixed_groups:
        members = list(group)
        for other in members[1:]:
            uf.union(members[0], other)
    for a, b in must_link:
        if not uf.union(a, b) and uf.find(a) != uf.find(b):
            refused.append((a, b))
    keep = weight >= link_threshold
    # Strongest first; ties by record index, so the outcome never depends on the engine's pair order.
    order = np.lexsort((right[keep], left[keep], -weight[keep]))
    ls, rs, ws = left[keep][order].tolist(), right[keep][order].tolist(), weight[keep][order].tolist()
    union, find = uf.union, uf.find
    for a, b, w in zip(ls, rs, ws, strict=True):
        if union(a, b):
            if not best[a] >= w:
                best[a] = w
            if not best[b] >= w:
                best[b] = w
        elif find(a) != find(b):
            refused.append((a, b))
    # A record whose own strongest link was redundant (already joined) still reports that weight.
    for a, b, w in zip(ls, rs, ws, strict=True):
        if find(a) == find(b):
            if not best[a] >= w:
                best[a] = w
            if not best[b] >= w:
                best[b] = w
    labels = np.fromiter((find(i) for i in range(n)), dtype=np.int64, count=n)
    return Clusters(labels=labels, best_weight=best, refused=refused)


@dataclass(frozen=True)
class PersonMerge:
    """Two people from the last run found to be one: ``absorbed_id`` now lives on as ``kept_id``."""

    kept_id: int
    absorbed_id: int


@dataclass(frozen=True)
class PersonSplit:
    """A record that left its previous person for another (new or existing) one."""

    record: RecordKey
    previous_id: int
    person_id: int


def assign_person_ids(
    keys: Sequence[RecordKey],
    labels: npt.NDArray[np.int64],
    previous: Mapping[RecordKey, int] | None = None,
    *,
    first_new_id: int | None = None,
) -> tuple[npt.NDArray[np.int64], list[PersonMerge], list[PersonSplit]]:
    """Person ids for clustered records that never renumber an existing person.

    Each previous person belongs to the cluster holding most of its records (ties: the cluster whose
    first record comes first). A cluster takes the lowest previous id it holds; any other id it holds
    is reported as merged into it. A cluster holding no previous person gets a new id, above every
    previous id (or from ``first_new_id``), in the order of its first record. Records that leave their
    previous person are reported as splits.
    """
    previous = previous or {}
    n = len(keys)
    # Count, for every previous person, its records in each cluster.
    counts: dict[int, dict[int, int]] = {}
    first_seen: dict[int, int] = {}
    for i in range(n):
        label = int(labels[i])
        first_seen.setdefault(label, i)
        pid = previous.get(keys[i])
        if pid is not None:
            per = counts.setdefault(pid, {})
            per[label] = per.get(label, 0) + 1
    owned: dict[int, list[int]] = {}
    for pid, per in counts.items():
        home = max(per, key=lambda label: (per[label], -first_seen[label]))
        owned.setdefault(home, []).append(pid)
    cluster_id: dict[int, int] = {}
    merges: list[PersonMerge] = []
    for label, pids in owned.items():
        pids.sort()
        cluster_id[label] = pids[0]
        merges.extend(PersonMerge(kept_id=pids[0], absorbed_id=p) for p in pids[1:])
    next_id = first_new_id if first_new_id is not None else max(previous.values(), default=0) + 1
    next_id = max(next_id, max(previous.values(), default=0) + 1)
    for label in sorted(first_seen, key=first_seen.__getitem__):
        if label not in cluster_id:
            cluster_id[label] = next_id
            next_id += 1
    person_ids = np.fromiter((cluster_id[int(labels[i])] for i in range(n)), dtype=np.int64, count=n)
    splits: list[PersonSplit] = []
    merged = {m.absorbed_id: m.kept_id for m in merges}
    for i in range(n):
        pid = previous.get(keys[i])
        if pid is not None and int(person_ids[i]) != merged.get(pid, pid):
            splits.append(PersonSplit(record=keys[i], previous_id=pid, person_id=int(person_ids[i])))
    merges.sort(key=lambda m: (m.kept_id, m.absorbed_id))
    return person_ids, merges, splits
