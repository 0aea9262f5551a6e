"""``zhifa audit``: verify, anchor, archive the full-process record; print the head and the public key.

Exit status: 0 done (warnings go to stderr), 1 the chain, an anchor or an archive is broken (the first
bad one is named), 2 bad input (a date, a key file, an unwritable destination, a refused cut).
"""

import datetime as dt
import json as jsonlib
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from zhifa.core import audit, crypto
from zhifa.core.choices import AuditAction
from zhifa.core.models import AuditEntry


class Command(BaseCommand):
    help = (
        "全过程记录（审计日志）：verify 校验哈希链、锚定与归档；anchor 把签名的链头写到数据库之外；"
        "archive 把超过保存期限的记录移入签名的归档文件；public-key 输出验签公钥；head 显示最新一条。"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="校验审计日志哈希链，并与锚定、归档核对")
        verify.add_argument(
            "--anchors",
            metavar="PATH",
            help="锚定文件（默认 ZHIFA_AUDIT_ANCHOR_FILE）；也可以是含锚定的 syslog 文件",
        )
        verify.add_argument(
            "--public-key",
            metavar="FILE",
            action="append",
            help="自备的验签公钥（PEM，可多次给出以包含旧密钥）；默认用服务器自己的密钥",
        )
        verify.add_argument("--archives", metavar="DIR", help="同时逐条核对该目录中的归档文件")
        anchor = sub.add_parser("anchor", help="签名并写出哈希链头（锚定）")
        anchor.add_argument("--file", metavar="PATH", help="锚定文件（默认 ZHIFA_AUDIT_ANCHOR_FILE）")
        anchor.add_argument("--syslog", action="store_true", help="发送到 syslog（ZHIFA_AUDIT_SYSLOG）")
        archive = sub.add_parser("archive", help="归档超过保存期限（至少 184 天）的记录")
        archive.add_argument("--before", metavar="YYYY-MM-DD", help="只归档该日（北京时间）之前的记录")
        archive.add_argument("--to", metavar="DIR", required=True, help="归档文件写入的目录")
        sub.add_parser("public-key", help="输出审计签名的公钥（PEM），交给核验方保存")
        head = sub.add_parser("head", help="显示哈希链的最新一条")
        head.add_argument("--json", action="store_true")

    def handle(self, *args, action, **options):
        try:
            with audit.audit_context(source="cli"):
                getattr(self, f"do_{action.replace('-', '_')}")(**options)
        except (crypto.SigningKeyError, audit.AnchorError, audit.ArchiveError) as exc:
            self.stderr.write(str(exc))
            sys.exit(2)

    def do_verify(self, anchors=None, public_key=None, archives=None, **options):
        keys = []
        for name in public_key or ():
            try:
                text = Path(name).read_text(encoding="utf-8")
            except (OSError, UnicodeError) as exc:
                raise crypto.SigningKeyError(f"--public-key {name} 无法读取：{exc}") from exc
            keys.append(crypto.load_public_key(text, f"--public-key {name}"))
        if archives is not None and not Path(archives).is_dir():
            raise audit.ArchiveError(f"--archives {archives} 不是目录")
        anchor_file = Path(anchors) if anchors else settings.ZHIFA_AUDIT_ANCHOR_FILE
        result = audit.verify(anchor_file=anchor_file, public_keys=keys, archives_dir=archives)
        for warning in result.warnings:
            self.stderr.write(f"警告：{warning}")
        if not result.ok:
            where = f"记录 #{result.bad_id}：" if result.bad_id is not None else ""
            self.stderr.write(f"审计日志校验失败：{where}{result.reason}（此前 {result.checked} 条正常）。")
            sys.exit(1)
        archived = (
            f"；另有 {result.archived} 条在 {result.checkpoints} 个归档中"
            f"{f'，已核对 {result.archive_files} 个归档文件' if result.archive_files else ''}"
            if result.checkpoints
            else ""
        )
        anchored = f"与 {result.anchors} 个锚定一致" if result.anchors else "未核对锚定"
        self.stdout.write(f"审计日志校验通过：共 {result.checked} 条，哈希链完整{archived}；{anchored}。")

    def do_anchor(self, file=None, syslog=False, **options):
        anchor = audit.make_anchor()
        destinations = []
        if file or not syslog:
            path = Path(file) if file else settings.ZHIFA_AUDIT_ANCHOR_FILE
            audit.append_anchor_file(path, anchor)
            destinations.append(str(path))
        if syslog:
            audit.send_anchor_syslog(
                anchor, settings.ZHIFA_AUDIT_SYSLOG, settings.ZHIFA_AUDIT_SYSLOG_FACILITY
            )
            destinations.append(f"syslog {settings.ZHIFA_AUDIT_SYSLOG}")
        audit.record(
            AuditAction.ANCHOR,
            object_type="core.auditentry",
            object_id=str(anchor["last_id"]),
            message=(
                f"锚定哈希链头 #{anchor['last_id']}（链长 {anchor['count']} 条，{anchor['chain_algorithm']} "
                f"{anchor['last_hash']}），{anchor['signature_algorithm']} 签名（密钥 {anchor['key_id']}），"
                f"写入 {'、'.join(destinations)}"
            ),
        )
        self.stdout.write(
            f"已锚定 #{anchor['last_id']}（链长 {anchor['count']} 条，{anchor['anchored_local']} 北京时间）"
            f"至 {'、'.join(destinations)}。"
        )

    def do_archive(self, before=None, to=None, **options):
        day = None
        if before:
            try:
                day = dt.date.fromisoformat(before)
            except ValueError:
                raise audit.ArchiveError(f"--before {before!r} 不是日期（应为 YYYY-MM-DD）") from None
        result = audit.archive(Path(to), day)
        if not result.count:
            self.stdout.write(f"没有早于 {audit.local_time(result.cut)}（北京时间）的记录，无需归档。")
            return
        cp = result.checkpoint
        self.stdout.write(
            f"已归档 #{cp.first_id}–#{cp.last_id} 共 {cp.count} 条至 {result.path}"
            f"（清单 {result.manifest_path.name}，SHA-256 {cp.file_sha256}）。"
        )

    def do_public_key(self, **options):
        self.stdout.write(crypto.public_key_pem().rstrip())

    def do_head(self, json=False, **options):
        row = AuditEntry.objects.order_by("-id").first()
        if row is None:
            self.stdout.write("审计日志为空。")
            return
        if json:
            head = {
                "id": row.pk,
                "occurred_at": row.occurred_at.isoformat(),
                "occurred_local": row.occurred_local,
                "algorithm": row.algorithm,
                "hash": row.hash,
            }
            self.stdout.write(jsonlib.dumps(head, ensure_ascii=False))
            return
        self.stdout.write(f"#{row.pk} {row.occurred_local} {row.algorithm} {row.hash}")
