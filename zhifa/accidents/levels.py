"""The level of an accident from its deaths, serious injuries and direct loss (条例 第三条).

Each measure reaches a level when it is at least that level's threshold (以上 includes the figure,
以下 excludes it); the highest level reached by any measure applies. The thresholds are rows of
``LevelThreshold``, seeded by migration with the regulation's figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from zhifa.accidents.choices import LEVELS_ASCENDING, AccidentLevel, Measure

#: {level: {measure: least figure}}
Thresholds = Mapping[str, Mapping[str, Decimal]]


def load_thresholds() -> dict[str, dict[str, Decimal]]:
    """The thresholds in force, in one query."""
    from zhifa.accidents.models import LevelThreshold  # the model module calls accident_level

    table: dict[str, dict[str, Decimal]] = {}
    for level, measure, minimum in LevelThreshold.objects.values_list("level", "measure", "minimum"):
        table.setdefault(level, {})[measure] = minimum
    return table


def accident_level(
    deaths: int, serious_injuries: int, loss: Decimal | int, *, thresholds: Thresholds | None = None
) -> AccidentLevel:
    """The level of an accident. ``thresholds`` may be passed when many accidents are levelled at once."""
    table = load_thresholds() if thresholds is None else thresholds
    figures = {
        Measure.DEATHS: Decimal(deaths or 0),
        Measure.SERIOUS_INJURIES: Decimal(serious_injuries or 0),
        Measure.DIRECT_LOSS: Decimal(loss or 0),
    }
    for level in reversed(LEVELS_ASCENDING):
        minima = table.get(level, {})
        if any(figures[Measure(measure)] >= minimum for measure, minimum in minima.items()):
            return level
    return AccidentLevel.GENERAL
