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
    # Security (等保 level 3): lockouts, sessions, second factor, tokens, personal data, administrators.
    LOCKOUT = "lockout", _("账号锁定")
    PASSWORD_CHANGE = "password_change", _("修改密码")
    SESSION_END = "session_end", _("结束会话")
    OTP = "otp", _("第二因素")
    REAUTH = "reauth", _("重新验证")
    TOKEN_REVOKE = "token_revoke", _("令牌作废")
    ROLE_CHANGE = "role_change", _("角色变更")
    DENIED = "denied", _("越权访问")
    UNMASK = "unmask", _("查看个人信息")
    BREAK_GLASS = "break_glass", _("应急账号")
    ANCHOR = "anchor", _("审计锚点")
    ARCHIVE = "archive", _("审计归档")
    BACKUP = "backup", _("备份")
    RESTORE = "restore", _("恢复")


class PeriodUnit(models.TextChoices):
    """How a statutory period is counted (行政处罚法 art. 85; 民法典 art. 200–203 for months)."""

    WORKING = "working", _("工作日")
    NATURAL = "natural", _("自然日")
    MONTHS = "months", _("月")
