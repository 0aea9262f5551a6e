"""API policy referenced from settings (permission, pagination, errors).

Kept apart from ``zhifa.core.api`` because DRF imports these while ``rest_framework.views`` is
still loading; this module must not import it at module level.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, permissions
from rest_framework.pagination import LimitOffsetPagination

ACTION_FOR_METHOD = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


class Pagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 1000


class RolePermission(permissions.BasePermission):
    """The view's model permission for the request's method, from the role map.

    Endpoints may set ``required_perms = {"action_name": "app.perm"}`` for custom actions.
    """

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        custom = getattr(view, "required_perms", {}).get(getattr(view, "action", None))
        if custom:
            return _noted(request, user, custom)
        queryset = getattr(view, "queryset", None)
        if queryset is None:
            return False
        opts = queryset.model._meta
        action = ACTION_FOR_METHOD.get(request.method, "change")
        return _noted(request, user, f"{opts.app_label}.{action}_{opts.model_name}")


def _noted(request, user, perm: str) -> bool:
    """Check ``perm``, naming it on the request for the DENIED audit row (zhifa.core.middleware)."""
    allowed = user.has_perm(perm)
    if not allowed:
        request._request.zhifa_permission = perm
    return allowed


def exception_handler(exc, context):
    """Model validation errors become 400 with field errors, never a 500; every 400 body is an object."""
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound("未找到：记录不存在或不在您的管辖范围内")
    elif isinstance(exc, exceptions.ValidationError) and isinstance(exc.detail, list):
        # A refusal naming no field (DRF's search box refuses a NUL so): still an object, as every 400.
        exc = exceptions.ValidationError(detail={"non_field_errors": exc.detail})
    return drf_exception_handler(exc, context)
