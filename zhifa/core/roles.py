"""The roles of the platform (one per account) and which of them see the whole district."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DISTRICT_LEADER = "district_leader", _("区局领导")
    BRIGADE_OFFICER = "brigade_officer", _("执法大队队员")
    LEGAL_REVIEWER = "legal_reviewer", _("法制审核员")
    BOARD_LEADER = "board_leader", _("板块分管领导")
    BOARD_OFFICER = "board_officer", _("板块执法人员")
    SAFETY_MANAGER = "safety_manager", _("专职安管员")
    EXPERT = "expert", _("专家")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")


#: Roles whose jurisdiction is the whole district.
DISTRICT_ROLES = frozenset({Role.DISTRICT_LEADER, Role.BRIGADE_OFFICER, Role.LEGAL_REVIEWER})
#: Roles bound to one board (plus boards of secondment for the period).
BOARD_ROLES = frozenset({Role.BOARD_LEADER, Role.BOARD_OFFICER, Role.SAFETY_MANAGER})
#: The three separated administrators (三员): none of them handles enforcement records.
ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
BUSINESS_ROLES = DISTRICT_ROLES | BOARD_ROLES
