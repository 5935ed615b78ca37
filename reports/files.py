"""A progress report's files: XLSX (KPI sheet, breakdown, 12-month trend with native
Excel charts) and CSV. Pure rendering from stored reports; no KPI is computed here.

Both are labelled by `reports.presenting` in the active language (the Celery tasks
and the commands render in the portal's, Indonesian unless set otherwise). The XLSX
shows figures with Excel number formats (thousands, rupiah, hours to two decimals,
months as dates), which Excel displays in its reader's locale. The CSV is for
machines and spreadsheets alike: its first row holds the machine keys (the API's
KPI keys), its second the labels, then one row per scope (docs/reports.md).

A report stored before a KPI existed does not hold it: the XLSX shows that figure
as "\u2013" (as the portal does), the CSV leaves its cell empty; never 0.

Every row goes through `blkk_portal.spreadsheets`, so a name that starts like a
formula is text in both files."""

from __future__ import annotations

import io

from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from blkk_portal.spreadsheets import SafeCsvWriter, append_xlsx_row
from blkk_portal.templatetags.portal import NOTHING, tanggal

from .presenting import (
    KPI_LABELS,
    XLSX_FORMATS,
    KpiRow,
    kpi_columns,
    kpi_kind,
    kpi_rows,
    report_title,
)

# The trend charts: activity counts on a line chart, jobs on a bar chart.
TREND_LINE_KEYS = (
    "graduates",
    "ventures_active",
    "mentoring_sessions",
    "ventures_at_risk",
)
TREND_BAR_KEY = "jobs_created"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
# A month cell: a date (the month's first day) that Excel shows as "November 2026"
# in its reader's language.
MONTH_FORMAT = "mmmm yyyy"
WRAP = Alignment(wrap_text=True, vertical="top")
PART = Alignment(indent=2)


def report_file_name(report, extension: str) -> str:
    """The one name of a report's `xlsx` or `csv` file: what a download and a mail
    attachment are called, and, in its month's folder, where it is stored."""
    code = report.scope_code or "id"
    return f"laporan-{report.scope}-{code}-{report.period:%Y-%m}.{extension}"


def report_file_path(report, filename: str) -> str:
    """`upload_to` of the report's files: `report_file_name` for the extension of
    `filename`, in the folder of the report's month."""
    extension = filename.rsplit(".", 1)[-1]
    return f"reports/{report.period:%Y-%m}/{report_file_name(report, extension)}"


def report_file_response(report, kind: str) -> FileResponse:
    """The report's `xlsx` or `csv` file as a download (the admin and the API)."""
    stored = {"xlsx": report.xlsx_file, "csv": report.csv_file}.get(kind)
    if not stored:
        raise Http404
    return FileResponse(
        stored.open("rb"), as_attachment=True, filename=report_file_name(report, kind)
    )


def _cell(value):
    """A figure for the XLSX: a report that does not hold it shows a dash."""
    return NOTHING if value is None else value


def flat_kpis(kpis: dict) -> list[tuple[str, str, object]]:
    """(column key, label, value) for every figure, outcome counts one per status:
    the CSV's columns (`presenting.kpi_columns`)."""
    return [(column.key, column.label, column.value) for column in kpi_columns(kpis)]


def _last_row(sheet) -> tuple:
    return sheet[sheet.max_row]


def _set_widths(sheet, widths: dict[int, float]) -> None:
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = width


def render_xlsx(report, name: str, trend: list[dict]) -> bytes:
    """The workbook: KPIs, the breakdown (province and national reports) and the
    trend of the last 12 stored months with a line chart and a bar chart.

    `name` names the scope; `trend` is [{"period": date, "kpis": {...}}] in month
    order, this month last.
    """
    workbook = Workbook()
    _kpi_sheet(workbook.active, report, name)
    if report.breakdown:
        _breakdown_sheet(workbook.create_sheet(_("Breakdown")), report.breakdown)
    _trend_sheet(workbook.create_sheet(_("Trend")), trend)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _kpi_sheet(sheet, report, name: str) -> None:
    sheet.title = _("KPIs")
    append_xlsx_row(sheet, [report_title(report, name)])
    sheet["A1"].font = TITLE
    append_xlsx_row(sheet, [_("Scope"), name])
    append_xlsx_row(sheet, [_("Month"), report.period])
    _last_row(sheet)[1].number_format = MONTH_FORMAT
    _last_row(sheet)[1].alignment = Alignment(horizontal="left")
    generated_at = timezone.localtime(report.generated_at)  # WIB, the portal's clock
    append_xlsx_row(
        sheet, [_("Generated at"), f"{tanggal(generated_at)} {generated_at:%Z}"]
    )
    append_xlsx_row(sheet, [])
    append_xlsx_row(sheet, [_("Figure"), _("Value")])
    for cell in _last_row(sheet):
        cell.font = BOLD
    for row in kpi_rows(report.kpis):
        _append_kpi_row(sheet, row)
    _set_widths(sheet, {1: 55, 2: 20})


