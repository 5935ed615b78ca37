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

Both are written through `blkk_portal.spreadsheets` (the XLSX with XlsxWriter,
which takes less than half openpyxl's time per file over thousands of reports a month):
a name that starts like a formula is text in both."""

from __future__ import annotations

import io

from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from blkk_portal.spreadsheets import PLAIN, SafeCsvWriter, SafeXlsxWorkbook, Style
from blkk_portal.templatetags.portal import NOTHING, tanggal

from .presenting import (
    KPI_LABELS,
    XLSX_FORMATS,
    kpi_column_values,
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
# A month cell: a date (the month's first day) that Excel shows as "November 2026"
# in its reader's language.
MONTH_FORMAT = "mmmm yyyy"


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


# The workbook's styles, as XlsxWriter format properties (PLAIN: none).
TITLE: Style = {"bold": True, "font_size": 14}
BOLD: Style = {"bold": True}
HEADER: Style = {"bold": True, "text_wrap": True, "valign": "top"}
PART: Style = {"indent": 2}
MONTH: Style = {"num_format": MONTH_FORMAT}
MONTH_LEFT: Style = {"num_format": MONTH_FORMAT, "align": "left"}
FIGURE: dict[str, Style] = {
    kind: {"num_format": code} for kind, code in XLSX_FORMATS.items()
}
# A chart's size in pixels (about 24 x 10 cm on a screen of 96 dpi).
CHART_SIZE = {"width": 907, "height": 378}


def render_xlsx(report, name: str, trend: list[dict]) -> bytes:
    """The workbook: KPIs, the breakdown (province and national reports) and the
    trend of the last 12 stored months with a line chart and a bar chart.

    `name` names the scope; `trend` is [{"period": date, "kpis": {...}}] in month
    order, this month last. The same report gives the same bytes.
    """
    workbook = SafeXlsxWorkbook(created=report.generated_at)
    _kpi_sheet(workbook, report, name)
    if report.breakdown:
        _breakdown_sheet(workbook, report.breakdown)
    _trend_sheet(workbook, trend)
    return workbook.to_bytes()


def _kpi_sheet(workbook, report, name: str) -> None:
    sheet = workbook.add_sheet(_("KPIs"), widths={1: 55, 2: 20})
    sheet.add_row([(report_title(report, name), TITLE)])
    sheet.add_row([(_("Scope"), PLAIN), (name, PLAIN)])
    sheet.add_row([(_("Month"), PLAIN), (report.period, MONTH_LEFT)])
    generated_at = timezone.localtime(report.generated_at)  # WIB, the portal's clock
    generated = f"{tanggal(generated_at)} {generated_at:%Z}"
    sheet.add_row([(_("Generated at"), PLAIN), (generated, PLAIN)])
    sheet.add_row([])
    sheet.add_row([(_("Figure"), BOLD), (_("Value"), BOLD)])
    for row in kpi_rows(report.kpis):
        if row.heading:
            sheet.add_row([(row.label, BOLD)])
        else:
            label_style = PART if row.part else PLAIN
            figure = (_cell(row.value), FIGURE[row.kind])
            sheet.add_row([(row.label, label_style), figure])


def _breakdown_sheet(workbook, breakdown: list[dict]) -> None:
    columns = kpi_columns({})
    widths = {1: 16, 2: 40, **{index: 16 for index in range(3, len(columns) + 3)}}
    sheet = workbook.add_sheet(_("Breakdown"), widths=widths, freeze="C2")
    header = [_("Code"), _("Name"), *(column.label for column in columns)]
    sheet.add_row([(label, HEADER) for label in header])
    styles = [FIGURE[column.kind] for column in columns]
    for entry in breakdown:
        values = kpi_column_values(entry["kpis"])
        sheet.add_row(
            [
                (entry["code"], PLAIN),
                (entry["name"], PLAIN),
                *zip(map(_cell, values), styles, strict=True),
            ]
        )


def _trend_sheet(workbook, trend: list[dict]) -> None:
    keys = (*TREND_LINE_KEYS, TREND_BAR_KEY)
    widths = {index: 18 for index in range(1, len(keys) + 2)}
    sheet = workbook.add_sheet(_("Trend"), widths=widths)
    header = [_("Month"), *(str(KPI_LABELS[key]) for key in keys)]
    sheet.add_row([(label, HEADER) for label in header])
    styles = [FIGURE[kpi_kind(key)] for key in keys]
    for entry in trend:
        figures = [_cell(entry["kpis"].get(key)) for key in keys]
        sheet.add_row([(entry["period"], MONTH), *zip(figures, styles, strict=True)])
    line_columns = range(1, 1 + len(TREND_LINE_KEYS))
    line = _trend_chart(workbook, sheet, "line", _("Last 12 months"), line_columns)
    line.set_x_axis({"name": _("Month"), "num_format": MONTH_FORMAT})
    line.set_y_axis({"name": _("Count")})
    sheet.worksheet.insert_chart("H2", line)
    bar_title = str(KPI_LABELS[TREND_BAR_KEY])
    bar = _trend_chart(workbook, sheet, "column", bar_title, [len(keys)])
    bar.set_x_axis({"num_format": MONTH_FORMAT})
    bar.set_y_axis({"name": _("People")})
    sheet.worksheet.insert_chart("H24", bar)


def _trend_chart(workbook, sheet, kind: str, title: str, columns):
    """A chart of the trend sheet: one series per column (0 is A) named by its
    header, over the months of column A."""
    chart = workbook.book.add_chart({"type": kind})
    last_row = max(sheet.rows - 1, 1)
    for column in columns:
        series: dict[str, object] = {
            "name": [sheet.name, 0, column],
            "categories": [sheet.name, 1, 0, last_row, 0],
            "values": [sheet.name, 1, column, last_row, column],
        }
        if kind == "line":
            series["marker"] = {"type": "none"}
        chart.add_series(series)
    chart.set_title({"name": title})
    chart.set_size(CHART_SIZE)
    return chart


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
        writer.writerow([scope, code, row_name, *kpi_column_values(kpis)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
