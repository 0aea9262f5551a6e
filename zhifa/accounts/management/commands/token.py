from django.core.management.base import BaseCommand, CommandError

from zhifa.accounts import tokens
from zhifa.accounts.mfa import mfa_required_for
from zhifa.accounts.models import ApiToken, User
from zhifa.core.audit import audit_context


class Command(BaseCommand):
    help = (
        "签发 API 令牌：zhifa token USERNAME --name 用途 [--days 天数]（明文只显示这一次）；"
        "作废：zhifa token --revoke 前缀 --reason 原因"
    )

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", help="签发令牌的账号")
        parser.add_argument("--name", default="", help="令牌用途，例如“数据交换”")
        parser.add_argument(
            "--days", type=int, default=None, help="有效天数（默认与上限见 ZHIFA_API_TOKEN_DAYS）"
        )
        parser.add_argument("--revoke", metavar="PREFIX", default="", help="作废前缀为 PREFIX 的令牌")
        parser.add_argument("--reason", default="", help="作废原因")

    def handle(self, *args, username, name, days, revoke, reason, **options):
        if revoke:
            return self._revoke(revoke, reason)
        if not username:
            raise CommandError("用户名：请给出账号，或用 --revoke 前缀 作废令牌")
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户名：不存在名为“{username}”的账号")
        if mfa_required_for(user):
            raise CommandError(
                f"用户名：账号“{username}”须使用第二因素，命令行签发的令牌不能用于该账号；"
                "请本人在网页登录、通过动态口令验证后，在“我的 API 令牌”页面签发"
            )
        with audit_context(source="cli"):
            try:
                token, plaintext = tokens.issue(user, name=name, days=days)
            except tokens.TokenError as exc:
                raise CommandError(str(exc)) from exc
        self.stderr.write(
            f"已签发“{token.name}”，{token.expires_at:%Y-%m-%d %H:%M} 到期；令牌只显示这一次，请妥善保存："
        )
        self.stdout.write(plaintext)

    def _revoke(self, prefix, reason):
        matches = list(tokens.find_by_prefix(prefix).filter(revoked_at=None))
        if not matches:
            raise CommandError(f"前缀：没有前缀为“{prefix}”的有效令牌")
        if len(matches) > 1:
            raise CommandError(
                f"前缀：前缀“{prefix}”对应多个令牌，请给出完整的 {tokens.PREFIX_LENGTH} 位前缀"
            )
        token: ApiToken = matches[0]
        with audit_context(source="cli"):
            try:
                tokens.revoke(token, by=None, reason=reason)
            except tokens.TokenError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(f"已作废 {token.user.username} 的令牌“{token.name}”（{token.prefix}…）")
