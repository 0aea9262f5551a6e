from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionKind(models.TextChoices):
    DISTRICT = "district", _("区")
    TOWN = "town", _("镇")
    STREET = "street", _("街道")
    ZONE = "zone", _("开发区")


class PenaltyAuthority(models.TextChoices):
    """Whose name a penalty decision of the board bears (REFERENCE §2)."""

    DISTRICT = "district", _("区应急管理局（板块承办）")
    OWN = "own", _("本板块（依赋权清单以自己名义）")


class Post(models.TextChoices):
    BOARD_LEADER = "board_leader", _("分管领导")
    BOARD_OFFICER = "board_officer", _("在编执法人员")
    SAFETY_MANAGER = "safety_manager", _("专职安管员")
    BUREAU_LEADER = "bureau_leader", _("局领导")
    BRIGADE_CAPTAIN = "brigade_captain", _("大队长")
    BRIGADE_VICE_CAPTAIN = "brigade_vice_captain", _("副大队长")
    BRIGADE_OFFICER = "brigade_officer", _("大队执法队员")
    LEGAL_REVIEWER = "legal_reviewer", _("法制审核员")


BOARD_POSTS = {Post.BOARD_LEADER, Post.BOARD_OFFICER, Post.SAFETY_MANAGER}
#: The "1+3+6" staffing of a board: posts and their target numbers.
STAFFING_TARGET = {Post.BOARD_LEADER: 1, Post.BOARD_OFFICER: 3, Post.SAFETY_MANAGER: 6}


class Employment(models.TextChoices):
    STAFFED = "staffed", _("在编")
    AUXILIARY = "auxiliary", _("辅助人员")


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("有效")
    SUSPENDED = "suspended", _("暂扣")
    REVOKED = "revoked", _("吊销")


class CertificateLevel(models.TextChoices):
    DISTRICT = "district", _("区级")
    CITY = "city", _("市级")
    PROVINCE = "province", _("省级")


class EquipmentKind(models.TextChoices):
    RECORDER = "recorder", _("执法记录仪")
    VEHICLE = "vehicle", _("执法车辆")
    DETECTOR = "detector", _("检测仪器")
    TERMINAL = "terminal", _("移动执法终端")
    OTHER = "other", _("其他")


class EquipmentStatus(models.TextChoices):
    IN_USE = "in_use", _("在用")
    SPARE = "spare", _("备用")
    REPAIR = "repair", _("维修")
    RETIRED = "retired", _("报废")
