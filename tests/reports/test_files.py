"""A report's files read by a person: the XLSX labelled in the portal's language with
Excel number formats, the CSV with machine keys and a row of labels."""

from __future__ import annotations

import csv
import datetime
import io
from collections import Counter

import pytest
from django.utils import translation
from openpyxl import load_workbook

from reports import files, services, tasks
from reports.kpis import kpis_from_counts
from reports.models import ProgressReport, ReportRun
from tests.training.factories import TraineeFactory

from .factories import ProgressReportFactory

pytestmark = pytest.mark.django_db

APRIL = datetime.date(2026, 4, 1)
COUNTS = Counter(
    trainees_registered=1234,
    revenue_total=1_250_000,
    mentoring_minutes=750,
    jobs_created=12,
    blkk_count=2,
    **{"outcome:employed": 5},
)


def workbook_of(report: ProgressReport):
    with report.xlsx_file.open("rb") as handle:
        return load_workbook(io.BytesIO(handle.read()))


def csv_rows(report: ProgressReport) -> list[list[str]]:
    with report.csv_file.open("rb") as handle:
        return list(csv.reader(io.StringIO(handle.read().decode("utf-8-sig"))))


@pytest.fixture
def report(blkk_a):
    breakdown = [
        {"code": "32", "name": "Jawa Barat", "kpis": kpis_from_counts(COUNTS)},
    ]
    stored = ProgressReportFactory(
        period=APRIL, kpis=kpis_from_counts(COUNTS), breakdown=breakdown
    )
    return services.report_files_render(report_id=stored.pk)


def cells_by_label(sheet) -> dict:
    return {row[0].value: row for row in sheet.iter_rows() if row[0].value}


def test_the_kpi_sheet_has_indonesian_labels_and_number_formats(report):
    kpi_sheet = workbook_of(report).worksheets[0]
    rows = cells_by_label(kpi_sheet)

    registered = rows["Peserta terdaftar"][1]
    assert (registered.value, registered.number_format) == (1234, "#,##0")
    revenue = rows["Omzet usaha binaan (Rp)"][1]
    assert (revenue.value, revenue.number_format) == (1_250_000, '"Rp" #,##0')
    hours = rows["Jam pendampingan"][1]
    assert (hours.value, hours.number_format) == (12.5, "0.00")
    month = rows["Bulan"][1]
    assert month.value.date() == APRIL
    assert month.number_format == "mmmm yyyy"
    assert rows["Lulusan menurut keterserapan terakhir"][0].font.bold
    employed = rows["Bekerja (penerima upah)"]
    assert employed[1].value == 5
    assert employed[0].alignment.indent == 2
    assert kpi_sheet.column_dimensions["A"].width >= 50
    assert kpi_sheet.column_dimensions["B"].width >= 15


def test_the_breakdown_and_trend_sheets_are_formatted_too(report):
    _kpis, breakdown, trend = workbook_of(report).worksheets

    header = [cell.value for cell in breakdown[1]]
    revenue_column = header.index("Omzet usaha binaan (Rp)")
    jobs_column = header.index("Lapangan kerja (tenaga kerja pada usaha binaan)")
    place = breakdown[2]
    assert place[1].value == "Jawa Barat"
    assert place[revenue_column].number_format == '"Rp" #,##0'
    assert place[jobs_column].number_format == "#,##0"
    assert breakdown.column_dimensions["B"].width >= 30
    month, *figures = trend[2]
    assert month.value.date() == APRIL
    assert month.number_format == "mmmm yyyy"
    assert {cell.number_format for cell in figures} == {"#,##0"}


def test_the_csv_keeps_machine_keys_and_adds_a_label_row(report):
    keys, labels, national, province = csv_rows(report)

    assert keys[:4] == ["scope", "scope_code", "name", "blkk_count"]
    assert "outcome_employed" in keys
    by_key = dict(zip(keys, labels, strict=True))
    assert by_key["trainees_registered"] == "Peserta terdaftar"
    assert by_key["outcome_employed"] == (
        "Lulusan menurut keterserapan terakhir: Bekerja (penerima upah)"
    )
    # Values stay raw numbers, for machines.
    values = dict(zip(keys, national, strict=True))
    assert values["revenue_total"] == "1250000"
    assert values["mentoring_hours"] == "12.5"
    assert values["scope"] == "national"
    assert province[:3] == ["province", "32", "Jawa Barat"]


def test_a_task_renders_in_the_portals_language_whatever_is_active(
    blkk_a, django_capture_on_commit_callbacks
):
    TraineeFactory(blkk=blkk_a, registered_on=APRIL)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.report_generate_async(
            scope="national", scope_code="", period=APRIL, requested_by=None
        )
    report = ProgressReport.objects.get(run=run)
    # An English request left English active in this thread; the task renders
    # again in Indonesian.
    with translation.override("en"):
        ReportRun.objects.filter(pk=run.pk).update(status="running")
        ProgressReport.objects.filter(pk=report.pk).update(files_generated_at=None)
        tasks.report_run_chunk(run.pk, [report.pk])

    report.refresh_from_db()
    labels = {row[0].value for row in workbook_of(report).worksheets[0].iter_rows()}
    assert "Peserta terdaftar" in labels
    assert "Trainees registered" not in labels
    assert csv_rows(report)[1][3] == "BLKK aktif"


def test_the_report_title_reads_the_month(report):
    with translation.override("en"):
        title = files.report_title(report, "Indonesia")
    assert title == "Progress report Indonesia, April 2026"
