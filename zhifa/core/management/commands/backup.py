"""``zhifa backup PATH [--include-keys] [--user USERNAME]``: one archive of the database and the data files.

See zhifa.core.backup for what goes in and docs/operations.md (备份与恢复) for the schedule.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from zhifa.core import backup
from zhifa.core.audit import audit_context


class Command(BaseCommand):
    help = (
        "备份：把数据库（一致的导出）、数据目录下的文件和含 SHA-256 的清单写成一个压缩包，可在服务运行时进行。"
        "PATH 为目录时自动取带时间的文件名；不会覆盖已有文件。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="备份文件名或已存在的目录")
        parser.add_argument(
            "--include-keys",
            action="store_true",
            help="同时备份密钥（secret_key、keys/）；这样的备份须加密保存",
        )
        parser.add_argument("--user", dest="username", help="记为备份人的账号（可选）")

    def handle(self, *args, path, include_keys=False, username=None, **options):
        user = None
        if username:
            user = get_user_model().objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(f"--user：账号“{username}”不存在或已停用")
        if include_keys:
            self.stderr.write(self.style.WARNING(backup.KEYS_WARNING))
        try:
            with audit_context(user=user, source="cli"):
                result = backup.create_backup(path, include_keys=include_keys, user=user)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        head = result.manifest.get("audit_head") or {}
        self.stdout.write(f"备份完成：{result.path}")
        self.stdout.write(f"  SHA-256：{result.sha256}")
        self.stdout.write(
            f"  成员 {len(result.manifest['members'])} 个；数据库 {result.manifest['database']['vendor']}；"
            f"审计链最新记录 #{head.get('id', '—')} {head.get('hash', '')}（链长 {head.get('count', 0)} 条）"
        )
        self.stdout.write(
            f"  清单签名：{result.manifest['signature_algorithm']}，审计签名密钥 {result.manifest['key_id']}"
            "（在别的机器上恢复时用 zhifa restore --public-key 给出该密钥的公钥）"
        )
        for line in result.skipped:
            self.stderr.write(self.style.WARNING(f"  未备份：{line}"))
        if include_keys:
            self.stderr.write(self.style.WARNING(backup.KEYS_WARNING))
