"""``zhifa bulletin YYYY-MM [--output FILE] [--xlsx FILE] [--user USERNAME]``: the month's bulletin."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from zhifa.bulletins import figures, services
from zhifa.core.audit import audit_context


class Command(BaseCommand):
    help = (
        "生成某月的执法工作通报草稿：计算全区及各板块数据与排名，经文书引擎生成 PDF 并写入文件，打印文件路径。"
        "已有草稿（或已审定）的重新生成；已发布的不能重新生成（退出码 2）。审定与发布由区局领导在网页或 API 中进行。"
    )

    def add_arguments(self, parser):
        parser.add_argument("month", help="月份，YYYY-MM，如 2026-11")
        parser.add_argument(
            "--output", help="PDF 写入的文件（默认 $ZHIFA_DATA_DIR/bulletins/bulletin-YYYY-MM.pdf）"
        )
        parser.add_argument("--xlsx", help="另将数据写入该 Excel 文件")
        parser.add_argument("--user", dest="username", help="以该账号的身份生成（默认为命令行操作员）")

    def handle(self, *args, month, output=None, xlsx=None, username=None, **options):
        try:
            first = figures.parse_month(month)
        except figures.FiguresError as exc:
            raise CommandError(f"月份：{exc}", returncode=2) from exc
        user = None
        if username:
            from zhifa.accounts.models import User

            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(f"--user：账号“{username}”不存在或已停用")
        with audit_context(user=user, source="cli"):
            try:
                bulletin = services.generate(first, user=user)
            except PermissionDenied as exc:
                raise CommandError(f"--user：账号“{username}”{exc}", returncode=2) from exc
            except services.BulletinRefused as exc:
                raise CommandError("；".join(exc.messages), returncode=2) from exc
        path = (
            Path(output) if output else Path(settings.DATA_DIR) / "bulletins" / f"bulletin-{first:%Y-%m}.pdf"
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(services.pdf_bytes(bulletin))
        if xlsx:
            from zhifa.bulletins.xlsx import workbook

            Path(xlsx).write_bytes(workbook(bulletin.figures))
        self.stderr.write(
            f"{bulletin}：第 {bulletin.version} 版，{bulletin.get_status_display()}，SHA-256 {bulletin.pdf_sha256}"
        )
        self.stdout.write(str(path.resolve()))
