"""Validators for NIKs, phone numbers, BLKK codes, NIBs, dates and years."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from training.validators import (
    NikBirth,
    mask_nik,
    nik_agreement_errors,
    nik_birth,
    validate_blkk_code,
    validate_established_year,
    validate_nib,
    validate_nik,
    validate_not_future,
    validate_phone,
)

MAN_NIK = "3273011705980001"  # Bandung, born 17-05-98
WOMAN_NIK = "3273015705980002"  # the same birth day plus 40


def error_code(validator, value) -> str:
    with pytest.raises(ValidationError) as caught:
        validator(value)
    return caught.value.code


# --- validate_nik (reads the provinces loaded by the migrations) -------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "nik",
    [
        MAN_NIK,
        WOMAN_NIK,
        "1101010101000001",  # Aceh, 1 January 2000
        "9171017112990001",  # Papua, a woman born 31 December 1999
        "3273012902000001",  # 29 February 2000, a leap year
        "3273012902960001",  # 29 February 1996
        "3273016902960001",  # a woman born 29 February 1996
    ],
)
def test_validate_nik_accepts_a_real_nik(nik):
    validate_nik(nik)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("nik", "code"),
    [
        ("327301170598001", "nik_format"),  # 15 digits
        ("32730117059800011", "nik_format"),  # 17 digits
        ("3273O11705980001", "nik_format"),  # letter O for a zero
        ("32.73.01.170598.0001", "nik_format"),
        ("", "nik_format"),
        ("9973011705980001", "nik_province"),  # no province 99
        ("0073011705980001", "nik_province"),
        ("3273013102980001", "nik_birth_date"),  # 31 February
        ("3273013202980001", "nik_birth_date"),  # day 32
        ("3273017202980001", "nik_birth_date"),  # a woman's day 72, that is 32
        ("3273010005980001", "nik_birth_date"),  # day 0
        ("3273014005980001", "nik_birth_date"),  # 40 is a man's day 40 or woman's 0
        ("3273011713980001", "nik_birth_date"),  # month 13
        ("3273011700980001", "nik_birth_date"),  # month 0
        ("3273012902010001", "nik_birth_date"),  # 29 February 1901 / 2001
        ("3273016902970001", "nik_birth_date"),  # a woman's 29 February 1997
    ],
)
def test_validate_nik_refuses(nik, code):
    assert error_code(validate_nik, nik) == code


@pytest.mark.django_db
def test_validate_nik_names_the_unknown_province():
    with pytest.raises(ValidationError) as caught:
        validate_nik("9973011705980001")
    assert caught.value.params == {"code": "99"}


@pytest.mark.django_db
def test_validate_nik_explains_in_english_and_indonesian():
    with pytest.raises(ValidationError) as caught:
        validate_nik("123")
    # The message is translated when read, in the language active then.
    with translation.override("en"):
        assert caught.value.messages == ["NIK must be exactly 16 digits."]
    with translation.override("id"):
        [message] = caught.value.messages
    assert "NIK" in message
    assert "16" in message
    assert message != "NIK must be exactly 16 digits."


# --- nik_birth --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nik", "expected"),
    [
        (MAN_NIK, NikBirth(day=17, month=5, year_2digit=98, gender="M")),
        (WOMAN_NIK, NikBirth(day=17, month=5, year_2digit=98, gender="F")),
        ("3273014101050001", NikBirth(day=1, month=1, year_2digit=5, gender="F")),
        ("3273014001050001", None),  # day 40: a man's 40th, not a woman's 0th
        ("3273013106980001", None),  # 31 June
        ("3273012902000001", NikBirth(day=29, month=2, year_2digit=0, gender="M")),
        ("3273012902030001", None),
        ("327301170598000", None),
        ("", None),
    ],
)
def test_nik_birth_decodes_day_month_year_and_gender(nik, expected):
    assert nik_birth(nik) == expected


def test_nik_birth_prints_as_day_month_year():
    assert nik_birth("3273014101050001").as_text() == "01-01-05"


@pytest.mark.parametrize(
    ("birth_date", "matches"),
    [
        (datetime.date(1998, 5, 17), True),
        (datetime.date(1898, 5, 17), True),  # only two digits of the year are kept
        (datetime.date(1998, 5, 18), False),
        (datetime.date(1998, 6, 17), False),
        (datetime.date(1999, 5, 17), False),
    ],
)
def test_nik_birth_matches_a_birth_date_on_day_month_and_two_digit_year(
    birth_date, matches
):
    assert nik_birth(MAN_NIK).matches(birth_date) is matches


# --- nik_agreement_errors ---------------------------------------------------------


def test_nik_agreeing_with_birth_date_and_gender_has_no_errors():
    assert nik_agreement_errors(WOMAN_NIK, datetime.date(1998, 5, 17), "F") == {}


def test_birth_date_mismatch_is_an_error_on_birth_date():
    errors = nik_agreement_errors(MAN_NIK, datetime.date(1998, 5, 16), "M")
    assert list(errors) == ["birth_date"]
    assert errors["birth_date"].code == "nik_birth_mismatch"
    assert errors["birth_date"].params == {"date": "17-05-98"}


def test_woman_nik_given_to_a_man_is_an_error_on_gender():
    errors = nik_agreement_errors(WOMAN_NIK, datetime.date(1998, 5, 17), "M")
    assert list(errors) == ["gender"]
    assert errors["gender"].code == "nik_gender_mismatch"


def test_man_nik_given_to_a_woman_is_an_error_on_gender():
    errors = nik_agreement_errors(MAN_NIK, datetime.date(1998, 5, 17), "F")
    assert list(errors) == ["gender"]


def test_both_mismatches_are_reported_together():
    errors = nik_agreement_errors(MAN_NIK, datetime.date(1990, 1, 1), "F")
    assert set(errors) == {"birth_date", "gender"}


@pytest.mark.parametrize("nik", ["123", "3273013102980001"])
def test_malformed_nik_is_left_to_validate_nik(nik):
    assert nik_agreement_errors(nik, datetime.date(1998, 5, 17), "M") == {}


def test_missing_birth_date_and_gender_are_not_compared():
    assert nik_agreement_errors(MAN_NIK, None, None) == {}


# --- mask_nik ---------------------------------------------------------------------


def test_mask_nik_hides_the_region_and_birth_digits():
    assert mask_nik("3273010101900001") == "3273********0001"


@pytest.mark.parametrize("value", ["", "12345", "32730101019000011"])
def test_mask_nik_hides_all_of_a_malformed_value(value):
    assert mask_nik(value) == "*" * len(value)


# --- validate_phone ---------------------------------------------------------------


@pytest.mark.parametrize(
    "phone",
    [
        "081234567890",
        "+6281234567890",
        "6281234567890",
        "081234567",  # the shortest: 08 and seven digits
        "08123456789012",  # the longest: 08 and twelve digits
    ],
)
def test_validate_phone_accepts_indonesian_mobile_numbers(phone):
    validate_phone(phone)


@pytest.mark.parametrize(
    "phone",
    [
        "0221234567",  # a Bandung landline
        "08123456",  # 08 and six digits
        "081234567890123",  # 08 and thirteen digits
        "0812-3456-7890",
        "+62 812 3456 7890",
        "+6581234567",  # Singapore
        "81234567890",
        "",
    ],
)
def test_validate_phone_refuses(phone):
    assert error_code(validate_phone, phone) == "phone"


# --- validate_blkk_code -----------------------------------------------------------


@pytest.mark.parametrize(
    "code", ["BLKK-32.73-001", "KEP.123/2019", "ABC", "A" * 40, "001/BLKK/III"]
)
def test_validate_blkk_code_accepts_registration_codes(code):
    validate_blkk_code(code)


@pytest.mark.parametrize(
    "code", ["blkk-32.73-001", "AB", "-BLKK", "BLKK 001", "A" * 41, "BLKK_001", ""]
)
def test_validate_blkk_code_refuses(code):
    assert error_code(validate_blkk_code, code) == "blkk_code"


# --- validate_nib -----------------------------------------------------------------


def test_validate_nib_accepts_thirteen_digits():
    validate_nib("9120001234567")


@pytest.mark.parametrize(
    "nib", ["912000123456", "91200012345678", "912000123456A", "9120-0012-34567"]
)
def test_validate_nib_refuses(nib):
    assert error_code(validate_nib, nib) == "nib"


# --- validate_not_future ----------------------------------------------------------


@pytest.mark.parametrize("days_ago", [0, 1, 3650])
def test_validate_not_future_accepts_today_and_the_past(days_ago):
    validate_not_future(timezone.localdate() - datetime.timedelta(days=days_ago))


def test_validate_not_future_refuses_tomorrow():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert error_code(validate_not_future, tomorrow) == "future"


# --- validate_established_year ----------------------------------------------------


@pytest.mark.parametrize("offset", [0, 1, 5])
def test_validate_established_year_accepts_up_to_this_year(offset):
    validate_established_year(timezone.localdate().year - offset)


def test_validate_established_year_accepts_1900():
    validate_established_year(1900)


@pytest.mark.parametrize(
    "year", [1899, 0, timezone.localdate().year + 1], ids=["1899", "0", "next year"]
)
def test_validate_established_year_refuses(year):
    assert error_code(validate_established_year, year) == "established_year"
