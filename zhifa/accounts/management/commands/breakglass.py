"""zhifa breakglass enable|disable|status — the break-glass account, from the server's command line only."""

import getpass

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from zhifa.accounts import breakglass
from zhifa.core.audit import audit_context


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


class Command(BaseCommand):
    help = (
        "应急账号：zhifa breakglass enable --reason 原因 [--hours 4] [--operators 两名在场人员]"
        "（新随机密码只显示这一次）；zhifa breakglass disable [--reason 说明]；zhifa breakglass status"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "action", choices=["enable", "disable", "status"], help="enable、disable 或 status"
        )
        parser.add_argument("--reason", default="", help="启用原因（enable 必填）或停用说明")
        parser.add_argument(
            "--hours", default="4", help="有效小时数，默认 4，上限见 ZHIFA_BREAK_GLASS_MAX_HOURS"
        )
        parser.add_argument("--operators", default="", help="在场的两名人员（双人规则），写入审计记录")

    def handle(self, *args, action, reason, hours, operators, **options):
        operator = ", ".join(
            x for x in (f"系统用户 {_os_user()}" if _os_user() else "", operators.strip()) if x
        )
        with audit_context(source="cli"):
            if action == "enable":
                try:
                    hours_n = int(hours)
                except ValueError:
                    raise CommandError(f"--hours：“{hours}”不是整数") from None
                try:
                    user, password, until = breakglass.enable(reason, hours_n, operator=operator)
                except breakglass.BreakGlassError as exc:
                    raise CommandError(str(exc)) from exc
                self.stderr.write(
                    f"应急账号 {user.username} 已启用，至 {timezone.localtime(until):%Y-%m-%d %H:%M}（北京时间）"
                    f" / {until:%Y-%m-%d %H:%M} UTC 自动失效。首次登录须绑定新的动态口令。"
                    "密码只显示这一次，请按应急程序封存："
                )
                self.stdout.write(password)
            elif action == "disable":
                user = breakglass.disable(reason, operator=operator)
                if user is None:
                    raise CommandError("没有应急账号：从未启用过")
                self.stdout.write(f"应急账号 {user.username} 已停用，会话已结束")
            else:
                state = breakglass.status()
                if state["account"] is None:
                    self.stdout.write("应急账号：未创建（首次 enable 时创建）")
                elif state["open"]:
                    self.stdout.write(
                        f"应急账号 {state['account'].username}：已启用，至 "
                        f"{timezone.localtime(state['until']):%Y-%m-%d %H:%M}（北京时间）"
                    )
                else:
                    self.stdout.write(f"应急账号 {state['account'].username}：停用")
