"""Accident levels, categories and the measures that decide a level (生产安全事故报告和调查处理条例)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccidentLevel(models.TextChoices):
    """The four levels of 条例 第三条, lowest first (``RANK`` orders them)."""

    GENERAL = "general", _("一般事故")
    LARGER = "larger", _("较大事故")
    MAJOR = "major", _("重大事故")
    GRAVE = "grave", _("特别重大事故")


#: Levels from lowest to highest: "the highest level reached by any measure applies".
LEVELS_ASCENDING: tuple[AccidentLevel, ...] = (
    AccidentLevel.GENERAL,
    AccidentLevel.LARGER,
    AccidentLevel.MAJOR,
    AccidentLevel.GRAVE,
)
RANK = {level: n for n, level in enumerate(LEVELS_ASCENDING)}


class Measure(models.TextChoices):
    """What a level threshold counts."""

    DEATHS = "deaths", _("死亡人数")
    SERIOUS_INJURIES = "serious_injuries", _("重伤人数（含急性工业中毒）")
    DIRECT_LOSS = "direct_loss", _("直接经济损失（元）")


class AccidentCategory(models.TextChoices):
    """The 工矿商贸 breakdown of the accident statistics."""

    COAL = "coal", _("煤矿")
    MINE = "mine", _("金属非金属矿山")
    CHEMICAL = "chemical", _("化工")
    FIREWORKS = "fireworks", _("烟花爆竹")
    INDUSTRY_TRADE = "industry_trade", _("工贸")
    OTHER = "other", _("其他")


class DeadlineState(models.TextChoices):
    DONE = "done", _("已按时完成")
    DONE_LATE = "done_late", _("逾期完成")
    OPEN = "open", _("未到期")
    OVERDUE = "overdue", _("已逾期")
