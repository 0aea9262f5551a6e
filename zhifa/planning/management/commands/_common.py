"""What the ``plan`` and ``draw`` commands share: the acting user and the month argument."""

from __future__ import annotations

import re

from django.core.management.base import CommandError


def acting_user(username: str | None):
    from zhifa.accounts.models import User

    if not username:
        raise CommandError("请用 --user USERNAME 指定以哪个账号的身份执行（管辖范围与权限按该账号计算）")
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"--user：账号“{username}”不存在")
    if not user.is_active:
        raise CommandError(f"--user：账号“{username}”已停用")
    return user


def parse_month(value: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", value or "")
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise CommandError(f"--month：“{value}”应为 YYYY-MM，如 2026-12")
    return int(match.group(1)), int(match.group(2))


def messages_of(exc) -> str:
    return "；".join(getattr(exc, "messages", None) or [str(exc)])
