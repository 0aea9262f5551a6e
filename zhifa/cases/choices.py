"""Named states and kinds of penalty cases (行政处罚案件)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    DRAFT = "draft", _("待提交立案")
    REGISTRATION_REVIEW = "registration_review", _("立案审核中")
    REGISTRATION_APPROVAL = "registration_approval", _("立案审批中")
    INVESTIGATING = "investigating", _("调查取证")
    HANDLING_APPROVAL = "handling_approval", _("案件处理审批中")
    LEGAL_REVIEW = "legal_review", _("法制审核中")
    COLLECTIVE_DISCUSSION = "collective_discussion", _("待集体讨论")
    REVIEWED = "reviewed", _("审核通过，待告知或决定")
    NOTIFIED = "notified", _("已告知，陈述申辩期")
    HEARING = "hearing", _("听证程序")
    DECIDED = "decided", _("已作出决定，待送达")
    EXECUTING = "executing", _("执行中")
    ENFORCEMENT = "enforcement", _("申请法院强制执行中")
    EXECUTED = "executed", _("执行完毕，待结案")
    CLOSED = "closed", _("已结案")
    ARCHIVED = "archived", _("已归档")
    NOT_REGISTERED = "not_registered", _("不予立案")
    REVOKED = "revoked", _("已撤销")
    TRANSFERRED = "transferred", _("已移送")


#: States in which the case is finished: nothing but reading (and, for closed cases, archiving).
TERMINAL = frozenset(
    {CaseStatus.ARCHIVED, CaseStatus.NOT_REGISTERED, CaseStatus.REVOKED, CaseStatus.TRANSFERRED}
)
#: States in which the case is open (the 90-day decision period runs until a decision).
BEFORE_DECISION = frozenset(
    {
        CaseStatus.INVESTIGATING,
        CaseStatus.HANDLING_APPROVAL,
        CaseStatus.LEGAL_REVIEW,
        CaseStatus.COLLECTIVE_DISCUSSION,
        CaseStatus.REVIEWED,
        CaseStatus.NOTIFIED,
        CaseStatus.HEARING,
    }
)


class Procedure(models.TextChoices):
    GENERAL = "general", _("普通程序")
    SIMPLE = "simple", _("简易程序（当场处罚）")


class SourceKind(models.TextChoices):
    INSPECTION = "inspection", _("监督检查发现")
    HAZARD = "hazard", _("隐患整改不到位")
    COMPLAINT = "complaint", _("投诉举报")
    REFERRAL = "referral", _("其他机关移送")
    ACCIDENT = "accident", _("事故调查")
    ASSIGNED = "assigned", _("上级交办")
    OTHER = "other", _("其他")


class PartyKind(models.TextChoices):
    UNIT = "unit", _("单位")
    PERSON = "person", _("个人")


class PenaltyKind(models.TextChoices):
    """行政处罚法 art. 9 and 安全生产法: the kinds a decision may carry."""

    WARNING = "warning", _("警告")
    FINE = "fine", _("罚款")
    CONFISCATE_GAINS = "confiscate_gains", _("没收违法所得")
    CONFISCATE_PROPERTY = "confiscate_property", _("没收非法财物")
    SUSPEND = "suspend", _("责令停产停业整顿")
    REVOKE_PERMIT = "revoke_permit", _("暂扣或者吊销许可证件")
    RESTRICT = "restrict", _("限制从业")


class DecisionKind(models.TextChoices):
    PENALTY = "penalty", _("给予行政处罚")
    NO_PENALTY = "no_penalty", _("不予行政处罚")


class Opinion(models.TextChoices):
    AGREE = "agree", _("同意")
    DISAGREE = "disagree", _("不同意")


class ReviewOutcome(models.TextChoices):
    """法制审核意见 (the reviewer's three answers)."""

    APPROVE = "approve", _("同意")
    SUPPLEMENT = "supplement", _("补充材料")
    REJECT = "reject", _("不同意")


class ReviewItem(models.TextChoices):
    """What the legal reviewer checks (行政处罚法 art. 58 and the 法制审核 rules)."""

    AUTHORITY = "authority", _("执法主体是否合法")
    QUALIFICATION = "qualification", _("执法人员是否具备执法资格")
    FACTS = "facts", _("案件事实是否清楚")
    EVIDENCE = "evidence", _("证据是否确凿充分")
    LAW = "law", _("适用法律依据是否准确")
    DISCRETION = "discretion", _("行政裁量是否适当")
    PROCEDURE = "procedure", _("程序是否合法")
    DOCUMENTS = "documents", _("执法文书是否规范完备")
    JURISDICTION = "jurisdiction", _("是否超越管辖权限")
    TRANSFER = "transfer", _("是否涉嫌犯罪需移送司法机关")


class PaymentKind(models.TextChoices):
    FINE = "fine", _("罚款")
    SURCHARGE = "surcharge", _("加处罚款")


class PreservationOutcome(models.TextChoices):
    RETURN = "return", _("解除登记保存，退还")
    CONFISCATE = "confiscate", _("依法予以没收")
    TRANSFER = "transfer", _("移送有关机关处理")
    INSPECT = "inspect", _("送检、鉴定")


class RecordKind(models.TextChoices):
    """Investigation records that become documents of the case file."""

    INQUIRY_NOTICE = "inquiry_notice", _("询问通知书")
    INQUIRY = "inquiry", _("询问笔录")
    SCENE = "scene", _("勘验笔录")
    SAMPLING = "sampling", _("抽样取证凭证")
    STATEMENT = "statement", _("当事人陈述申辩笔录")
