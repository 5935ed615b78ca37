"""Validators for Indonesian identifiers (NIK, phone numbers, BLKK codes).

NIK layout (Dukcapil): digits 1-6 the region of issue (province, regency, district),
7-12 the birth date as DDMMYY with 40 added to the day for women, 13-16 a serial.
Regencies were split and renumbered after many NIKs were issued, so only the province
(digits 1-2) is checked against the regions list.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

NIK_PATTERN = r"^[0-9]{16}$"
FEMALE_DAY_OFFSET = 40


@dataclass(frozen=True)
class NikBirth:
    """What digits 7-12 of a NIK say: day, month, two-digit year and gender."""

    day: int
    month: int
    year_2digit: int
    gender: str  # "M" or "F"

    def as_text(self) -> str:
        return f"{self.day:02d}-{self.month:02d}-{self.year_2digit:02d}"

    def matches(self, birth_date: datetime.date) -> bool:
        return (birth_date.day, birth_date.month, birth_date.year % 100) == (
            self.day,
            self.month,
            self.year_2digit,
        )


def _is_real_date(day: int, month: int, year_2digit: int) -> bool:
    """True when DD-MM-YY is a date in 19YY or 20YY (29 February needs a leap year)."""
    for century in (1900, 2000):
        try:
            datetime.date(century + year_2digit, month, day)
        except ValueError:
            continue
        return True
    return False


def nik_birth(nik: str) -> NikBirth | None:
    """Decode a NIK's birth digits; None when malformed or not a real date."""
    if not re.fullmatch(NIK_PATTERN, nik or ""):
        return None
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    gender = "M"
    if day > FEMALE_DAY_OFFSET:
        day, gender = day - FEMALE_DAY_OFFSET, "F"
    if not _is_real_date(day, month, year):
        return None
    return NikBirth(day=day, month=month, year_2digit=year, gender=gender)


def validate_nik(nik: str) -> None:
    """16 digits, a known province code, and a real birth date in digits 7-12."""
    error = nik_error(nik, province_known=_province_known())
    if error is not None:
        raise error


# The province codes, when read once for many NIKs (`nik_provinces_read_once`).
_PROVINCE_CODES: ContextVar[frozenset[str] | None] = ContextVar(
    "nik_province_codes", default=None
)


@contextmanager
def nik_provinces_read_once() -> Iterator[None]:
    """Within the block, `validate_nik` asks a set of the province codes read at
    its start instead of the database for each NIK (a spreadsheet of thousands)."""
    from .models import Province

    codes = frozenset(Province.objects.values_list("code", flat=True))
    token = _PROVINCE_CODES.set(codes)
    try:
        yield
    finally:
        _PROVINCE_CODES.reset(token)


def _province_known() -> Callable[[str], bool]:
    codes = _PROVINCE_CODES.get()
    if codes is not None:
        return codes.__contains__
    from .models import Province

    return lambda code: Province.objects.filter(code=code).exists()


def nik_error(
    nik: str, *, province_known: Callable[[str], bool]
) -> ValidationError | None:
    """What `validate_nik` says about `nik`, with the provinces looked up by
    `province_known` (a spreadsheet import asks a set it read once)."""
    if not re.fullmatch(NIK_PATTERN, nik or ""):
        return ValidationError(_("NIK must be exactly 16 digits."), code="nik_format")
    if not province_known(nik[:2]):
        return ValidationError(
            _("NIK starts with %(code)s, which is not a province code."),
            code="nik_province",
            params={"code": nik[:2]},
        )
    if nik_birth(nik) is None:
        return ValidationError(
            _(
                "Digits 7-12 of the NIK are not a real birth date "
                "(DDMMYY, with 40 added to the day for women)."
            ),
            code="nik_birth_date",
        )
    return None


def nik_agreement_errors(
    nik: str, birth_date: datetime.date | None, gender: str | None
) -> dict[str, ValidationError]:
    """Field errors where the NIK disagrees with the stated birth date or gender."""
    decoded = nik_birth(nik)
    errors: dict[str, ValidationError] = {}
    if decoded is None:
        return errors
    if birth_date and not decoded.matches(birth_date):
        errors["birth_date"] = ValidationError(
            _("Birth date does not match the NIK (digits 7-12 say %(date)s)."),
            code="nik_birth_mismatch",
            params={"date": decoded.as_text()},
        )
    if gender and gender != decoded.gender:
        errors["gender"] = ValidationError(
            _("Gender does not match the NIK (women have 40 added to the birth day)."),
            code="nik_gender_mismatch",
        )
    return errors


def mask_nik(nik: str) -> str:
    """Hide the middle digits: `3273********0001`."""
    if len(nik) != 16:
        return "*" * len(nik)
    return f"{nik[:4]}{'*' * 8}{nik[12:]}"


validate_phone = RegexValidator(
    regex=r"^(\+62|62|0)8[0-9]{7,12}$",
    message=_(
        "Enter an Indonesian mobile number such as 081234567890 or +6281234567890."
    ),
    code="phone",
)

# An office number: a landline (area code 021, 0251, 0967... then the subscriber) or
# a mobile number, as organisations give either.
validate_phone_number = RegexValidator(
    regex=r"^(\+62|62|0)(8[0-9]{7,12}|[2-79][0-9]{7,10})$",
    message=_(
        "Enter an Indonesian landline or mobile number such as 0215550123, "
        "0251862123 or 081234567890."
    ),
    code="phone",
)

validate_blkk_code = RegexValidator(
    regex=r"^[A-Z0-9][A-Z0-9.\-/]{2,39}$",
    message=_(
        "Use the registration code: capital letters, digits, dots, dashes or slashes."
    ),
    code="blkk_code",
)

validate_nib = RegexValidator(
    regex=r"^[0-9]{13}$",
    message=_("NIB must be exactly 13 digits."),
    code="nib",
)


def validate_not_future(value: datetime.date) -> None:
    if value > timezone.localdate():
        raise ValidationError(_("This date cannot be in the future."), code="future")


def validate_established_year(value: int) -> None:
    if not 1900 <= value <= timezone.localdate().year:
        raise ValidationError(
            _("Year must be between 1900 and this year."), code="established_year"
        )
