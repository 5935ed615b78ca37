"""The dashboards of ministry and province staff (`/dashboard/`,
`/dashboard/province/CODE/`), and the pieces a BLKK's page shares with them: the
month's KPI tiles with their change from the month before, the 12-month trend, the
outcomes, the ventures at risk (`reports.dashboards` reads them all).

Charts are drawn in the browser by Chart.js (`static/js/dashboard.js`) from data
handed over with `json_script` (a data block, which the CSP does not run); each
chart's figures are also a table beside it, which screen readers read.
"""

from __future__ import annotations

import datetime

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from blkk_portal.accounts.models import Role
from blkk_portal.db_router import replica_reads
from blkk_portal.months import Month
from blkk_portal.pages import paginate, query_without_page, roles_required
from blkk_portal.templatetags.portal import bulan_singkat
from incubator.models import Assistance, AssistanceKind
from incubator.selectors import assistance_check_due_since
from training.models import Grade, OutcomeStatus, Placement

from .. import dashboards
from ..dashboards import Dashboard, Place
from ..kpis import GRADES, KPI_KEYS, OUTCOME_STATUSES, PLACEMENT_KINDS
from ..models import ReportScope
from ..presenting import KPI_LABELS, KPI_PARTS

DASHBOARD_ROLES = (Role.MINISTRY, Role.PROVINCE)
# How each KPI reads: a count unless said (the `portal` template filters).
KPI_KINDS = {
    "revenue_total": "rupiah",
    "mentoring_hours": "hours",
    "assistance_delivered_value": "rupiah",
}
# The figures a chart may show (`?kpi=`): the KPIs that are one number of the
# month's activity. Outcomes have a chart of their own; the count of BLKKs and the
# metrics expected (the active ventures) are tiles only.
CHART_KEYS = (
    "trainees_registered",
    "graduates",
    "certified_competent",
    "ventures_active",
    "ventures_graduated",
    "jobs_created",
    "revenue_total",
    "mentoring_sessions",
    "mentoring_hours",
    "ventures_mentored",
    "ventures_at_risk",
    "metrics_reported",
    "instructors_active",
    "instructors_certified",
    "partnerships_active",
    "applications_received",
    "applications_accepted",
    "assistance_delivered_value",
)
DEFAULT_CHART_KEY = "graduates"
# Column headings for the KPIs a table shows (the full label is the chart's title).
KPI_SHORT_LABELS = {
    "trainees_registered": gettext_lazy("New trainees"),
    "graduates": gettext_lazy("Graduates"),
    "certified_competent": gettext_lazy("Certified"),
    "ventures_active": gettext_lazy("Active ventures"),
    "ventures_graduated": gettext_lazy("Ventures graduated"),
    "jobs_created": gettext_lazy("Jobs"),
    "revenue_total": gettext_lazy("Revenue"),
    "mentoring_sessions": gettext_lazy("Sessions"),
    "mentoring_hours": gettext_lazy("Hours"),
    "ventures_mentored": gettext_lazy("Mentored"),
    "ventures_at_risk": gettext_lazy("At risk"),
    "metrics_reported": gettext_lazy("Reported"),
    "instructors_active": gettext_lazy("Instructors"),
    "instructors_certified": gettext_lazy("Certified instructors"),
    "partnerships_active": gettext_lazy("Partnerships"),
    "applications_received": gettext_lazy("Applications"),
    "applications_accepted": gettext_lazy("Accepted"),
    "assistance_delivered_value": gettext_lazy("Assistance"),
}
# Bars of the chart by province (every province) or by BLKK (the first of them by
# the figure shown); the table under it has every row.
CHART_ROWS = {ReportScope.NATIONAL: 40, ReportScope.PROVINCE: 15}
# How many months back the month picker offers (any month is a `?month=` away).
PICKER_MONTHS = 24


@require_GET
@roles_required(*DASHBOARD_ROLES)
def dashboard(request: HttpRequest) -> HttpResponse:
    """The country at a glance (ministry staff); province staff are sent to their
    province's dashboard, with the month and figure they asked for."""
    user = request.user
    if not user.sees_everything:
        url = reverse("dashboard-province", args=[user.province_id])
        query = request.GET.urlencode()
        return redirect(f"{url}?{query}" if query else url)
    return _render_dashboard(request, dashboards.national_place())


@require_GET
@roles_required(*DASHBOARD_ROLES)
def province_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    """A province at a glance, with its BLKKs: ministry staff, and that province's
    own staff; another province, or a code that is none, is 404."""
    user = request.user
    if not user.sees_everything and code != user.province_id:
        raise Http404(_("No province found."))
    place = dashboards.province_place(code)
    if place is None:
        raise Http404(_("No province found."))
    return _render_dashboard(request, place)


