"""Named states and kinds of case-file reviews (案卷评审) and contests (案卷评比)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoundKind(models.TextChoices):
    REVIEW = "review", _("案卷评审")
    CONTEST = "contest", _("案卷评比")


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SAMPLED = "sampled", _("已抽取案卷")
    SCORING = "scoring", _("评分中")
    FINISHED = "finished", _("已结束")


class RubricStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class ItemKind(models.TextChoices):
    """否决项 fail a file outright; 形式 and 内容 items carry points (20 + 80 in the seeded example)."""

    VETO = "veto", _("否决项")
    FORM = "form", _("案卷形式")
    CONTENT = "content", _("案卷内容")


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", _("待评分")
    SUBMITTED = "submitted", _("已评分")


class Award(models.TextChoices):
    FIRST = "first", _("一等奖")
    SECOND = "second", _("二等奖")
    THIRD = "third", _("三等奖")


class FindingCode(models.TextChoices):
    """What the automatic pre-check reports before a reviewer scores a file."""

    MISSING_DOCUMENT = "missing_document", _("缺少文书")
    DEADLINE_MISSED = "deadline_missed", _("超过办案期限完成")
    DEADLINE_RUNNING = "deadline_running", _("期限已过仍未完成")
    CERTIFICATE = "certificate", _("执法证无效")
    UNSIGNED = "unsigned", _("文书未签名")
    FINE_RANGE = "fine_range", _("罚款不在裁量范围")
    LEGAL_REVIEW = "legal_review", _("未经法制审核同意")
