"""Sessions start and end with sign-in and sign-out; a disabled account loses its sessions; lockouts
are audited (receivers connected in ``AccountsConfig.ready``)."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.accounts import lockout, passwords, sessions
from zhifa.core.audit import record
from zhifa.core.choices import AuditAction

#: Days before expiry from which each sign-in warns.
NOTICE_DAYS = 7


@receiver(user_logged_in, dispatch_uid="zhifa_session_start")
def _session_start(sender, request, user, **kwargs):
    if request is not None:
        sessions.start(request, user)


@receiver(user_logged_in, dispatch_uid="zhifa_password_expiry_notice")
def _password_expiry_notice(sender, request, user, **kwargs):
    """A week before the password expires, each sign-in says so (the page itself arrives on the day)."""
    expires = passwords.expires_at(user)
    if request is None or expires is None or passwords.is_expired(user):
        return
    days = (expires - timezone.now()).days
    if days < NOTICE_DAYS:
        messages.warning(
            request,
            _(
                "您的密码将于 %(date)s 到期（还剩 %(n)d 天），请及时在“修改密码”页面（/accounts/password/）修改。"
            )
            % {"date": timezone.localtime(expires).strftime("%Y-%m-%d"), "n": days + 1},
            fail_silently=True,
        )


@receiver(user_logged_out, dispatch_uid="zhifa_session_signed_out")
def _session_signed_out(sender, request, user, **kwargs):
    if request is not None:
        sessions.end_current(request, sessions.EndReason.SIGNED_OUT)


@receiver(user_locked_out, dispatch_uid="zhifa_lockout_audit")
def _locked_out(sender, request, username=None, ip_address=None, **kwargs):
    lockout.record_lockout(request, username, ip_address)


@receiver(pre_save, sender="accounts.User", dispatch_uid="zhifa_user_was_active")
def _remember_active(sender, instance, raw=False, **kwargs):
    """Whether the account was active before this save (read before the audit handler refreshes it)."""
    if raw or instance._state.adding:
        instance._zhifa_was_active = None
        return
    loaded = getattr(instance, "_audit_loaded", None)
    if loaded is not None and "is_active" in loaded:
        instance._zhifa_was_active = loaded["is_active"]
    else:
        instance._zhifa_was_active = (
            sender.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first()
        )


@receiver(post_save, sender="accounts.User", dispatch_uid="zhifa_user_disabled")
def _disabled_ends_sessions(sender, instance, created, raw=False, **kwargs):
    """Disabling an account (admin, command, any save) ends all its sessions at once, audited."""
    was_active = getattr(instance, "_zhifa_was_active", None)
    instance._zhifa_was_active = None
    if raw or created or not was_active or instance.is_active:
        return
    ended = sessions.end_user_sessions(instance, reason=sessions.EndReason.ACCOUNT_DISABLED)
    if not ended:
        return  # the UPDATE record of is_active says it was disabled
    record(
        AuditAction.SESSION_END,
        instance,
        message=_("账号已停用，结束其全部会话（%(n)d 个）") % {"n": ended},
    )
