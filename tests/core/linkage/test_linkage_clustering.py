"""Clustering scored pairs into people, reviewers' decisions, and person ids that never renumber."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from desist.core.linkage.clustering import PersonMerge, assign_person_ids, cluster_records


def _cluster(n: int, pairs: list[tuple[int, int, float]], **kwargs: object) -> list[int]:
    left = np.array([p[0] for p in pairs], dtype=np.int64)
    right = np.array([p[1] for p in pairs], dtype=np.int64)
    weight = np.array([p[2] for p in pairs], dtype=np.float64)
    kwargs.setdefault("link_threshold", 5.0)
    clusters = cluster_records(n, left, right, weight, **kwargs)  # type: ignore[arg-type]
    # Canonical form: the smallest record index of each cluster.
    first: dict[int, int] = {}
    return [first.setdefault(int(label), i) for i, label in enumerate(clusters.labels)]


def test_links_at_or_above_the_threshold_join_records() -> None:
    assert _cluster(4, [(0, 1, 5.0), (1, 2, 4.99), (2, 3, 20.0)]) == [0, 0, 2, 2]


def test_must_link_joins_whatever_the_weight() -> None:
    assert _cluster(3, [(0, 1, -30.0)], must_link=[(0, 1)]) == [0, 0, 2]


def test_must_not_link_keeps_people_apart_even_through_a_chain() -> None:
    # 0-1 and 1-2 are strong, but a reviewer said 0 and 2 are different people: the weaker link loses.
    labels = _cluster(3, [(0, 1, 30.0), (1, 2, 10.0)], must_not_link=[(0, 2)])
    assert labels == [0, 0, 2]


def test_must_not_link_wins_over_must_link_chains() -> None:
    labels = _cluster(3, [], must_link=[(0, 1), (1, 2)], must_not_link=[(0, 2)])
    assert labels[0] != labels[2]


def test_fixed_groups_stay_together() -> None:
    assert _cluster(4, [], fixed_groups=[[0, 3]]) == [0, 1, 2, 0]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9), st.floats(-20, 40)), max_size=40),
    st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), max_size=5),
)
def test_no_must_not_link_pair_is_ever_one_person(
    pairs: list[tuple[int, int, float]], apart: list[tuple[int, int]]
) -> None:
    labels = _cluster(10, pairs, must_not_link=apart, link_threshold=0.0)
    for a, b in apart:
        if a != b:
            assert labels[a] != labels[b]


KEYS = [("police", f"P{i}") for i in range(6)]


def test_a_first_run_numbers_people_from_one_in_record_order() -> None:
    ids, merges, splits = assign_person_ids(KEYS, np.array([3, 3, 2, 0, 2, 5]))
    assert ids.tolist() == [1, 1, 2, 3, 2, 4]
    assert merges == [] and splits == []


def test_existing_people_keep_their_ids_and_new_ones_come_after() -> None:
    previous = {KEYS[0]: 7, KEYS[1]: 7, KEYS[2]: 3}
    ids, merges, splits = assign_person_ids(KEYS, np.array([0, 0, 2, 3, 2, 5]), previous)
    assert ids.tolist() == [7, 7, 3, 8, 3, 9]
    assert merges == [] and splits == []


def test_a_merge_keeps_the_lower_id_and_reports_it() -> None:
    previous = {KEYS[0]: 9, KEYS[1]: 4}
    ids, merges, splits = assign_person_ids(KEYS[:3], np.array([0, 0, 2]), previous)
    assert ids.tolist() == [4, 4, 10]
    assert merges == [PersonMerge(kept_id=4, absorbed_id=9)]
    assert splits == []


def test_a_split_keeps_the_id_with_the_bigger_part_and_reports_the_record_that_left() -> None:
    previous = {KEYS[0]: 2, KEYS[1]: 2, KEYS[2]: 2}
    ids, merges, splits = assign_person_ids(KEYS[:3], np.array([0, 0, 2]), previous)
    assert merges == []
    assert ids.tolist() == [2, 2, 3]
    assert [(s.record, s.previous_id, s.person_id) for s in splits] == [(KEYS[2], 2, 3)]
