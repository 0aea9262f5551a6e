"""Ranking the boards by a weighting held as data (``RankingWeights``), and the best and worst per indicator.

The formula (docs/bulletin.md gives it with an example):

1. For each indicator *i* of the weighting with a weight above zero, take each board's figure x(b)
   for the period; boards without a figure (a rate with nothing to divide, a score not given) are
   left out of that indicator.
2. Min–max normalise across the boards that have a figure: where the indicator is better higher,
   s(b) = (x(b) − min) / (max − min); where better lower, s(b) = (max − x(b)) / (max − min). When
   every board has the same figure, every board gets s = 1 (nobody is behind anybody).
3. A board's score is 100 × Σ w(i)·s(i, b) / Σ w(i), both sums over the indicators for which the
   board has a figure (a missing figure neither helps nor hurts it).
4. Boards are ordered by score, highest first; equal scores (to 0.01) share a rank ("1, 2, 2, 4"),
   listed in the boards' usual order.

Pure functions over the rows ``zhifa.bulletins.figures`` builds: no query runs here except reading
the weighting in force.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from zhifa.bulletins.choices import Direction
from zhifa.bulletins.models import RankingWeights


def weights_in_force(on: date) -> dict | None:
    """The weighting in force on ``on`` as a plain dict (what the bulletin's snapshot keeps)."""
    from zhifa.bulletins.figures import BY_CODE

    weights = RankingWeights.objects.prefetch_related("items").in_force(on)
    if weights is None:
        return None
    return {
        "id": weights.pk,
        "name": weights.name,
        "effective_from": weights.effective_from.isoformat(),
        "example_values": weights.example_values,
        "source": weights.source,
        "items": [
            {
                "code": item.indicator,
                "label": str(BY_CODE[item.indicator].label) if item.indicator in BY_CODE else item.indicator,
                "weight": float(item.weight),
                "direction": item.direction,
                "description": item.description,
            }
            for item in sorted(weights.items.all(), key=lambda i: (-i.weight, i.indicator))
            if item.weight > Decimal("0")
        ],
    }


def normalise(values: dict[int, float], direction: str) -> dict[int, float]:
    """Min–max scores in [0, 1] for the boards that have a figure (1 for all when all are equal)."""
    if not values:
        return {}
    low, high = min(values.values()), max(values.values())
    if high == low:
        return {board: 1.0 for board in values}
    span = high - low
    if direction == Direction.LOWER:
        return {board: (high - x) / span for board, x in values.items()}
    return {board: (x - low) / span for board, x in values.items()}


def rank(rows: list[dict], weights: dict | None, *, period: str) -> dict:
    """The ranking of ``rows`` (the boards' rows of the figures) for ``period`` under ``weights``."""
    if not weights or not weights["items"]:
        return {"weights": weights, "rows": []}
    points: dict[int, float] = {row["id"]: 0.0 for row in rows}
    weight_used: dict[int, float] = {row["id"]: 0.0 for row in rows}
    parts: dict[int, dict] = {row["id"]: {} for row in rows}
    for item in weights["items"]:
        code, weight = item["code"], float(item["weight"])
        if weight <= 0:
            continue
        values = {
            row["id"]: float(row["values"][period][code])
            for row in rows
            if row["values"][period].get(code) is not None
        }
        for board, score in normalise(values, item["direction"]).items():
            points[board] += weight * score
            weight_used[board] += weight
            parts[board][code] = {"value": values[board], "normalised": round(score, 4)}
    scored = []
    for order, row in enumerate(rows):
        board = row["id"]
        total = round(100 * points[board] / weight_used[board], 2) if weight_used[board] else None
        scored.append((order, row, total))
    scored.sort(key=lambda t: (t[2] is None, -(t[2] or 0), t[0]))
    result: list[dict] = []
    previous: float | None = None
    rank_no = 0
    for position, (_order, row, final) in enumerate(scored, start=1):
        if final != previous:
            rank_no, previous = position, final
        result.append(
            {
                "board": row["id"],
                "name": row["name"],
                "score": final,
                "rank": rank_no if final is not None else None,
                "parts": parts[row["id"]],
            }
        )
    return {"weights": weights, "rows": result}


def highlights(rows: list[dict], weights: dict | None, *, period: str) -> list[dict]:
    """For each weighted indicator, the boards with the best and the worst figure (by its direction).

    An indicator where fewer than two boards have a figure, or where all are equal, has no highlight.
    """
    if not weights:
        return []
    found = []
    for item in weights["items"]:
        code = item["code"]
        if float(item["weight"]) <= 0:
            continue
        values = {row["name"]: row["values"][period].get(code) for row in rows}
        present = {name: v for name, v in values.items() if v is not None}
        if len(present) < 2 or len(set(present.values())) < 2:
            continue
        high, low = max(present.values()), min(present.values())
        best, worst = (low, high) if item["direction"] == Direction.LOWER else (high, low)
        found.append(
            {
                "code": code,
                "label": item["label"],
                "direction": item["direction"],
                "best": {"value": best, "boards": [n for n, v in present.items() if v == best]},
                "worst": {"value": worst, "boards": [n for n, v in present.items() if v == worst]},
            }
        )
    return found
