"""A progress report's files: XLSX (KPI sheet, breakdown, 12-month trend with native
Excel charts) and CSV. Pure rendering from stored reports; no KPI is computed here.

Every row goes through `blkk_portal.spreadsheets`, so a name that starts like a
formula is text in both files."""

from __future__ import annotations

import io

from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font

from blkk_portal.spreadsheets import SafeCsvWriter, append_xlsx_row
from training.models import OutcomeStatus

from .kpis import KPI_KEYS, OUTCOME_STATUSES

KPI_LABELS = {
    "blkk_count": gettext_lazy("Active BLKKs"),
    "trainees_registered": gettext_lazy("Trainees registered"),
    "graduates": gettext_lazy("Graduates (enrollments completed)"),
    "certified_competent": gettext_lazy("Certified competent"),
    "outcome_counts": gettext_lazy("Graduates by latest outcome"),
    "ventures_active": gettext_lazy("Active ventures at month end"),
    "ventures_graduated": gettext_lazy("Ventures graduated"),
    "jobs_created": gettext_lazy("Jobs (workers employed by ventures)"),
    "revenue_total": gettext_lazy("Ventures' revenue (IDR)"),
    "mentoring_sessions": gettext_lazy("Mentoring sessions"),
    "mentoring_hours": gettext_lazy("Mentoring hours"),
    "ventures_mentored": gettext_lazy("Ventures mentored"),
    "ventures_at_risk": gettext_lazy("Ventures at risk (no session in 60 days)"),
    "metrics_expected": gettext_lazy("Monthly metrics expected"),
    "metrics_reported": gettext_lazy("Monthly metrics reported"),
}
# The trend charts: activity counts on a line chart, jobs on a bar chart.
TREND_LINE_KEYS = (
    "graduates",
    "ventures_active",
    "mentoring_sessions",
    "ventures_at_risk",
)
TREND_BAR_KEY = "jobs_created"
BOLD = Font(bold=True)


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


def flat_kpis(kpis: dict) -> list[tuple[str, str, object]]:
    """(column key, label, value) for every figure, outcome counts one per status."""
    rows = []
    outcome_labels = dict(OutcomeStatus.choices)
    for key in KPI_KEYS:
        if key == "outcome_counts":
            counts = kpis.get(key, {})
            for status in OUTCOME_STATUSES:
                label = f"{KPI_LABELS[key]}: {outcome_labels[status]}"
                rows.append((f"outcome_{status}", label, counts.get(status, 0)))
        else:
            rows.append((key, str(KPI_LABELS[key]), kpis.get(key, 0)))
    return rows


def report_title(report, name: str) -> str:
    return _("Progress report %(where)s, %(period)s") % {
        "where": name,
        "period": f"{report.period:%Y-%m}",
    }


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
    sheet["A1"].font = BOLD
    generated_at = timezone.localtime(report.generated_at)  # WIB, the portal's clock
    append_xlsx_row(sheet, [_("Generated at"), f"{generated_at:%Y-%m-%d %H:%M %Z}"])
    append_xlsx_row(sheet, [])
    append_xlsx_row(sheet, [_("Figure"), _("Value")])
    for _key, label, value in flat_kpis(report.kpis):
        append_xlsx_row(sheet, [label, value])
    sheet.column_dimensions["A"].width = 55
    sheet.column_dimensions["B"].width = 18


def _breakdown_sheet(sheet, breakdown: list[dict]) -> None:
    columns = flat_kpis({})
    append_xlsx_row(
        sheet, [_("Code"), _("Name"), *(label for _k, label, _v in columns)]
    )
    for row in breakdown:
        values = [value for _k, _l, value in flat_kpis(row["kpis"])]
        append_xlsx_row(sheet, [row["code"], row["name"], *values])
    sheet.freeze_panes = "C2"


def _trend_sheet(sheet, trend: list[dict]) -> None:
    keys = (*TREND_LINE_KEYS, TREND_BAR_KEY)
    append_xlsx_row(sheet, [_("Month"), *(str(KPI_LABELS[key]) for key in keys)])
    for entry in trend:
        append_xlsx_row(
            sheet,
            [f"{entry['period']:%Y-%m}", *(entry["kpis"].get(k, 0) for k in keys)],
        )
    last_row = len(trend) + 1
    months = Reference(sheet, min_col=1, min_row=2, max_row=last_row)

    line = LineChart()
    line.title = _("Last 12 months")
    line.y_axis.title = _("Count")
    line.x_axis.title = _("Month")
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
    bar_column = 2 + len(TREND_LINE_KEYS)
    bar.add_data(
        Reference(sheet, min_col=bar_column, min_row=1, max_row=last_row),
        titles_from_data=True,
    )
    bar.set_categories(months)
    bar.width, bar.height = 24, 10
    sheet.add_chart(bar, "H24")


def render_csv(report, name: str) -> bytes:
    """One row for the report's scope, then one per breakdown row; outcome counts
    are one column per status. UTF-8 with a BOM, which Excel needs to read it."""
    columns = flat_kpis({})
    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer)
    writer.writerow(["scope", "scope_code", "name", *(key for key, _l, _v in columns)])
    rows = [(report.scope, report.scope_code, name, report.kpis)]
    child_scope = "province" if report.scope == "national" else "blkk"
    rows += [(child_scope, r["code"], r["name"], r["kpis"]) for r in report.breakdown]
    for scope, code, name, kpis in rows:
        writer.writerow([scope, code, name, *(v for _k, _l, v in flat_kpis(kpis))])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
