import sys

from django.core.management.base import BaseCommand

from zhifa.core import audit
from zhifa.core.models import AuditEntry


class Command(BaseCommand):
    help = "全过程记录（审计日志）：verify 重新计算哈希链，发现篡改时以非零状态退出并指出第一条异常记录。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="校验审计日志哈希链")
        head = sub.add_parser("head", help="显示哈希链的最新一条")
        head.add_argument("--json", action="store_true")

    def handle(self, *args, action, **options):
        if action == "verify":
            result = audit.verify()
            if result.ok:
                self.stdout.write(f"审计日志校验通过：共 {result.checked} 条，哈希链完整。")
                return
            self.stderr.write(
                f"审计日志校验失败：记录 #{result.bad_id} 异常（{result.reason}）；此前 {result.checked} 条正常。"
            )
            sys.exit(1)
        if action == "head":
            row = AuditEntry.objects.order_by("-id").first()
            if row is None:
                self.stdout.write("审计日志为空。")
                return
            self.stdout.write(f"#{row.pk} {row.occurred_local} {row.algorithm} {row.hash}")
