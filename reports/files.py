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

The XLSX is written by `reports.xlsx` (the same few sheets for thousands of
reports a month, without openpyxl's fixed cost per file), the CSV through
`blkk_portal.spreadsheets`: a name that starts like a formula is text in both."""

from __future__ import annotations

import io

from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from blkk_portal.spreadsheets import SafeCsvWriter
from blkk_portal.templatetags.portal import NOTHING, tanggal

from . import xlsx
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


# The workbook's styles, declared once (`reports.xlsx`).
STYLES = xlsx.Stylesheet()
PLAIN = 0
TITLE = STYLES.add(bold=True, size=14)
BOLD = STYLES.add(bold=True)
HEADER = STYLES.add(bold=True, wrap=True, vertical="top")
PART = STYLES.add(indent=2)
MONTH = STYLES.add(number_format=MONTH_FORMAT)
MONTH_LEFT = STYLES.add(number_format=MONTH_FORMAT, horizontal="left")
FIGURE = {kind: STYLES.add(number_format=code) for kind, code in XLSX_FORMATS.items()}


def render_xlsx(report, name: str, trend: list[dict]) -> bytes:
    """The workbook: KPIs, the breakdown (province and national reports) and the
    trend of the last 12 stored months with a line chart and a bar chart.

    `name` names the scope; `trend` is [{"period": date, "kpis": {...}}] in month
    order, this month last. The same report gives the same bytes.
    """
    workbook = xlsx.Workbook(STYLES)
    _kpi_sheet(workbook, report, name)
    if report.breakdown:
        _breakdown_sheet(workbook, report.breakdown)
    _trend_sheet(workbook, trend)
    return workbook.to_bytes(created=report.generated_at)


def _kpi_sheet(workbook, report, name: str) -> None:
    sheet = workbook.add_sheet(_("KPIs"), widths={1: 55, 2: 20})
    sheet.append([(report_title(report, name), TITLE)])
    sheet.append([(_("Scope"), PLAIN), (name, PLAIN)])
    sheet.append([(_("Month"), PLAIN), (report.period, MONTH_LEFT)])
    generated_at = timezone.localtime(report.generated_at)  # WIB, the portal's clock
    generated = f"{tanggal(generated_at)} {generated_at:%Z}"
    sheet.append([(_("Generated at"), PLAIN), (generated, PLAIN)])
    sheet.append([])
    sheet.append([(_("Figure"), BOLD), (_("Value"), BOLD)])
    for row in kpi_rows(report.kpis):
        if row.heading:
            sheet.append([(row.label, BOLD)])
        else:
            label_style = PART if row.part else PLAIN
            figure = (_cell(row.value), FIGURE[row.kind])
            sheet.append([(row.label, label_style), figure])


def _breakdown_sheet(workbook, breakdown: list[dict]) -> None:
    columns = kpi_columns({})
    widths = {1: 16, 2: 40, **{index: 16 for index in range(3, len(columns) + 3)}}
    sheet = workbook.add_sheet(_("Breakdown"), widths=widths, freeze="C2")
    header = [_("Code"), _("Name"), *(column.label for column in columns)]
    sheet.append([(label, HEADER) for label in header])
    styles = [FIGURE[column.kind] for column in columns]
    for entry in breakdown:
        values = kpi_column_values(entry["kpis"])
        sheet.append(
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
    sheet.append([(label, HEADER) for label in header])
    styles = [FIGURE[kpi_kind(key)] for key in keys]
    for entry in trend:
        figures = [_cell(entry["kpis"].get(key)) for key in keys]
        sheet.append([(entry["period"], MONTH), *zip(figures, styles, strict=True)])
    last_row = len(trend) + 1
    sheet.charts.append(
        xlsx.Chart(
            kind="line",
            title=_("Last 12 months"),
            series_columns=range(2, 2 + len(TREND_LINE_KEYS)),
            category_column=1,
            last_row=last_row,
            anchor="H2",
            y_title=_("Count"),
            x_title=_("Month"),
            x_number_format=MONTH_FORMAT,
        )
    )
    sheet.charts.append(
        xlsx.Chart(
            kind="bar",
            title=str(KPI_LABELS[TREND_BAR_KEY]),
            series_columns=[2 + len(TREND_LINE_KEYS)],
            category_column=1,
            last_row=last_row,
            anchor="H24",
            y_title=_("People"),
            x_number_format=MONTH_FORMAT,
        )
    )


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
