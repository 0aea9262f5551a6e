"""Logins, logouts and failed logins go to the full-process record; calendar edits reach the calendar."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from zhifa.core.audit import audit_context, current_context, one_line, record
from zhifa.core.choices import AuditAction


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record(AuditAction.LOGIN, user, user=user, message="登录成功")


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(AuditAction.LOGOUT, user, user=user, message="退出登录")


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = one_line(credentials.get("username", ""), 150)
    if request is not None and not current_context():
        with audit_context(request=request, source="web"):
            record(
                AuditAction.LOGIN_FAILED,
                object_type="accounts.user",
                object_repr=username,
                message="登录失败",
            )
        return
    record(AuditAction.LOGIN_FAILED, object_type="accounts.user", object_repr=username, message="登录失败")


@receiver([post_save, post_delete], sender="core.CalendarDay")
@receiver([post_save, post_delete], sender="core.CalendarYear")
@receiver([post_save, post_delete], sender="core.PeriodRule")
def _calendar_changed(sender, **kwargs):
    """An override day, an imported year or a period rule changed: the calendar reads afresh."""
    from zhifa.core import calendar

    calendar.calendar_changed()
