"""Masking an individual's name and taking personal numbers out of published text."""

from __future__ import annotations

import pytest

from zhifa.core.testing import valid_id_number
from zhifa.disclosure.masking import REMOVED, mask_name, redact


@pytest.mark.parametrize(
    "name, masked",
    [("王明", "王*"), ("王小明", "王*明"), ("欧阳小明", "欧**明"), ("王", "*"), ("", ""), (" 李四 ", "李*")],
)
def test_an_individuals_name_keeps_its_first_and_last_characters_only(name, masked):
    assert mask_name(name) == masked


def test_known_values_and_any_id_or_phone_number_are_taken_out():
    id_number = valid_id_number(12)
    other_id = valid_id_number(34, birth="19700101")
    text = (
        f"王小明（身份证号码{id_number}）住湖塘镇花园新村5幢，电话13912345678、0519-86123456；"
        f"同行人身份证{other_id}，手机 15800001111。罚款5000元，2026年10月12日。"
    )
    out = redact(text, names=["王小明"], removed=["湖塘镇花园新村5幢"])
    for value in ("王小明", id_number, other_id, "13912345678", "0519-86123456", "15800001111", "花园新村"):
        assert value not in out
    assert out.startswith("王*明（身份证号码" + REMOVED)
    # amounts and dates are not numbers of a person
    assert "罚款5000元" in out and "2026年10月12日" in out


def test_an_address_containing_the_name_goes_whole():
    out = redact("住王小明村1号的王小明", names=["王小明"], removed=["王小明村1号"])
    assert out == f"住{REMOVED}的王*明"
