from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    INDUSTRY_TRADE = "industry_trade", _("工贸")
    HAZARDOUS_CHEMICALS = "hazardous_chemicals", _("危险化学品")
    FIREWORKS = "fireworks", _("烟花爆竹")
    MINING = "mining", _("金属非金属矿山")
    COMMERCE = "commerce", _("商贸")
    OTHER = "other", _("其他")


class Scale(models.TextChoices):
    LARGE = "large", _("大型")
    MEDIUM = "medium", _("中型")
    SMALL = "small", _("小型")
    MICRO = "micro", _("微型")


class MajorHazardLevel(models.TextChoices):
    NONE = "none", _("无")
    LEVEL_1 = "1", _("一级")
    LEVEL_2 = "2", _("二级")
    LEVEL_3 = "3", _("三级")
    LEVEL_4 = "4", _("四级")


class StandardizationGrade(models.TextChoices):
    GRADE_1 = "1", _("一级")
    GRADE_2 = "2", _("二级")
    GRADE_3 = "3", _("三级")
    UNRATED = "unrated", _("未定级")


class OperatingStatus(models.TextChoices):
    OPERATING = "operating", _("在营")
    SUSPENDED = "suspended", _("停产")
    CLOSED = "closed", _("关闭")
    DEREGISTERED = "deregistered", _("注销")


class EnforcementClass(models.TextChoices):
    A = "A", _("A 类（重点）")
    B = "B", _("B 类")
    C = "C", _("C 类")
    D = "D", _("D 类（一般）")


class ClassificationSource(models.TextChoices):
    RULE = "rule", _("规则自动分类")
    OVERRIDE = "override", _("人工调整")
