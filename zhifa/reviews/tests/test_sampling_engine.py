"""The sampling engine alone (no database): a pure function of the seed and the candidates document."""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhifa.reviews import sampling


def document(boards: dict[int, list[int]], reviewers: list[dict], involved=None, per_board=2) -> dict:
    return {
        "format": sampling.FORMAT,
        "algorithm": sampling.ENGINE,
        "round": 1,
        "period": ["2026-01-01", "2026-06-30"],
        "per_board": per_board,
        "boards": {str(b): sorted(ids) for b, ids in boards.items()},
        "involved": {str(c): users for c, users in (involved or {}).items()},
        "reviewers": reviewers,
    }


POOL = [
    {"id": 1, "boards": [10]},
    {"id": 2, "boards": [10]},
    {"id": 3, "boards": [20]},
    {"id": 4, "boards": [30]},
    {"id": 5, "boards": [1]},  # the brigade: its officers' unit is the district
]
DOC = document({10: [101, 102, 103, 104], 20: [201, 202, 203], 30: [301]}, POOL, involved={201: [4]})


def test_the_same_seed_and_candidates_give_the_same_files_and_reviewers():
    seed = bytes.fromhex("ab" * 32)
    assert sampling.run(seed, DOC) == sampling.run(seed, dict(DOC))
    rows = sampling.run(seed, DOC)
    assert [r["position"] for r in rows] == list(range(5))
    # two files of each board that has two, the only one of board 30; boards in ascending id
    assert [r["board"] for r in rows] == [10, 10, 20, 20, 30]
    assert {r["case"] for r in rows if r["board"] == 10} <= {101, 102, 103, 104}


def test_the_files_are_the_streams_partial_shuffle_of_the_sorted_ids():
    from zhifa.planning.draw import Stream

    seed = hashlib.sha256(b"public value").digest()
    rows = sampling.run(seed, DOC)
    assert [r["case"] for r in rows if r["board"] == 10] == Stream(seed, "board:10").sample(
        [101, 102, 103, 104], 2
    )


def test_reviewers_never_review_their_own_board_or_a_case_they_took_part_in():
    for n in range(40):
        seed = hashlib.sha256(str(n).encode()).digest()
        for row in sampling.run(seed, DOC):
            reviewer = next(r for r in POOL if r["id"] == row["reviewer"])
            assert row["board"] not in reviewer["boards"]
            assert not (row["case"] == 201 and row["reviewer"] == 4)


def test_the_candidates_order_in_the_document_does_not_matter():
    seed = bytes(32)
    shuffled = {**DOC, "boards": {"30": [301], "20": [203, 201, 202], "10": [104, 102, 103, 101]}}
    assert sampling.run(seed, shuffled) == sampling.run(seed, DOC)


def test_a_file_nobody_may_review_is_found_before_any_seed():
    lonely = document(
        {10: [101, 102]}, [{"id": 1, "boards": [10]}, {"id": 2, "boards": [20]}], involved={102: [2]}
    )
    assert sampling.unreviewable(lonely) == [102]
    assert sampling.unreviewable(DOC) == []


def test_an_unknown_document_format_is_refused():
    with pytest.raises(ValueError):
        sampling.run(bytes(32), {**DOC, "format": "something-else"})


@settings(max_examples=50, deadline=None)
@given(seed=st.binary(min_size=32, max_size=32), sizes=st.lists(st.integers(0, 6), min_size=1, max_size=5))
def test_round_robin_spreads_files_evenly_over_a_pool_that_may_review_them_all(seed, sizes):
    boards = {b: [b * 100 + i for i in range(n)] for b, n in enumerate(sizes, start=1)}
    pool = [
        {"id": i, "boards": [99]} for i in range(1, 4)
    ]  # none of these boards: anyone may review anything
    rows = sampling.run(seed, document(boards, pool, per_board=3))
    assert len(rows) == sum(min(n, 3) for n in sizes)
    loads = Counter(r["reviewer"] for r in rows)
    assert not rows or max(loads.values()) - min(loads.get(i, 0) for i in (1, 2, 3)) <= 1
