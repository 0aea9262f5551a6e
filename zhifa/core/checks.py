"""System checks (``zhifa check``, ``zhifa check --deploy``) for the security settings of 等保 level 3.

- No everyday superuser: an account other than the single break-glass account marked superuser is an
  error (the pre-save rule in ``zhifa.accounts.breakglass`` refuses new ones; this finds rows written
  around it, e.g. by SQL), and so is a second break-glass account.
- The break-glass account still active after its window is a warning (its next request ends it).
- With ``--deploy``: the content security policy allows no inline or evaluated script.

Importing this module also loads the break-glass rules (its signal receivers).
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError

from zhifa.accounts import breakglass  # noqa: F401  (registers the pre-save rule and the sign-in record)


@register(Tags.security)
def no_everyday_superuser(app_configs=None, **kwargs):
    from zhifa.accounts.models import User

    try:
        superusers = list(
            User.objects.filter(is_superuser=True, is_break_glass=False).values_list("username", flat=True)[
                :20
            ]
        )
        break_glass = list(User.objects.filter(is_break_glass=True).values_list("username", flat=True)[:5])
        active = User.objects.filter(is_break_glass=True, is_active=True).first()
        stale = active is not None and breakglass.window_until(active) is None
    except DatabaseError:  # not migrated yet: nothing to check
        return []
    errors = []
    if superusers:
        errors.append(
            Error(
                f"不设日常超级用户，但以下账号被设为超级用户：{', '.join(superusers)}",
                hint="权限来自角色：请取消这些账号的超级用户标志；紧急情况使用 zhifa breakglass enable。",
                id="zhifa.E001",
            )
        )
    if len(break_glass) > 1:
        errors.append(
            Error(
                f"应急账号只能有一个，现有：{', '.join(break_glass)}",
                hint="保留 ZHIFA_BREAK_GLASS_USERNAME 所指的账号，其余取消应急标志并停用。",
                id="zhifa.E002",
            )
        )
    if stale:
        errors.append(
            Warning(
                f"应急账号 {active.username} 已过启用期但仍为启用状态",
                hint="运行 zhifa breakglass disable（它的下一次请求也会自动停用它）。",
                id="zhifa.W001",
            )
        )
    return errors


@register(Tags.security, deploy=True)
def content_security_policy(app_configs=None, **kwargs):
    directives = (getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}).get("DIRECTIVES") or {}
    script = directives.get("script-src") or directives.get("default-src") or []
    if not directives:
        return [Error("未设置内容安全策略（CONTENT_SECURITY_POLICY）", id="zhifa.E003")]
    if any(source in ("'unsafe-inline'", "'unsafe-eval'", "*") for source in script):
        return [
            Error(
                "内容安全策略允许内联或动态执行的脚本（script-src 含 'unsafe-inline'、'unsafe-eval' 或 *）",
                id="zhifa.E004",
            )
        ]
    return []