def _render_dashboard(request: HttpRequest, place: Place) -> HttpResponse:
    # Issue #14: the figures and lists are read on the read replica when one is set
    # (blkk_portal/db_router.py); the user, their roles and the page's rendering
    # stay on the primary.
    with replica_reads():
        context = _dashboard_context(request, place)
    return render(request, "reports/dashboard.html", context)


def _dashboard_context(request: HttpRequest, place: Place) -> dict:
    board = dashboard_of(request, place)
    chart_key = chosen_chart_key(request)
    month_query = _month_query(board)
    rows = _breakdown_rows(board, chart_key, month_query)
    top = rows[: CHART_ROWS.get(place.scope, 15)]
    context = {
        **figures_context(request, board, chart_key),
        "rows_page": paginate(request, rows),
        "query": query_without_page(request),
        "breakdown_chart": {
            "type": "bar",
            "horizontal": True,
            "format": KPI_KINDS.get(chart_key, "count"),
            "labels": [row["name"] for row in top],
            "series": [
                {
                    "label": str(KPI_LABELS[chart_key]),
                    "values": [r["value"] for r in top],
                }
            ],
        },
        "breakdown_shown": len(top),
        "breakdown_total": len(rows),
        "month_query": month_query,
        **grades_context(board),
        **today_lists_context(place),
        **assistance_context(request, place),
    }
    return context


def dashboard_of(request: HttpRequest, place: Place) -> Dashboard:
    """The dashboard of `place` for the page's `?month=` (404 for a month that is
    none, or has not begun)."""
    today = timezone.localdate()
    try:
        month = dashboards.month_asked(request.GET.get("month"), today)
    except ValueError:
        raise Http404(_("No such month.")) from None
    return dashboards.dashboard(place, month, today=today)


def chosen_chart_key(request: HttpRequest) -> str:
    key = request.GET.get("kpi", "")
    return key if key in CHART_KEYS else DEFAULT_CHART_KEY


def figures_context(request: HttpRequest, board: Dashboard, chart_key: str) -> dict:
    """What every dashboard, and a BLKK's page, shows of the month."""
    kpis = board.figures.kpis
    return {
        "board": board,
        "place": board.place,
        "month": board.month,
        "figures": board.figures,
        "tiles": tiles(board),
        "chart_key": chart_key,
        "chart_label": KPI_LABELS[chart_key],
        "chart_short_label": KPI_SHORT_LABELS.get(chart_key, KPI_LABELS[chart_key]),
        "chart_kind": KPI_KINDS.get(chart_key, "count"),
        "chart_choices": [(key, KPI_LABELS[key]) for key in CHART_KEYS],
        "month_choices": month_choices(board.month),
        "month_links": month_links(request, board),
        "reporting_rate": dashboards.reporting_rate(kpis),
        "previous_reporting_rate": (
            dashboards.reporting_rate(board.previous_kpis)
            if board.previous_kpis is not None
            else None
        ),
        "trend_rows": trend_rows(board, chart_key),
        "trend_columns": trend_columns(chart_key),
        "trend_chart": trend_chart(board, chart_key),
        "outcomes": outcome_rows(kpis),
        "outcome_chart": outcome_chart(kpis),
        "placements": placement_rows(kpis),
    }


# --- tiles ---------------------------------------------------------------------------


def tiles(board: Dashboard) -> list[dict]:
    """One tile per KPI that is one number (outcomes have their chart; a BLKK's own
    page leaves out the count of BLKKs), with the month before's value and the
    change from it."""
    previous = board.previous_kpis
    shown = []
    for key in KPI_KEYS:
        # A report stored before a KPI existed does not hold it: a dash, not 0.
        value = board.figures.kpis.get(key)
        if key in KPI_PARTS or isinstance(value, dict):
            continue
        if key == "blkk_count" and board.place.scope == ReportScope.BLKK:
            continue
        before = None if previous is None else previous.get(key)
        change = None
        if before is not None and value is not None:
            change = (
                round(value - before, 2)
                if isinstance(value, float)
                else (value - before)
            )
        shown.append(
            {
                "key": key,
                "label": KPI_LABELS[key],
                "value": value,
                "kind": KPI_KINDS.get(key, "count"),
                "previous": before,
                "change": change,
            }
        )
    return shown


# --- the month -----------------------------------------------------------------------


def month_choices(month: Month) -> list[Month]:
    """The months the picker offers, newest first: this one and the 23 before it,
    and the month shown when it is older."""
    this_month = Month.of(timezone.localdate())
    months = [this_month]
    while len(months) < PICKER_MONTHS:
        before = dashboards.month_before(months[-1])
        if before is None:
            break
        months.append(before)
    if month not in months:
        months.append(month)
    return months


