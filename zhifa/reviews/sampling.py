"""Drawing case files for a review: a pure function of (seed, frozen candidates document).

Nothing here reads the database or the clock, so anyone holding the revealed seed and the published
candidates document recomputes the same files and reviewers (``zhifa reviews verify ROUND``). The
randomness is the 2+1 draw's (``zhifa.planning.draw.Stream``: SHA-256(seed | label | counter), specified
exactly and stable across Python versions).

The algorithm (version ``ENGINE``):

1. Files. For each board in ascending id, its candidate case ids sorted ascending; a partial
   Fisher–Yates shuffle driven by ``Stream(seed, "board:<id>")`` takes ``per_board`` of them (all when
   fewer), in the order drawn.
2. Reviewers. The pool sorted by user id; a starting point ``Stream(seed, "reviewers").below(len)``; then
   round-robin over the drawn files (boards in ascending id, files in drawn order): each file gets the
   next reviewer of the pool, skipping anyone whose boards include the file's board (own board,
   secondment, pairing, the unit of their officer record) or who took part in the case; the next file
   continues after the reviewer chosen.
"""

from __future__ import annotations

from typing import Any

from zhifa.planning.draw import Stream, canonical, sha256_hex

ENGINE = "zhifa-review-sample/1"
FORMAT = "zhifa-review-candidates/1"

__all__ = ["ENGINE", "FORMAT", "canonical", "eligible", "run", "sha256_hex", "unreviewable"]


def eligible(reviewer: dict, board: int, involved: set[int]) -> bool:
    """Cross review: never a reviewer of the file's board, never one who took part in the case."""
    return board not in reviewer["boards"] and reviewer["id"] not in involved


def _involved(document: dict, case: int) -> set[int]:
    return set(document["involved"].get(str(case), []))


def draw_files(seed: bytes, document: dict) -> list[tuple[int, int]]:
    """(board, case) in the order drawn: boards ascending, each board's files as its stream took them."""
    per_board = int(document["per_board"])
    drawn: list[tuple[int, int]] = []
    for board in sorted(document["boards"], key=int):
        ids = sorted(int(c) for c in document["boards"][board])
        picked = Stream(seed, f"board:{int(board)}").sample(ids, per_board)
        drawn += [(int(board), case) for case in picked]
    return drawn


def run(seed: bytes, document: dict[str, Any]) -> list[dict]:
    """The drawn files with their reviewers: ``[{"position", "board", "case", "reviewer"}]``.

    ``reviewer`` is None only for a file nobody in the pool may review; ``unreviewable`` finds those
    before the seed is committed, so a round is never drawn with one."""
    if document.get("format") != FORMAT:
        raise ValueError(f"unknown candidates format {document.get('format')!r}")
    pool = sorted(document["reviewers"], key=lambda r: r["id"])
    pointer = Stream(seed, "reviewers").below(len(pool)) if pool else 0
    rows = []
    for position, (board, case) in enumerate(draw_files(seed, document)):
        involved = _involved(document, case)
        chosen = None
        for step in range(len(pool)):
            index = (pointer + step) % len(pool)
            if eligible(pool[index], board, involved):
                chosen = pool[index]["id"]
                pointer = (index + 1) % len(pool)
                break
        rows.append({"position": position, "board": board, "case": case, "reviewer": chosen})
    return rows


def unreviewable(document: dict) -> list[int]:
    """Candidate files that no reviewer of the pool may review (whatever the seed)."""
    missing = []
    for board, cases in sorted(document["boards"].items(), key=lambda kv: int(kv[0])):
        for case in sorted(int(c) for c in cases):
            involved = _involved(document, case)
            if not any(eligible(r, int(board), involved) for r in document["reviewers"]):
                missing.append(case)
    return missing


def result_hash(rows: list[dict]) -> str:
    return sha256_hex(canonical(rows))
