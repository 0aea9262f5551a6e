"""Credit codes and ID numbers: the check characters of GB 32100-2015 and GB 11643-1999."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from zhifa.core.validators import (
    id_number_check_character,
    mask_id_number,
    mask_phone,
    validate_id_number,
    validate_phone,
    validate_uscc,
)

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@given(
    st.text(alphabet=USCC_ALPHABET, min_size=2, max_size=2),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9),
)
def test_any_credit_code_with_its_computed_check_character_is_accepted(head, division, org):
    body = head + division + org
    validate_uscc(body + uscc.calc_check_digit(body))


@given(st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17), st.sampled_from(USCC_ALPHABET))
def test_a_credit_code_with_a_wrong_check_character_is_refused(body, wrong):
    if wrong == uscc.calc_check_digit(body):
        wrong = USCC_ALPHABET[(USCC_ALPHABET.index(wrong) + 1) % 31]
    with pytest.raises(ValidationError):
        validate_uscc(body + wrong)


def test_a_code_from_an_authority_with_a_letter_is_accepted():
    body = "N2320412MA1MXXXX0"
    validate_uscc(body + uscc.calc_check_digit(body))


def test_the_refusal_names_the_expected_check_character():
    body = "91320412MA1MXXXX0"
    good = body + uscc.calc_check_digit(body)
    bad = body + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        validate_uscc(bad)
    assert f"应为 {good[-1]}" in exc.value.messages[0]


@pytest.mark.parametrize(
    "value, fragment",
    [("9132041212345", "18 位"), ("91320412MA1MXXXXOI", "不允许的字符")],
)
def test_malformed_credit_codes_get_a_specific_message(value, fragment):
    with pytest.raises(ValidationError) as exc:
        validate_uscc(value)
    assert fragment in exc.value.messages[0]


@given(
    st.dates(
        min_value=__import__("datetime").date(1940, 1, 1), max_value=__import__("datetime").date(2008, 12, 31)
    ),
    st.integers(min_value=0, max_value=999),
)
def test_any_id_number_with_its_check_character_is_accepted(birth, seq):
    body = f"320412{birth:%Y%m%d}{seq:03d}"
    validate_id_number(body + id_number_check_character(body))


def test_an_id_number_with_a_wrong_check_character_names_the_right_one():
    body = "32041219850101123"
    right = id_number_check_character(body)
    wrong = "0" if right != "0" else "1"
    with pytest.raises(ValidationError) as exc:
        validate_id_number(body + wrong)
    assert f"应为 {right}" in exc.value.messages[0]


def test_an_id_number_with_an_impossible_birth_date_is_refused():
    body = "32041219851301123"
    with pytest.raises(ValidationError) as exc:
        validate_id_number(body + id_number_check_character(body))
    assert "出生日期" in exc.value.messages[0]


def test_an_id_number_with_an_unknown_division_is_refused():
    body = "99999919850101123"
    with pytest.raises(ValidationError) as exc:
        validate_id_number(body + id_number_check_character(body))
    assert "行政区划" in exc.value.messages[0]


def test_our_check_character_agrees_with_stdnum_on_whole_numbers():
    for body in ("32041220050101123", "11010519491231002", "32048319980707321"):
        number = body + id_number_check_character(body)
        assert ric.is_valid(number)


def test_a_wujin_number_issued_after_the_2002_redivision_is_accepted_for_an_older_person():
    body = "32041219850101123"
    validate_id_number(body + id_number_check_character(body))


@pytest.mark.parametrize("value", ["13912345678", "0519-86301234", "051986301234"])
def test_mobile_and_landline_numbers_are_accepted(value):
    validate_phone(value)


@pytest.mark.parametrize("value", ["1391234567", "12345678901", "phone", "0519-12"])
def test_malformed_phone_numbers_are_refused(value):
    with pytest.raises(ValidationError):
        validate_phone(value)


def test_masks_keep_only_what_identifies_without_exposing():
    assert mask_id_number("32041219850101123X") == "320412********123X"
    assert mask_phone("13912345678") == "139****5678"
