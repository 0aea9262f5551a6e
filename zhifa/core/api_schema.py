"""The API schema's answers to bad requests: every operation documents the errors it can answer with.

drf-spectacular documents the success of an operation (and what an endpoint declares itself with
``extend_schema``); a client, and the fuzzer that holds the API to its schema (``make fuzz``), must also
know the refusals. Added here wherever the endpoint has not declared them itself:

- 400 with the fields' errors, when the operation takes a body or query parameters;
- 401 when the endpoint reads credentials (without, or with an expired or revoked token);
- 403 when a permission is needed (the role lacks it, or a second factor is missing);
- 404 when the path names a record (absent, or outside the user's jurisdiction);
- 429 when requests are throttled (the public portal's JSON).
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import permissions, serializers

#: The body of 401, 403, 404 and 429 (``zhifa.core.api_policy.exception_handler``).
DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": _("原因（中文）")}},
    "required": ["detail"],
}
#: The body of 400: each field with its errors, ``non_field_errors`` for the form as a whole.
FIELD_ERRORS = {
    "type": "object",
    "description": _("按字段列出的错误，错误信息以字段的中文名称开头；整体错误在 non_field_errors"),
    "additionalProperties": {},
}

ERRORS = {
    "400": (_("输入有误：按字段列出错误"), "FieldErrors", FIELD_ERRORS),
    "401": (_("未登录，或令牌无效、已过期、已吊销"), "ErrorDetail", DETAIL),
    "403": (_("无该操作的权限"), "ErrorDetail", DETAIL),
    "404": (_("记录不存在或不在您的管辖范围内"), "ErrorDetail", DETAIL),
    "429": (_("请求过于频繁，请稍后再试"), "ErrorDetail", DETAIL),
}


class AutoSchema(openapi.AutoSchema):
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        # DRF drops ``allow_blank`` from read-only fields, so a choice a record leaves blank (a case not
        # yet decided, a hazard's first event) would be documented as never "": say what the model allows.
        if (
            isinstance(field, serializers.ChoiceField)
            and field.read_only
            and not field.allow_blank
            and _model_field_is_blank(field)
        ):
            field.allow_blank = True
        return super()._map_serializer_field(field, direction, bypass_extensions)

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            if code not in responses:
                responses[code] = self._error_response(code)
        return responses

    def _error_codes(self) -> list[str]:
        view = self.view
        codes = []
        takes_input = self.method in ("POST", "PUT", "PATCH") or any(
            p.get("in") == "query" for p in self._get_parameters()
        )
        if takes_input:
            codes.append("400")
        if getattr(view, "authentication_classes", None):
            codes.append("401")
        if any(not issubclass(p, permissions.AllowAny) for p in getattr(view, "permission_classes", [])):
            codes.append("403")
        if "{" in self.path:
            codes.append("404")
        if getattr(view, "throttle_classes", None):
            codes.append("429")
        return codes

    def _error_response(self, code: str) -> dict:
        description, name, schema = ERRORS[code]
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema)
        self.registry.register_on_missing(component)
        return {"description": description, "content": {"application/json": {"schema": component.ref}}}


def _model_field_is_blank(field) -> bool:
    model = getattr(getattr(getattr(field, "parent", None), "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source:
        return False
    try:
        return bool(model._meta.get_field(field.source).blank)
    except FieldDoesNotExist:
        return False
