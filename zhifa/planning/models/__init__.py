"""Planning: the configurable frequency table, the annual plan, draws and the tasks they make."""

from zhifa.planning.models.draws import Draw, DrawAssignment
from zhifa.planning.models.plans import AnnualPlan, PlanBoardMonth, PlanEvent, PlanItem
from zhifa.planning.models.rules import FrequencyRule, FrequencyRuleSet, InspectionCap
from zhifa.planning.models.tasks import OfficerConflict, Task, TaskEvent, TaskSwap

__all__ = [
    "AnnualPlan",
    "Draw",
    "DrawAssignment",
    "FrequencyRule",
    "FrequencyRuleSet",
    "InspectionCap",
    "OfficerConflict",
    "PlanBoardMonth",
    "PlanEvent",
    "PlanItem",
    "Task",
    "TaskEvent",
    "TaskSwap",
]
