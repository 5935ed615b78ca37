"""Months as the reports use them, and "last month" on the Asia/Jakarta clock."""

from __future__ import annotations

import datetime

import pytest

from blkk_portal.months import Month

UTC = datetime.UTC


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        # 16:59 UTC on 30 November is 23:59 WIB: still November, so last is October.
        (datetime.datetime(2026, 11, 30, 16, 59, tzinfo=UTC), Month(2026, 10)),
        # 17:00 UTC on 30 November is midnight WIB on 1 December: last is November.
        (datetime.datetime(2026, 11, 30, 17, 0, tzinfo=UTC), Month(2026, 11)),
        # New Year in Jakarta while it is still the old year in UTC.
        (datetime.datetime(2026, 12, 31, 17, 30, tzinfo=UTC), Month(2026, 12)),
    ],
)
def test_last_month_is_judged_in_jakarta(utc, expected):
    assert Month.last_completed(utc) == expected


def test_a_month_knows_its_first_and_last_day():
    assert (Month(2028, 2).first_day, Month(2028, 2).last_day) == (
        datetime.date(2028, 2, 1),
        datetime.date(2028, 2, 29),
    )
    assert Month(2026, 4).last_day == datetime.date(2026, 4, 30)


def test_months_shift_across_years():
    assert Month(2026, 1).shifted(-1) == Month(2025, 12)
    assert Month(2026, 4).shifted(-11) == Month(2025, 5)
    assert Month(2025, 12).shifted(1) == Month(2026, 1)


@pytest.mark.parametrize("text", ["2026-00", "2026-13", "2026-4", "26-04", "x", ""])
def test_only_yyyy_mm_parses(text):
    with pytest.raises(ValueError, match="month"):
        Month.parse(text)


def test_a_month_reads_and_prints_as_yyyy_mm():
    assert str(Month.parse("2026-04")) == "2026-04"


@pytest.mark.parametrize(
    "text",
    ["1899-12", "0001-01", " 2026-04", "2026-04\n", "\uff12\uff10\uff12\uff16-04"],
)
def test_months_before_1900_or_with_anything_around_them_do_not_parse(text):
    with pytest.raises(ValueError, match="month"):
        Month.parse(text)


def test_1900_is_the_first_month_there_is():
    assert Month.parse("1900-01").first_day == datetime.date(1900, 1, 1)
