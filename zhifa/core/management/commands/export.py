"""``zhifa export KIND FILE --user USERNAME``: write the records a user may see to an .xlsx file."""

from __future__ import annotations

import os
from importlib import import_module

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from zhifa.core import importing
from zhifa.core.audit import audit_context


class Command(BaseCommand):
    help = (
        "把企业、人员或专家导出为 Excel（.xlsx）：KIND 为 enterprises | officers | experts。"
        "以 --user 指定的账号身份导出（只含其管辖范围内的记录），列与导入模板相同，可直接再导入。"
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", help="enterprises | officers | experts")
        parser.add_argument("file", help="要写入的 .xlsx 文件路径")
        parser.add_argument("--user", dest="username", help="以该账号的身份导出（必填）")
        parser.add_argument("--q", default="", help="按关键字筛选（同列表页的搜索框）")

    def handle(self, *args, kind, file, username=None, q="", **options):
        # "import" is a keyword: the sibling command's module is reached by name.
        resolve = import_module("zhifa.core.management.commands.import").resolve
        spec, user = resolve(kind, username)
        if not file.lower().endswith(".xlsx"):
            raise CommandError(f"FILE：“{file}”应以 .xlsx 结尾")
        directory = os.path.dirname(os.path.abspath(file))
        if not os.path.isdir(directory):
            raise CommandError(f"FILE：目录“{directory}”不存在")
        with audit_context(user=user, source="cli"):
            try:
                data, count = importing.export_xlsx(
                    spec, user, {"q": q} if q else {}, filename=os.path.basename(file)
                )
            except PermissionDenied as exc:
                raise CommandError(f"--user：账号“{user.username}”无权导出{spec.label}") from exc
        with open(file, "wb") as handle:
            handle.write(data)
        self.stdout.write(f"已导出{spec.label} {count} 条到 {file}")
