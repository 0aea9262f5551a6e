"""Django's createsuperuser, refused: there is no everyday superuser (zhifa.accounts.breakglass)."""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "不设日常超级用户：请用 zhifa breakglass enable 启用应急账号，或由系统管理员在管理后台创建账号"

    def add_arguments(self, parser):
        # Accept Django's options so that scripts written for it get the explanation, not a usage error.
        parser.add_argument("--username")
        parser.add_argument("--email")
        parser.add_argument("--noinput", "--no-input", action="store_true")
        parser.add_argument("--database")

    def handle(self, *args, **options):
        raise CommandError(
            "不设日常超级用户（等保三员分立）：权限来自角色。首次部署或三员均无法登录时，用 "
            "zhifa breakglass enable --reason 原因 启用应急账号，由它创建系统、安全、审计管理员账号并分配角色；"
            "见 docs/operations.md“应急账号”"
        )
