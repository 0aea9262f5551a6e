from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("新建")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    TRANSITION = "transition", _("流转")
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出")
    EXPORT = "export", _("导出")
    IMPORT = "import", _("导入")
    DOCUMENT_ISSUE = "document_issue", _("文书签发")
    TOKEN = "token", _("令牌签发")
    SYSTEM = "system", _("系统")


class PeriodUnit(models.TextChoices):
    """How a statutory period is counted (行政处罚法 art. 85; 民法典 art. 200–203 for months)."""

    WORKING = "working", _("工作日")
    NATURAL = "natural", _("自然日")
    MONTHS = "months", _("月")