def _append_kpi_row(sheet, row: KpiRow) -> None:
    append_xlsx_row(
        sheet, [row.label] if row.heading else [row.label, _cell(row.value)]
    )
    label, *value = _last_row(sheet)
    if row.heading:
        label.font = BOLD
        return
    if row.part:
        label.alignment = PART
    value[0].number_format = row.xlsx_format


def _breakdown_sheet(sheet, breakdown: list[dict]) -> None:
    columns = kpi_columns({})
    append_xlsx_row(sheet, [_("Code"), _("Name"), *(c.label for c in columns)])
    for cell in _last_row(sheet):
        cell.font = BOLD
        cell.alignment = WRAP
    for entry in breakdown:
        values = kpi_columns(entry["kpis"])
        append_xlsx_row(
            sheet, [entry["code"], entry["name"], *(_cell(c.value) for c in values)]
        )
        for cell, column in zip(_last_row(sheet)[2:], columns, strict=True):
            cell.number_format = column.xlsx_format
    sheet.freeze_panes = "C2"
    _set_widths(sheet, {1: 16, 2: 40})
    _set_widths(sheet, {index: 16 for index in range(3, len(columns) + 3)})


def _trend_sheet(sheet, trend: list[dict]) -> None:
    keys = (*TREND_LINE_KEYS, TREND_BAR_KEY)
    append_xlsx_row(sheet, [_("Month"), *(str(KPI_LABELS[key]) for key in keys)])
    for cell in _last_row(sheet):
        cell.font = BOLD
        cell.alignment = WRAP
    for entry in trend:
        append_xlsx_row(
            sheet, [entry["period"], *(_cell(entry["kpis"].get(k)) for k in keys)]
        )
        month, *figures = _last_row(sheet)
        month.number_format = MONTH_FORMAT
        for cell, key in zip(figures, keys, strict=True):
            cell.number_format = XLSX_FORMATS[kpi_kind(key)]
    _set_widths(sheet, {1: 18, **{index: 18 for index in range(2, len(keys) + 2)}})
    last_row = len(trend) + 1
    months = Reference(sheet, min_col=1, min_row=2, max_row=last_row)

    line = LineChart()
    line.title = _("Last 12 months")
    line.y_axis.title = _("Count")
    line.x_axis.title = _("Month")
    line.x_axis.number_format = MONTH_FORMAT
    line.add_data(
        Reference(
            sheet,
            min_col=2,
            max_col=1 + len(TREND_LINE_KEYS),
            min_row=1,
            max_row=last_row,
        ),
        titles_from_data=True,
    )
    line.set_categories(months)
    line.width, line.height = 24, 10
    sheet.add_chart(line, "H2")

    bar = BarChart()
    bar.title = str(KPI_LABELS[TREND_BAR_KEY])
    bar.y_axis.title = _("People")
    bar.x_axis.number_format = MONTH_FORMAT
    bar_column = 2 + len(TREND_LINE_KEYS)
    bar.add_data(
        Reference(sheet, min_col=bar_column, min_row=1, max_row=last_row),
        titles_from_data=True,
    )
    bar.set_categories(months)
    bar.width, bar.height = 24, 10
    sheet.add_chart(bar, "H24")


def render_csv(report, name: str) -> bytes:
    """The machine keys (the API's KPI keys; outcome counts one column per status),
    then their labels in the active language, then one row for the report's scope
    and one per breakdown row. A reader by machine skips the second row. UTF-8 with
    a BOM, which Excel needs to read it."""
    columns = kpi_columns({})
    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer)
    writer.writerow(["scope", "scope_code", "name", *(c.key for c in columns)])
    writer.writerow(
        [_("Scope"), _("Scope code"), _("Name"), *(c.label for c in columns)]
    )
    rows = [(report.scope, report.scope_code, name, report.kpis)]
    child_scope = "province" if report.scope == "national" else "blkk"
    rows += [(child_scope, r["code"], r["name"], r["kpis"]) for r in report.breakdown]
    for scope, code, row_name, kpis in rows:
        values = [column.value for column in kpi_columns(kpis)]
        writer.writerow([scope, code, row_name, *values])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
