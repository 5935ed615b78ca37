"""Calendar months as the reports use them: `YYYY-MM`, stored as the first day."""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from django.utils import timezone

_MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 1 <= self.year <= 9999:
            raise ValueError(f"not a month: {self.year}-{self.month}")

    @classmethod
    def parse(cls, text: str) -> Month:
        """`YYYY-MM` to a Month; ValueError for anything else."""
        match = _MONTH_PATTERN.match(text.strip()) if text else None
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
