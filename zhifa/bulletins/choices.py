"""Named states of a monthly bulletin and the vocabulary of its ranking."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BulletinStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("已审定")
    PUBLISHED = "published", _("已发布")


class Direction(models.TextChoices):
    """Which way an indicator is better: more inspections is better, more overdue hazards is worse."""

    HIGHER = "higher", _("越高越好")
    LOWER = "lower", _("越低越好")


class RankingIndicator(models.TextChoices):
    """The indicators a ranking may weigh (each is computed per board by ``zhifa.bulletins.figures``)."""

    PLAN_COMPLETION = "plan_completion", _("计划完成率")
    INSPECTIONS = "inspections", _("现场检查次数")
    TWO_PLUS_ONE = "two_plus_one", _("“2+1”检查次数")
    CROSS = "cross", _("交叉执法检查次数")
    HAZARDS = "hazards", _("发现隐患数")
    HAZARDS_MAJOR = "hazards_major", _("发现重大隐患数")
    HAZARDS_RECTIFIED = "hazards_rectified", _("整改销号隐患数")
    HAZARDS_OVERDUE = "hazards_overdue", _("逾期未整改隐患数")
    CASES_REGISTERED = "cases_registered", _("立案数")
    CASES_DECIDED = "cases_decided", _("作出处罚决定数")
    FINES_DECIDED = "fines_decided", _("决定罚款金额")
    FINES_COLLECTED = "fines_collected", _("收缴罚款金额")
    FIRST_PASS_RATE = "first_pass_rate", _("法制审核一次通过率")
    CASE_SCORE = "case_score", _("案卷评查平均分")
    TRAINING_HOURS = "training_hours", _("培训学时")
    ACCIDENTS = "accidents", _("生产安全事故起数")
    DEATHS = "deaths", _("事故死亡人数")
