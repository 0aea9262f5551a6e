"""API tokens: issued with an expiry, stored as a SHA-256 digest only, revocable with a reason.

The plaintext is shown once, when issued. A request carries it as ``Authorization: Token <key>``
(the keyword of DRF's former ``TokenAuthentication``, so clients need no change); the digest of
what arrives is looked up, so a copy of the database gives no usable token. An account whose second
factor is required (``zhifa.accounts.mfa.mfa_required_for``) may only use tokens issued from a
session that had passed it (``issued_with_mfa``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _g
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from zhifa.accounts.models import ApiToken
from zhifa.core import crypto
from zhifa.core.audit import one_line, record
from zhifa.core.choices import AuditAction

KEYWORD = "Token"
PREFIX_LENGTH = 8
#: ``last_used_at`` is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class TokenError(ValueError):
    """A token cannot be issued or revoked; the message names the field and the reason, in Chinese."""


def default_days() -> int:
    return int(getattr(settings, "ZHIFA_API_TOKEN_DAYS", 90))


def max_days() -> int:
    return int(getattr(settings, "ZHIFA_API_TOKEN_MAX_DAYS", 90))


def digest(plaintext: str) -> str:
    return crypto.sha256_hex(plaintext.encode("utf-8"))


def issue(user, *, name: str, days: int | None = None, mfa_verified: bool = False) -> tuple[ApiToken, str]:
    """Issue a token for ``user``; return the row and the plaintext (which is stored nowhere)."""
    name = one_line(name, 64).strip()
    if not name:
        raise TokenError(_g("用途：请填写令牌的用途，例如“移动端”"))
    if days is None:
        days = default_days()
    if not 1 <= int(days) <= max_days():
        raise TokenError(_g("有效天数：须在 1 到 %(max)d 天之间") % {"max": max_days()})
    if not user.is_active:
        raise TokenError(_g("账号：账号已停用，不能签发令牌"))
    plaintext = crypto.random_token(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=plaintext[:PREFIX_LENGTH],
            digest=digest(plaintext),
            expires_at=timezone.now() + dt.timedelta(days=int(days)),
            issued_with_mfa=mfa_verified,
        )
        record(
            AuditAction.TOKEN,
            token,
            message=f"签发 API 令牌“{name}”（{token.prefix}…），{days} 天有效"
            + ("，签发时已验证第二因素" if mfa_verified else ""),
            after={"user": user.username, "expires_at": token.expires_at.isoformat()},
        )
    return token, plaintext


def revoke(token: ApiToken, *, by, reason: str) -> ApiToken:
    """Revoke a token (the owner, or whoever holds ``accounts.revoke_apitoken``; ``by=None`` is the
    operator at the server's command line); audited, never deleted."""
    reason = one_line(reason, 200).strip()
    if not reason:
        raise TokenError(_g("作废原因：请填写作废原因"))
    if by is not None and token.user_id != by.pk and not by.has_perm("accounts.revoke_apitoken"):
        raise TokenError(_g("令牌：只能作废自己的令牌"))
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            at = timezone.localtime(token.revoked_at).strftime("%Y-%m-%d %H:%M")
            raise TokenError(_g("令牌：该令牌已于 %(at)s 作废") % {"at": at})
        token.revoked_at = timezone.now()
        token.revoked_by = by
        token.revoke_reason = reason
        token.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        record(
            AuditAction.TOKEN_REVOKE,
            token,
            message=f"作废 API 令牌“{token.name}”（{token.prefix}…，{token.user.username}）：{reason}",
            user=by,
            before={"revoked_at": None},
            after={"revoked_at": token.revoked_at.isoformat(), "reason": reason},
        )
    return token


def find_by_prefix(prefix: str):
    """Tokens whose plaintext starts with ``prefix`` (what the owner sees of it)."""
    prefix = prefix.strip()[:PREFIX_LENGTH]
    return (
        ApiToken.objects.filter(prefix=prefix).select_related("user") if prefix else ApiToken.objects.none()
    )


def check(token: ApiToken | None, *, now=None) -> str:
    """Why ``token`` cannot authenticate now ('' when it can)."""
    from zhifa.accounts.mfa import mfa_required_for

    now = now or timezone.now()
    if token is None:
        return _g("API 令牌无效")
    if token.revoked_at is not None:
        return _g("API 令牌已作废")
    if token.expires_at <= now:
        return _g("API 令牌已过期，请重新签发")
    if not token.user.is_active:
        return _g("账号已停用")
    if not token.issued_with_mfa and mfa_required_for(token.user):
        return _g("本账号须使用第二因素：请在网页登录并通过动态口令验证后重新签发 API 令牌")
    return ""


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Token <key>``: refuses unknown, expired, revoked and inactive-user tokens (401)."""

    keyword = KEYWORD

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_g("Authorization 头格式应为：Token <令牌>"))
        try:
            plaintext = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_g("API 令牌无效")) from exc
        token = ApiToken.objects.select_related("user").filter(digest=digest(plaintext)).first()
        now = timezone.now()
        problem = check(token, now=now)
        if problem:
            raise exceptions.AuthenticationFailed(problem)
        assert token is not None
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """``ApiTokenAuthentication`` in the API schema: drf-spectacular warns for every view without it
    (and ``zhifa check --deploy`` then reports those warnings)."""

    target_class = "zhifa.accounts.tokens.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": _g("API 令牌：Authorization: Token <令牌>"),
        }
