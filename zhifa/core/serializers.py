"""Serializer plumbing shared by the apps' API packages.

- ``CleanModelSerializer`` runs the model's ``full_clean()`` (field validators and ``clean()``)
  during validation, so a rule the model enforces answers 400 with the API's field names, never 500,
  and values ``clean()`` normalises (ID numbers, credit codes) are the ones saved;
- ``ScopedPrimaryKeyRelatedField`` offers only rows in the user's jurisdiction;
- ``check_board`` refuses a board outside a board-bound user's boards;
- ``Conflict`` is the 409 for an edit made on a stale version.
"""

from __future__ import annotations

import copy

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import APIException
from rest_framework.settings import api_settings

from zhifa.core.permissions import is_district_wide
from zhifa.core.scoping import board_ids

PERSONAL_DATA_PERM = "orgs.view_personal_data"


class Conflict(APIException):
    status_code = 409
    default_detail = _("该记录已被他人修改，请刷新后重新填写。")
    default_code = "conflict"


def request_user(serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


def field_errors(serializer, exc: DjangoValidationError) -> dict[str, list[str]]:
    """Django's errors, keyed by model field, re-keyed by the serializer's field names."""
    non_field = api_settings.NON_FIELD_ERRORS_KEY
    if not hasattr(exc, "error_dict"):
        return {non_field: list(exc.messages)}
    names: dict[str, str] = {}
    for name, field in serializer.fields.items():
        source = field.source or name
        names.setdefault(source, name)
        if source.endswith("_id"):
            names.setdefault(source[:-3], name)  # a model error on "industry" belongs to "industry_code"
    errors: dict[str, list[str]] = {}
    for key, messages in exc.message_dict.items():
        target = non_field if key == NON_FIELD_ERRORS else names.get(key, key)
        errors.setdefault(target, []).extend(messages)
    return errors


class CleanModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer that validates like a ModelForm: the model's ``full_clean()`` included."""

    #: Model fields left out of ``full_clean()``.
    clean_exclude: tuple[str, ...] = ()

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        many = {f.name for f in model._meta.many_to_many}
        plain = [k for k in attrs if k not in many]
        # Validate a copy so that a refused update leaves the instance as it was loaded.
        candidate = copy.copy(self.instance) if self.instance is not None else model()
        for key in plain:
            setattr(candidate, key, attrs[key])
        try:
            candidate.full_clean(exclude=list(self.clean_exclude))
        except DjangoValidationError as exc:
            raise serializers.ValidationError(field_errors(self, exc)) from exc
        for key in plain:
            attrs[key] = getattr(candidate, key)  # as normalised by clean()
        return attrs


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key whose choices are the rows the user may view; others are "not found"."""

    default_error_messages = {"does_not_exist": _("所选项不存在或不在您的管辖范围内（编号 {pk_value}）")}

    def get_queryset(self):
        return super().get_queryset().restrict(request_user(self), "view")


def check_board(serializer, region, *, current_id: int | None, message) -> None:
    """A board-bound user may place a record only in one of their boards (an unchanged value stands)."""
    user = request_user(serializer)
    if region is None or region.pk == current_id:
        return
    if user is None or not (is_district_wide(user) or region.pk in board_ids(user)):
        raise serializers.ValidationError(message)


def can_view_personal_data(serializer) -> bool:
    cache = serializer.context.setdefault("_zhifa", {})
    if "personal" not in cache:
        user = request_user(serializer)
        cache["personal"] = bool(user is not None and user.has_perm(PERSONAL_DATA_PERM))
    return cache["personal"]
