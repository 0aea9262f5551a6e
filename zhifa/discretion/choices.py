from django.db import models
from django.utils.translation import gettext_lazy as _


class CatalogueStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    RETIRED = "retired", _("已撤销")


class Party(models.TextChoices):
    """Who the fine falls on: the unit (生产经营单位) or a person (主要负责人、直接责任人员等)."""

    UNIT = "unit", _("生产经营单位")
    PERSON = "person", _("个人")


class TierLevel(models.TextChoices):
    """裁量阶次, from the mildest to the heaviest (行政处罚法 art. 32–33; 应急〔2024〕90号)."""

    NO_PENALTY = "no_penalty", _("不予处罚")
    MITIGATED = "mitigated", _("减轻处罚")
    LENIENT = "lenient", _("从轻处罚")
    ORDINARY = "ordinary", _("一般处罚")
    SEVERE = "severe", _("从重处罚")


#: The order of the tiers on every page and in the engine's fallbacks.
TIER_RANK = {level: rank for rank, level in enumerate(TierLevel.values)}


class FactorKind(models.TextChoices):
    AGGRAVATING = "aggravating", _("从重情节")
    MITIGATING = "mitigating", _("从轻、减轻情节")
