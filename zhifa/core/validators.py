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
from stdnum import numdb
from stdnum.cn import ric, uscc

_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")


USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def normalize_uscc(value: str) -> str:
    return uscc.compact(value or "")


def uscc_check_character(first17: str) -> str:
    return uscc.calc_check_digit(first17)


def validate_uscc(value: str) -> None:
    """GB 32100-2015. stdnum computes the check character; its ``validate`` also insists on digits in
    positions 1–2, which the standard allows to be letters (e.g. N for agricultural registrations),
    so the structure is checked here as the standard states it."""
    code = normalize_uscc(value)
    if len(code) != 18:
        raise ValidationError(
            _("统一社会信用代码应为 18 位（当前 %(n)s 位）"), code="uscc_length", params={"n": len(code)}
        )
    if any(c not in USCC_ALPHABET for c in code) or not code[2:8].isdigit():
        raise ValidationError(
            _("统一社会信用代码含有不允许的字符（不得使用 I、O、Z、S、V），或第 3–8 位不是行政区划代码"),
            code="uscc_format",
        )
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("统一社会信用代码校验位错误：第 18 位应为 %(c)s"), code="uscc_checksum", params={"c": expected}
        )


def normalize_id_number(value: str) -> str:
    return ric.compact(value or "").upper()


def id_number_check_character(first17: str) -> str:
    # stdnum's calc_check_digit takes the whole number and ignores its last character.
    return ric.calc_check_digit(first17 + "0")


def validate_id_number(value: str) -> None:
    """GB 11643-1999: 17 digits, a check character, a real birth date and a known division code."""
    number = normalize_id_number(value)
    if len(number) != 18:
        raise ValidationError(
            _("身份证号码应为 18 位（当前 %(n)s 位）"), code="ric_length", params={"n": len(number)}
        )
    if not number[:17].isdigit() or number[17] not in "0123456789X":
        raise ValidationError(_("身份证号码格式错误：前 17 位应为数字，末位为数字或 X"), code="ric_format")
    expected = id_number_check_character(number[:17])
    if number[17] != expected:
        raise ValidationError(
            _("身份证号码校验位错误：第 18 位应为 %(c)s"), code="ric_checksum", params={"c": expected}
        )
    try:
        birth = ric.get_birth_date(number)
    except stdnum_exc.ValidationError as exc:
        raise ValidationError(_("身份证号码中的出生日期（第 7–14 位）无效"), code="ric_birth") from exc
    if birth > date.today() or birth.year < 1900:
        raise ValidationError(_("身份证号码中的出生日期（第 7–14 位）无效"), code="ric_birth")
    # Only the province is checked: stdnum's county-at-birth-year rule would refuse real people whose
    # number carries the code of a division created or renamed after their birth (320412 武进区 dates
    # from 2002; residents born earlier may still hold 320412 after re-registration).
    if "province" not in _division_info(number[:6]):
        raise ValidationError(_("身份证号码前 6 位不是有效的行政区划代码"), code="ric_place")


def _division_info(code: str) -> dict:
    results = numdb.get("cn/loc").info(code)
    return {key: value for _part, props in results for key, value in props.items()}


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
