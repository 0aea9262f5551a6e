from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from zhifa.accounts.models import User
from zhifa.core.audit import audit_context, record
from zhifa.core.choices import AuditAction


class Command(BaseCommand):
    help = "打印某用户的 API 令牌（没有则新建）：zhifa token USERNAME"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--rotate", action="store_true", help="作废旧令牌并签发新令牌")

    def handle(self, *args, username, rotate, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户名：不存在名为“{username}”的账号")
        if not user.is_active:
            raise CommandError(f"用户名：账号“{username}”已停用，不能签发令牌")
        with audit_context(source="cli"):
            if rotate:
                Token.objects.filter(user=user).delete()
            token, created = Token.objects.get_or_create(user=user)
            if created:
                record(AuditAction.TOKEN, user, message="签发 API 令牌（命令行）")
        self.stdout.write(token.key)