def month_links(request: HttpRequest, board: Dashboard) -> dict:
    """The month before and after the one shown (none after this month), each a
    query string keeping the figure shown."""
    this_month = Month.of(timezone.localdate())
    links = {}
    kpi = request.GET.get("kpi")
    for name, month in (
        ("previous", board.previous_month),
        ("next", board.month.shifted(1) if board.month < this_month else None),
    ):
        if month is None:
            continue
        query = {} if month == this_month else {"month": str(month)}
        if kpi:
            query["kpi"] = kpi
        links[name] = {"month": month, "query": urlencode(query)}
    return links


def _month_query(board: Dashboard) -> str:
    """`month=YYYY-MM` for links down to another dashboard, empty for this month."""
    return "" if board.is_current else urlencode({"month": str(board.month)})


# --- the breakdown (provinces of the country, BLKKs of a province) --------------------


def _breakdown_rows(board: Dashboard, chart_key: str, month_query: str) -> list[dict]:
    """The report's breakdown rows, the largest figure first, each with its link
    down (a province's dashboard, a BLKK's page) and its reporting rate."""
    to_province = board.place.scope == ReportScope.NATIONAL
    suffix = f"?{month_query}" if month_query else ""
    rows = []
    for line in board.figures.breakdown:
        kpis = line["kpis"]
        url_name = "dashboard-province" if to_province else "blkk-home"
        grade = None if to_province else _grade_of(kpis)
        rows.append(
            {
                "code": line["code"],
                "name": line["name"],
                # None: a report stored before this KPI existed.
                "value": kpis.get(chart_key),
                "reported": kpis.get("metrics_reported", 0),
                "expected": kpis.get("metrics_expected", 0),
                "grade": grade,
                "grade_name": short_grade(grade) if grade else None,
                "url": reverse(url_name, args=[line["code"]]) + suffix,
            }
        )
    rows.sort(
        key=lambda row: (
            row["value"] is None,
            -(row["value"] or 0),
            row["name"],
            row["code"],
        )
    )
    return rows


def _grade_of(kpis: dict) -> str | None:
    """A BLKK's grade at month end from its own `blkk_by_grade` (the grade it
    counts in); None for an inactive BLKK, or a report stored before the KPI."""
    counts = kpis.get("blkk_by_grade") or {}
    return next((grade for grade in GRADES if counts.get(grade)), None)


# --- the trend -----------------------------------------------------------------------


# The trend table's columns after the figure of the charts (which comes first).
TREND_COLUMNS = (
    "graduates",
    "ventures_active",
    "jobs_created",
    "revenue_total",
    "mentoring_sessions",
)


def trend_columns(key: str) -> list[dict]:
    """The trend table's columns: the charts' figure, then the usual ones."""
    keys = [key, *(column for column in TREND_COLUMNS if column != key)]
    return [
        {
            "key": column,
            "label": KPI_SHORT_LABELS[column],
            "kind": KPI_KINDS.get(column, "count"),
        }
        for column in keys
    ]


def trend_rows(board: Dashboard, key: str) -> list[dict]:
    """Every month of the trend, oldest first, with the figure `key` of its stored
    report (None when no report of the month is stored) and the table's values."""
    stored = {row["period"]: row["kpis"] for row in board.trend}
    columns = trend_columns(key)
    rows = []
    for month in board.trend_months:
        kpis = stored.get(month.first_day)
        rows.append(
            {
                "month": month,
                "stored": kpis is not None,
                "value": None if kpis is None else kpis.get(key),
                "values": [
                    (None if kpis is None else kpis.get(column["key"]), column)
                    for column in columns
                ],
            }
        )
    return rows


def trend_chart(board: Dashboard, key: str) -> dict:
    rows = trend_rows(board, key)
    return {
        "type": "bar",
        "horizontal": False,
        "format": KPI_KINDS.get(key, "count"),
        "labels": [bulan_singkat(row["month"]) for row in rows],
        "series": [
            {
                "label": str(KPI_LABELS[key]),
                "values": [row["value"] for row in rows],
            }
        ],
    }


# --- outcomes ------------------------------------------------------------------------


def outcome_rows(kpis: dict) -> list[dict]:
    labels = dict(OutcomeStatus.choices)
    counts = kpis.get("outcome_counts", {})
    return [
        {"status": status, "label": labels[status], "count": counts.get(status, 0)}
        for status in OUTCOME_STATUSES
    ]


def outcome_chart(kpis: dict) -> dict:
    rows = outcome_rows(kpis)
    return {
        "type": "bar",
        "horizontal": True,
        "format": "count",
        "palette": True,
        "labels": [str(row["label"]) for row in rows],
        "series": [
            {
                "label": str(KPI_LABELS["outcome_counts"]),
                "values": [row["count"] for row in rows],
            }
        ],
    }


