from django.db import models
from django.utils.translation import gettext_lazy as _


class ChecklistStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    RETIRED = "retired", _("已停用")


class HazardLevel(models.TextChoices):
    GENERAL = "general", _("一般隐患")
    MAJOR = "major", _("重大隐患")


class ItemResult(models.TextChoices):
    BLANK = "", _("未检查")
    COMPLIANT = "compliant", _("符合")
    NON_COMPLIANT = "non_compliant", _("不符合")
    NOT_APPLICABLE = "na", _("不适用")


class InspectionOrigin(models.TextChoices):
    PLANNED = "planned", _("计划检查（双随机）")
    TARGETED = "targeted", _("重点检查")
    COMPLAINT = "complaint", _("投诉举报")
    FOLLOW_UP = "follow_up", _("跟踪检查")
    AD_HOC = "ad_hoc", _("日常检查")


class InspectionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SIGNED_OFF = "signed_off", _("已签署")


class OfficerBasis(models.TextChoices):
    """On what footing an officer takes part in an inspection in a board."""

    OWN_BOARD = "own_board", _("本板块")
    DISTRICT = "district", _("区执法大队")
    SECONDMENT = "secondment", _("派驻")
    PAIRING = "pairing", _("挂钩")
    CROSS = "cross", _("交叉执法")


class HazardStatus(models.TextChoices):
    PENDING = "pending", _("待整改")
    RECTIFYING = "rectifying", _("整改中")
    AWAITING_REVIEW = "awaiting_review", _("待复查")
    CLOSED = "closed", _("已销号")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("不予批准")


class ReviewOutcome(models.TextChoices):
    CLOSED = "closed", _("整改合格，予以销号")
    KEPT = "kept", _("未整改到位，继续整改")


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("照片")
    AUDIO = "audio", _("录音")
    VIDEO = "video", _("视频")
    DOCUMENT = "document", _("书证材料")


class CaseSourceStatus(models.TextChoices):
    QUEUED = "queued", _("待立案审查")
    ACCEPTED = "accepted", _("已立案")
    DISMISSED = "dismissed", _("不予立案")
