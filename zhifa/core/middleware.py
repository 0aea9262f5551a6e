"""The request's context for the audit log, refused requests audited, the break-glass account watched.

``RequestContextMiddleware`` runs around every view:

- it makes the request (user, address, request id) known to the audit log for its whole duration;
- a 403 answered to a signed-in account (page or API, whatever raised it) is written to the chain as
  a ``DENIED`` row — method, path (one line, control characters removed), the permission when the
  view declared it — at most once per account and path within ``ZHIFA_DENIED_AUDIT_SECONDS``, so a
  loop cannot flood the chain; anonymous 401/403 answers and redirects to the sign-in page are not
  the chain's business and go to the application log (``zhifa.security``);
- a request of the break-glass account outside its window ends its sessions before reaching the view,
  and every request it makes inside the window is written to the chain (``BREAK_GLASS``).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils import timezone

from zhifa.core.audit import audit_context, one_line, record
from zhifa.core.choices import AuditAction

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
security_log = logging.getLogger("zhifa.security")

#: Where a view notes the permission it required, for the DENIED row (``PermissionMixin``, the API).
PERMISSION_ATTR = "zhifa_permission"


class RequestContextMiddleware:
    """Make the request (user, address, request id) known to the audit log for its whole duration."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        source = "api" if request.path.startswith("/api/") else "web"
        with audit_context(request=request, source=source, request_id=request.id):
            refused = _break_glass_outside_window(request)
            response = refused or self.get_response(request)
            _after(request, response)
        response["X-Request-ID"] = request.id
        return response


def _signed_in(request):
    user = getattr(request, "user", None)
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _break_glass_outside_window(request):
    from zhifa.accounts import breakglass

    user = _signed_in(request)
    if user is None:
        # A session whose account no longer signs in (RoleBackend refuses the break-glass account
        # outside its window, so the session's user is anonymous): close that account for good.
        if not breakglass.close_stale_session(request):
            return None
    elif not getattr(user, "is_break_glass", False) or not breakglass.close_if_expired(request):
        return None
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "应急账号已停用或已过启用期，会话已结束"}, status=401)
    return redirect(settings.LOGIN_URL)


def _after(request, response) -> None:
    user = _signed_in(request)
    status = response.status_code
    if user is not None:
        if getattr(user, "is_break_glass", False):
            from zhifa.accounts import breakglass

            breakglass.audit_request(request, response)
        if status == 403:
            record_denied(request, user)
        return
    if status in (401, 403) or (status == 302 and _to_login(response)):
        security_log.info(
            "anonymous request refused: %s %s -> %s from %s",
            request.method,
            request.get_full_path(),
            status,
            request.META.get("REMOTE_ADDR", ""),
        )


def _to_login(response) -> bool:
    from django.urls import reverse

    location = response.get("Location", "")
    return location.startswith((reverse("login"), "/admin/login/"))


def record_denied(request, user) -> None:
    """Write one DENIED row, unless the same account was refused the same path within the window."""
    from zhifa.core.models import AuditEntry

    method = one_line(request.method, 16)
    path = one_line(request.path)
    permission = one_line(getattr(request, PERMISSION_ATTR, ""), 100)
    window = dt.timedelta(seconds=getattr(settings, "ZHIFA_DENIED_AUDIT_SECONDS", 60))
    recent = AuditEntry.objects.filter(
        action=AuditAction.DENIED,
        user_id=user.pk,
        object_repr=path,
        occurred_at__gte=timezone.now() - window,
    ).exists()
    if recent:
        security_log.info("denied again (not re-audited): user %s %s %s", user.pk, method, path)
        return
    record(
        AuditAction.DENIED,
        object_type="authz",
        object_repr=path,
        after={"method": method, "path": path, "permission": permission, "status": 403},
        message=f"越权访问被拒绝：{method} {path}" + (f"（所需权限 {permission}）" if permission else ""),
    )
