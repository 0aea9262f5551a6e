"""Validators for the codes Chinese enforcement records carry, with messages in Chinese.

The check characters are computed by python-stdnum (``stdnum.cn.uscc`` for GB 32100-2015 and
``stdnum.cn.ric`` for GB 11643-1999) rather than by hand.
"""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_exc
from stdnum.cn import ric, uscc

_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")


def normalize_uscc(value: str) -> str:
    return uscc.compact(value or "")


def validate_uscc(value: str) -> None:
    code = normalize_uscc(value)
    if len(code) != 18:
        raise ValidationError(
            _("统一社会信用代码应为 18 位（当前 %(n)s 位）"), code="uscc_length", params={"n": len(code)}
        )
    try:
        uscc.validate(code)
    except stdnum_exc.InvalidChecksum as exc:
        raise ValidationError(
            _("统一社会信用代码校验位错误：第 18 位应为 %(c)s"),
            code="uscc_checksum",
            params={"c": uscc.calc_check_digit(code[:17])},
        ) from exc
    except stdnum_exc.ValidationError as exc:
        raise ValidationError(
            _("统一社会信用代码含有不允许的字符（不得使用 I、O、Z、S、V）或格式错误"), code="uscc_format"
        ) from exc


def normalize_id_number(value: str) -> str:
    return ric.compact(value or "").upper()


def validate_id_number(value: str) -> None:
    number = normalize_id_number(value)
    if len(number) != 18:
        raise ValidationError(
            _("身份证号码应为 18 位（当前 %(n)s 位）"), code="ric_length", params={"n": len(number)}
        )
    try:
        ric.validate(number)
    except stdnum_exc.InvalidChecksum as exc:
        raise ValidationError(
            _("身份证号码校验位错误：第 18 位应为 %(c)s"),
            code="ric_checksum",
            params={"c": ric.calc_check_digit(number[:17])},
        ) from exc
    except stdnum_exc.InvalidComponent as exc:
        raise ValidationError(_("身份证号码中的出生日期（第 7–14 位）无效"), code="ric_birth") from exc
    except stdnum_exc.ValidationError as exc:
        raise ValidationError(_("身份证号码格式错误：前 17 位应为数字"), code="ric_format") from exc


def validate_phone(value: str) -> None:
    if value and not _PHONE.match(value.replace(" ", "")):
        raise ValidationError(
            _("电话号码格式错误：应为 11 位手机号或带区号的固定电话（如 0519-86301234）"), code="phone"
        )


def validate_date_order(
    start: date | None, end: date | None, *, end_field: str, start_label: str, end_label: str
) -> None:
    """Raise a field error on ``end_field`` when the period ends before it starts."""
    if start and end and end < start:
        raise ValidationError(
            {end_field: _("%(end)s不能早于%(start)s") % {"end": end_label, "start": start_label}}
        )


def mask_id_number(value: str) -> str:
    """Show the first 6 (region) and last 4 characters only."""
    if not value:
        return ""
    return value[:6] + "*" * (len(value) - 10) + value[-4:] if len(value) > 10 else "*" * len(value)


def mask_phone(value: str) -> str:
    if not value:
        return ""
    return value[:3] + "****" + value[-4:] if len(value) >= 11 else value[:2] + "****"
