"""Calendar months as the portal uses them: `YYYY-MM`, stored as the month's first day.

The one month parser: the API's month fields and filters, the admin, the reports and
the commands all read `YYYY-MM` through `Month.parse`, so they accept the same months.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from django.utils import timezone

# ASCII digits only, the whole text (no trailing newline): what the API's schema says.
# Callers hand in the text as it came: a form or a command that stripped it first
# would accept "2026-01\n".
_MONTH_PATTERN = re.compile(r"([0-9]{4})-([0-9]{2})")
# The same for an OpenAPI schema (ECMA regular expressions, where `$` is the end).
SCHEMA_PATTERN = "^[0-9]{4}-(0[1-9]|1[0-2])$"
# The lowest year anything in the portal records (a BLKK's founding year too).
MIN_YEAR = 1900
MAX_YEAR = 9999


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not MIN_YEAR <= self.year <= MAX_YEAR:
            raise ValueError(f"not a month: {self.year}-{self.month}")

    @classmethod
    def parse(cls, text: str) -> Month:
        """`YYYY-MM` to a Month; ValueError for anything else, including a year
        before 1900 and text around the month (forms strip their input first)."""
        match = _MONTH_PATTERN.fullmatch(text) if isinstance(text, str) else None
        if not match:
            raise ValueError(f"not a YYYY-MM month: {text!r}")
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, day: datetime.date) -> Month:
        return cls(day.year, day.month)

    @classmethod
    def last_completed(cls, now: datetime.datetime | None = None) -> Month:
        """The month before the current one, judged on the portal's clock
        (Asia/Jakarta): at 00:30 WIB on 1 December it is already November."""
        today = timezone.localdate(now) if now else timezone.localdate()
        return cls.of(today).shifted(-1)

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, self.month, 1)

    @property
    def last_day(self) -> datetime.date:
        days = calendar.monthrange(self.year, self.month)[1]
        return datetime.date(self.year, self.month, days)

    def shifted(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"