# --- programme records (issue #12) ----------------------------------------------------


def placement_rows(kpis: dict) -> list[dict]:
    """`placements_started` by kind; counts None for a report stored before it."""
    labels = dict(Placement.Kind.choices)
    counts = kpis.get("placements_started")
    return [
        {
            "kind": kind,
            "label": labels[kind],
            "count": None if counts is None else counts.get(kind, 0),
        }
        for kind in PLACEMENT_KINDS
    ]


def grade_labels() -> list[dict]:
    """Each grade's code and short name (Tumbuh, Berkembang, Mandiri)."""
    return [{"grade": grade, "label": short_grade(grade)} for grade in GRADES]


def short_grade(grade: str) -> str:
    """A grade's name without its explanation: "Berkembang"."""
    return str(Grade(grade).label).split(" (", 1)[0]


def grades_context(board: Dashboard) -> dict:
    """`blkk_by_grade` of the place, and per province for the country: a table
    (provinces by grade) and a stacked chart of it. Counts are None where the report
    was stored before the KPI existed."""
    counts = board.figures.kpis.get("blkk_by_grade")
    totals = [
        {**label, "count": None if counts is None else counts.get(label["grade"], 0)}
        for label in grade_labels()
    ]
    context: dict = {"grade_totals": totals, "grade_columns": grade_labels()}
    if board.place.scope != ReportScope.NATIONAL:
        return context
    rows = []
    for line in board.figures.breakdown:
        by_grade = line["kpis"].get("blkk_by_grade")
        rows.append(
            {
                "code": line["code"],
                "name": line["name"],
                "counts": [
                    None if by_grade is None else by_grade.get(grade, 0)
                    for grade in GRADES
                ],
            }
        )
    context["grade_rows"] = rows
    context["grade_chart"] = {
        "type": "bar",
        "horizontal": True,
        "stacked": True,
        "format": "count",
        "labels": [row["name"] for row in rows],
        "series": [
            {
                "label": column["label"],
                "values": [row["counts"][index] for row in rows],
            }
            for index, column in enumerate(grade_labels())
        ],
    }
    return context


def today_lists_context(place: Place) -> dict:
    """What a dashboard lists of today whatever the month: the BLKKs that moved up
    a grade this year, and the agreements ending within 60 days."""
    today = timezone.localdate()
    moved_up, moved_up_count = dashboards.blkks_moved_up(place, today)
    expiring, expiring_count = dashboards.partnerships_expiring_in(place, today)
    return {
        "today": today,
        "last_year_end": datetime.date(today.year - 1, 12, 31),
        "moved_up": [
            {
                "row": row,
                "before": short_grade(row.grade_before),
                "now": short_grade(row.grade_now),
            }
            for row in moved_up
        ],
        "moved_up_count": moved_up_count,
        "expiring": expiring,
        "expiring_count": expiring_count,
    }


# --- intake and assistance (issue #13) ------------------------------------------------


# The pages of one assistance and of a BLKK's assistance, tried in this order: the
# first that exists is the link of an assistance on a dashboard, else its BLKK's page.
def assistance_context(request: HttpRequest, place: Place) -> dict:
    """What a dashboard shows of assistance, as of today whatever the month: the
    value delivered this year by province (the country) or by BLKK (a province),
    with its chart, and the assistance not checked for more than six months.
    Two queries, from the reader's own rows."""
    today = timezone.localdate()
    rows = Assistance.objects.visible_to(request.user)
    year = dashboards.assistance_this_year(place, today, rows)
    due, due_count = dashboards.assistance_not_checked(place, today, rows)
    kinds = dict(AssistanceKind.choices)
    to_province = place.scope == ReportScope.NATIONAL
    for row in year.rows:
        row["url"] = (
            reverse("dashboard-province", args=[row["code"]])
            if to_province
            else reverse("blkk-home", args=[row["code"]])
        )
    return {
        "assistance_year": year,
        "assistance_chart": {
            "type": "bar",
            "horizontal": True,
            "format": "rupiah",
            "labels": [row["name"] for row in year.rows],
            "series": [
                {
                    "label": str(KPI_LABELS["assistance_delivered_value"]),
                    "values": [row["value"] for row in year.rows],
                }
            ],
        },
        "assistance_due": [
            {
                **row,
                "kind_label": kinds.get(row["kind"], row["kind"]),
                "url": reverse("assistance-detail", args=[row["blkk_code"], row["pk"]]),
            }
            for row in due
        ],
        "assistance_due_count": due_count,
        "assistance_check_cutoff": assistance_check_due_since(today),
    }
