from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报批")
    APPROVED = "approved", _("已批准")
    SUPERSEDED = "superseded", _("已被新版本取代")


class PlanItemKind(models.TextChoices):
    KEY_SECTOR = "key_sector", _("重点行业领域")
    CAMPAIGN = "campaign", _("专项检查")


class DrawStatus(models.TextChoices):
    COMMITTED = "committed", _("已公布承诺值")
    DRAWN = "drawn", _("已抽取")
    SUPERSEDED = "superseded", _("已重新抽取（作废）")


class TaskKind(models.TextChoices):
    RANDOM = "random", _("双随机抽取")
    TARGETED = "targeted", _("定向检查")


class TargetedReason(models.TextChoices):
    """Why a targeted task exists; the inspection it opens carries the matching origin."""

    KEY_ENTERPRISE = "key_enterprise", _("重点企业")
    COMPLAINT = "complaint", _("投诉举报")
    FOLLOW_UP = "follow_up", _("跟踪复查")
    CAMPAIGN = "campaign", _("专项检查")
    OTHER = "other", _("其他")


class TaskStatus(models.TextChoices):
    PLANNED = "planned", _("待检查")
    IN_PROGRESS = "in_progress", _("检查中")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class SwapRole(models.TextChoices):
    OFFICER = "officer", _("执法人员")
    EXPERT = "expert", _("专家")


class SwapReason(models.TextChoices):
    ILLNESS = "illness", _("因病或其他原因不能参加")
    CONFLICT = "conflict", _("新发现的回避情形")
    CERTIFICATE = "certificate", _("执法证失效")
    OTHER = "other", _("其他")
