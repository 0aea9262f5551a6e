"""``zhifa import KIND FILE --user USERNAME [--valid-rows]``: import an Excel workbook as a user."""

from __future__ import annotations

import os

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from zhifa.core import importing
from zhifa.core.audit import audit_context


def resolve(kind: str, username: str | None):
    """The spec and the acting user, or a CommandError naming the bad argument (shared with export)."""
    from zhifa.accounts.models import User

    if kind not in importing.SPECS:
        raise CommandError(f"未知的 KIND“{kind}”：应为 {' | '.join(importing.SPECS)} 之一")
    if not username:
        raise CommandError("请用 --user USERNAME 指定以哪个账号的身份执行（管辖范围与权限按该账号计算）")
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"--user：账号“{username}”不存在")
    if not user.is_active:
        raise CommandError(f"--user：账号“{username}”已停用")
    return importing.get_spec(kind), user


class Command(BaseCommand):
    help = (
        "从 Excel（.xlsx）导入企业、人员或专家：KIND 为 enterprises | officers | experts。"
        "以 --user 指定的账号身份导入（按其权限和管辖范围）；默认任一行有误则全部不导入，"
        "加 --valid-rows 只导入无误的行。因错误未导入任何数据时以非零状态退出。"
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", help="enterprises | officers | experts")
        parser.add_argument("file", help=".xlsx 文件路径")
        parser.add_argument("--user", dest="username", help="以该账号的身份导入（必填）")
        parser.add_argument(
            "--valid-rows", action="store_true", help="只导入无误的行（默认：任一行有误则全部不导入）"
        )

    def handle(self, *args, kind, file, username=None, valid_rows=False, **options):
        spec, user = resolve(kind, username)
        if not os.path.isfile(file):
            raise CommandError(f"FILE：文件“{file}”不存在或不是文件")
        with audit_context(user=user, source="cli"):
            try:
                result = importing.run_import(spec, file, user=user, valid_rows=valid_rows)
            except PermissionDenied as exc:
                raise CommandError(f"--user：账号“{user.username}”无权导入{spec.label}") from exc
        for error in result.errors:
            self.stdout.write(str(error))
        for warning in result.warnings:
            self.stdout.write(warning)
        if result.failed:
            raise CommandError(result.summary(), returncode=1)
        self.stdout.write(result.summary())
