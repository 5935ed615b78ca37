"""The KPI pass's baseline: `bench/kpis.sql`, the same figures written by hand in one
statement, run on the portal's database connection.

`run_handwritten_kpis(month)` gives {BLKK id: {count name: number}} with the names
of `reports.kpis.BlkkFigures.counts` (every one present, zeros included), so that
`reports.kpis.kpis_from_counts` makes a report's KPIs of either. The benchmark
times it beside `reports.kpis.figures_by_blkk`; tests/reports/test_kpi_handwritten.py
checks that both give the same figures.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.db import connection

from blkk_portal.months import Month

SQL_PATH = Path(__file__).with_name("kpis.sql")


@cache
def handwritten_sql() -> str:
    return SQL_PATH.read_text(encoding="utf-8")


def _number(value: int | Decimal) -> int:
    # `sum` of a bigint is a numeric in PostgreSQL: every figure is a whole number.
    return int(value)


def run_handwritten_kpis(
    month: Month | datetime.date, *, using=None
) -> dict[int, dict[str, int]]:
    """Every BLKK's raw figures for `month` from the hand-written SQL: minutes, not
    hours; one `outcome:<status>`, `placement:<kind>` and `grade:<grade>` entry per
    choice. `using` is a database connection (the portal's by default)."""
    if isinstance(month, datetime.date):
        month = Month.of(month)
    params = {"first_day": month.first_day, "last_day": month.last_day}
    with (using or connection).cursor() as cursor:
        cursor.execute(handwritten_sql(), params)
        names = [column.name for column in cursor.description][1:]
        return {
            row[0]: dict(zip(names, map(_number, row[1:]), strict=True))
            for row in cursor.fetchall()
        }
