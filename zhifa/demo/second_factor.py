"""The demo accounts whose role needs a second factor share one fictitious, published TOTP secret.

A visitor of the demo must be able to sign in as the district leader or the legal reviewer: the demo
binds each such account to an authenticator with this fixed secret, and ``zhifa demo`` prints it
(and its QR code) so the visitor adds it to any authenticator app once. Demo only: a published secret
is no second factor, and the demo never touches an account it did not create (``reconcile_accounts``).
"""

from __future__ import annotations

import io
from base64 import b32decode
from urllib.parse import quote

import segno
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhifa.accounts.mfa import mfa_required_for

#: Fictitious, printed by ``zhifa demo``; 32 base32 characters = a 160-bit key, as authenticators expect.
DEMO_TOTP_SECRET = "ZHIFADEMOZHIFADEMOZHIFADEMOZHIFA"
DEVICE_NAME = "演示身份验证器（公开密钥）"


def demo_key_hex() -> str:
    return b32decode(DEMO_TOTP_SECRET).hex()


def bind_demo_authenticators(users) -> list[str]:
    """Give every account among ``users`` that needs a second factor the demo authenticator; return
    their usernames. Idempotent: a second run changes nothing."""
    key = demo_key_hex()
    bound = []
    for user in users:
        if not mfa_required_for(user):
            continue
        device = TOTPDevice.objects.filter(user=user, name=DEVICE_NAME).first()
        if device is None:
            TOTPDevice.objects.filter(user=user).delete()
            TOTPDevice.objects.create(user=user, name=DEVICE_NAME, key=key, confirmed=True)
        elif device.key != key or not device.confirmed:
            device.key, device.confirmed = key, True
            device.save(update_fields=["key", "confirmed"])
        bound.append(user.username)
    return bound


def needing_a_code(accounts) -> list[str]:
    """The planned demo accounts (``zhifa.demo.accounts.Account``) whose role needs a second factor."""
    from zhifa.accounts.models import User

    return [a.username for a in accounts if mfa_required_for(User(username=a.username, role=a.role))]


def explanation(usernames: list[str]) -> str:
    """What ``zhifa demo`` prints: who needs a code, the secret, and how to add it."""
    issuer = quote(getattr(settings, "OTP_TOTP_ISSUER", "执法一体化平台"))
    url = f"otpauth://totp/{issuer}:demo?secret={DEMO_TOTP_SECRET}&issuer={issuer}&digits=6&period=30"
    qr = segno.make(url, error="m")
    buffer = io.StringIO()
    qr.terminal(out=buffer, compact=True)
    return "\n".join(
        [
            "第二因素：账号 " + "、".join(usernames) + " 的角色须在密码之后输入动态口令。",
            f"演示用的公开密钥（仅限演示，切勿用于生产）：{DEMO_TOTP_SECRET}",
            "在手机的身份验证器（FreeOTP、Microsoft Authenticator 等）中手动添加此密钥（基于时间，30 秒，6 位），"
            "或扫描下面的二维码；登录这些账号时输入它显示的 6 位数字。",
            buffer.getvalue(),
        ]
    )
