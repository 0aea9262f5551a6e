"""``zhifa restore PATH [--yes] [--ignore-key] [--public-key FILE]… [--user USERNAME]``: check, then restore.

Stop the Zhifa service first. Nothing changes until every member has been checked against the
manifest; the current state is then backed up into DATA_DIR/backups/ before it is replaced.
"""

from __future__ import annotations

import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from zhifa.core import backup
from zhifa.core.audit import audit_context


class Command(BaseCommand):
    help = (
        "恢复：校验备份文件（清单的签名，每个成员的 SHA-256、路径、数据库类型、迁移状态、加密密钥指纹），"
        "确认后先备份当前状态到数据目录的 backups/，再恢复数据库和文件，最后校验审计链。请先停止 Zhifa 服务。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="zhifa backup 写出的备份文件")
        parser.add_argument("--yes", action="store_true", help="不再询问，直接恢复")
        parser.add_argument(
            "--ignore-key",
            action="store_true",
            help="加密密钥指纹与备份时不同也恢复（加密的个人信息将无法解密）",
        )
        parser.add_argument(
            "--public-key",
            metavar="FILE",
            action="append",
            default=[],
            help="核对清单签名用的审计公钥（PEM，zhifa audit public-key 的输出；可多次给出）；"
            "默认用本机的审计签名密钥。在另一台机器上恢复时使用",
        )
        parser.add_argument("--user", dest="username", help="记为恢复人的账号（可选）")

    def _confirm(self, manifest) -> bool:
        if self.assume_yes:
            return True
        if not sys.stdin.isatty():
            raise CommandError("恢复会替换当前的数据库和文件：非交互运行时请加 --yes 确认。")
        self.stdout.write(
            f"将用 {manifest.get('created_beijing')}（北京时间）的备份替换当前的数据库和文件，"
            "此后的改动只保留在恢复前自动写出的备份中。"
        )
        answer = input("确认恢复请输入 yes：").strip().lower()
        if answer != "yes":
            self.stdout.write("已取消，未做任何改动。")
            return False
        return True

    def handle(self, *args, path, yes=False, ignore_key=False, public_key=(), username=None, **options):
        self.assume_yes = yes
        user = None
        if username:
            user = get_user_model().objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(f"--user：账号“{username}”不存在或已停用")
        try:
            with audit_context(user=user, source="cli"):
                result = backup.restore_backup(
                    path,
                    confirm=self._confirm,
                    ignore_key=ignore_key,
                    public_key_files=public_key or (),
                    user=user,
                    log=self.stdout.write,
                )
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        if result is None:
            return
        self.stdout.write(
            f"恢复完成：写入 {result.files_written} 个文件，移除备份后新增的 {result.files_removed} 个文件；"
            f"恢复前的状态在 {result.safety_backup}。"
        )
        if result.migrated:
            self.stdout.write("备份的数据库结构较旧，已运行 migrate。")
        if result.verify_report:
            self.stdout.write(result.verify_report)
        self.stdout.write("请重新启动 Zhifa 服务（进程内的缓存须重新加载）。")
        if not result.verify_ok:
            raise CommandError("恢复后的审计链校验未通过（见上）：请核查后再启用服务。", returncode=2)
