"""`reports.presenting`: the one way a report's KPIs are labelled, ordered and
typed for the page, the admin and the files."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.utils import translation

from reports.kpis import (
    GRADES,
    KPI_KEYS,
    OUTCOME_STATUSES,
    PLACEMENT_KINDS,
    kpis_from_counts,
)
from reports.presenting import (
    kpi_column_values,
    kpi_columns,
    kpi_rows,
    month_display,
    scope_display,
    summary_row,
)


@pytest.fixture(autouse=True)
def _english(english):
    pass


def test_rows_follow_designs_order_with_parts_under_their_heading():
    rows = kpi_rows(kpis_from_counts(Counter()))

    keys = [row.key for row in rows if not row.part]
    assert keys == list(KPI_KEYS)
    heading = next(row for row in rows if row.key == "outcome_counts")
    assert heading.heading
    assert heading.display == ""
    parts = [row.key for row in rows if row.part]
    assert parts == [
        *(f"outcome_{status}" for status in OUTCOME_STATUSES),
        *(f"placements_started_{kind}" for kind in PLACEMENT_KINDS),
        *(f"blkk_by_grade_{grade}" for grade in GRADES),
    ]


def test_each_value_reads_in_its_kind():
    rows = {
        row.key: row
        for row in kpi_rows(
            kpis_from_counts(
                Counter(revenue_total=1_250_000, mentoring_minutes=45, graduates=1234)
            )
        )
    }
    assert rows["revenue_total"].display == "Rp\u00a01,250,000"
    assert rows["mentoring_hours"].display == "0.75"
    assert rows["graduates"].display == "1,234"
    assert rows["revenue_total"].xlsx_format == '"Rp" #,##0'
    assert rows["mentoring_hours"].xlsx_format == "0.00"
    assert rows["graduates"].xlsx_format == "#,##0"


def test_a_figure_the_report_does_not_hold_is_a_dash_not_a_zero():
    rows = {row.key: row for row in kpi_rows({"graduates": 2, "retired_kpi": 7})}
    assert rows["graduates"].display == "2"
    assert rows["ventures_active"].display == "\u2013"
    assert rows["outcome_employed"].display == "\u2013"
    # The KPIs of the programme records, in a report stored before they existed.
    assert rows["instructors_active"].display == "\u2013"
    assert rows["placements_started_employment"].display == "\u2013"
    assert rows["blkk_by_grade_mandiri"].display == "\u2013"
    columns = {column.key: column for column in kpi_columns({"graduates": 2})}
    assert columns["instructors_active"].display == "\u2013"
    assert columns["blkk_by_grade_tumbuh"].value is None
    # A key no longer among the KPIs is still shown, under its own name.
    assert (rows["retired_kpi"].label, rows["retired_kpi"].display) == (
        "retired_kpi",
        "7",
    )


def test_columns_are_the_same_whatever_the_report_holds():
    empty = kpi_columns({})
    full = kpi_columns(kpis_from_counts(Counter(graduates=3)))
    assert [c.key for c in empty] == [c.key for c in full]
    # A figure the report does not hold is None (an empty CSV cell), not 0.
    assert {c.value for c in empty} == {None}
    assert {c.value for c in full} == {0, 3}
    employed = next(c for c in full if c.key == "outcome_employed")
    assert employed.label == "Graduates by latest outcome: Employed"


def test_labels_follow_the_active_language():
    with translation.override("id"):
        [registered] = [r for r in kpi_rows({}) if r.key == "trainees_registered"]
    assert registered.label == "Peserta terdaftar"


@pytest.mark.parametrize(
    ("scope", "code", "place", "expected"),
    [
        ("national", "", None, "Indonesia"),
        ("province", "32", "Jawa Barat", "Jawa Barat"),
        ("province", "99", None, "99"),
        ("blkk", "BLKK-32.73-001", "BLKK Al-Ikhlas", "BLKK Al-Ikhlas (BLKK-32.73-001)"),
        ("blkk", "BLKK-GONE", "", "BLKK-GONE"),
    ],
)
def test_a_scope_reads_by_name(scope, code, place, expected):
    assert scope_display(scope, code, place) == expected


def test_a_month_reads_as_a_person_writes_it():
    with translation.override("id"):
        assert month_display(datetime.date(2026, 12, 1)) == "Desember 2026"
    assert month_display(datetime.date(2026, 11, 1)) == "November 2026"


def test_a_summary_row_is_the_few_kpis_of_a_table():
    cells = summary_row(kpis_from_counts(Counter(revenue_total=5000)))
    assert [c.key for c in cells][:2] == ["trainees_registered", "graduates"]
    assert next(c for c in cells if c.key == "revenue_total").display == "Rp\u00a05,000"


@pytest.mark.parametrize(
    "kpis",
    [
        {},
        kpis_from_counts(Counter(trainees_registered=3, mentoring_minutes=90)),
        # Stored before some KPIs existed, and with a part no choice names.
        {"graduates": 2, "outcome_counts": {"employed": 1, "retired": 4}},
        {"outcome_counts": None, "placements_started": 7},
    ],
)
def test_column_values_are_the_columns_values_without_their_labels(kpis):
    assert kpi_column_values(kpis) == [column.value for column in kpi_columns(kpis)]
