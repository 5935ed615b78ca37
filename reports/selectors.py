"""Reads of the reports app: who may generate what, the BLKKs and name of a scope,
a report's trend, how far a background run got, and the home page's counts. The
dashboards' reads are `reports.dashboards`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from blkk_portal.accounts.models import Role
from incubator.models import Venture
from mentoring.models import MentoringSession
from training.models import Blkk, Enrollment, Province, Trainee

from .models import ProgressReport, ReportRun, ReportScope
from .presenting import KpiRow, scope_display, summary_row

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

TREND_MONTHS = 12


def report_generation_allowed(user, scope: str, scope_code: str) -> bool:
    """Ministry staff: any report. Provincial staff: their province's report and its
    BLKKs'. A BLKK manager: the reports of the BLKKs they manage. Nobody else."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.sees_everything:
        return True
    if scope == ReportScope.PROVINCE:
        return user.role == Role.PROVINCE and scope_code == user.province_id
    if scope != ReportScope.BLKK:
        return False
    if user.role == Role.PROVINCE and user.province_id:
        in_province = Blkk.objects.filter(regency__province_id=user.province_id)
        return in_province.filter(code=scope_code).exists()
    if user.role == Role.BLKK_MANAGER:
        return user.managed_blkks.filter(code=scope_code).exists()
    return False


def generation_scopes(user) -> list[str]:
    """The scopes `user` may generate some report of (the choices a form offers);
    which codes, `report_generation_allowed` says. Empty: none at all."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if user.sees_everything:
        return list(ReportScope.values)
    if user.role == Role.PROVINCE and user.province_id:
        return [ReportScope.PROVINCE, ReportScope.BLKK]
    if user.role == Role.BLKK_MANAGER:
        return [ReportScope.BLKK]
    return []


def scope_blkks(scope: str, scope_code: str) -> QuerySet:
    """The BLKKs a report covers; ValidationError for a scope or code that is none."""
    if scope == ReportScope.NATIONAL:
        if scope_code:
            raise ValidationError(
                {"scope_code": _("A national report has no scope code.")}
            )
        return Blkk.objects.all()
    if scope == ReportScope.PROVINCE:
        if not Province.objects.filter(code=scope_code).exists():
            raise ValidationError({"scope_code": _("There is no such province.")})
        return Blkk.objects.filter(regency__province_id=scope_code)
    if scope == ReportScope.BLKK:
        if not Blkk.objects.filter(code=scope_code).exists():
            raise ValidationError({"scope_code": _("There is no BLKK with this code.")})
        return Blkk.objects.filter(code=scope_code)
    raise ValidationError({"scope": _("Unknown scope.")})


def scope_name(scope: str, scope_code: str) -> str:
    """A scope by name (`presenting.scope_display`): "Indonesia", the province's
    name, the BLKK's name with its code."""
    place = None
    if scope == ReportScope.PROVINCE:
        place = Province.objects.filter(code=scope_code).values_list("name", flat=True)
    elif scope == ReportScope.BLKK:
        place = Blkk.objects.filter(code=scope_code).values_list("name", flat=True)
    return scope_display(scope, scope_code, place.first() if place else None)


def report_trend(report: ProgressReport) -> list[dict]:
    """The stored reports of the same scope over the 12 months ending with this one."""
    return stored_trend(report.scope, report.scope_code, report.period)


def _before_trend(last: datetime.date) -> datetime.date:
    """The first day of the month before the trend that ends with `last`."""
    # Dates, not `Month.shifted`: a report of 1900 has a trend too, though no Month
    # exists before 1900.
    index = last.year * 12 + last.month - 1 - TREND_MONTHS
    return datetime.date(index // 12, index % 12 + 1, 1)


def stored_trend(scope: str, scope_code: str, last: datetime.date) -> list[dict]:
    """A scope's stored reports (id, period and KPIs) over the `TREND_MONTHS` months
    ending with the month whose first day is `last`, oldest first."""
    return list(
        ProgressReport.objects.filter(
            scope=scope,
            scope_code=scope_code,
            period__gt=_before_trend(last),
            period__lte=last,
        )
        .order_by("period")
        .values("pk", "period", "kpis")
    )


def reports_trends(reports: list[ProgressReport]) -> dict[int, list[dict]]:
    """`report_trend` of each report, by report id, in one query however many
    (the files of a chunk of the monthly run)."""
    if not reports:
        return {}
    scopes = {(report.scope, report.scope_code) for report in reports}
    rows = ProgressReport.objects.filter(
        scope__in={scope for scope, _code in scopes},
        scope_code__in={code for _scope, code in scopes},
        period__gt=min(_before_trend(report.period) for report in reports),
        period__lte=max(report.period for report in reports),
    ).order_by("period")
    stored: dict[tuple[str, str], list[dict]] = {place: [] for place in scopes}
    for row in rows.values("scope", "scope_code", "pk", "period", "kpis"):
        place = (row.pop("scope"), row.pop("scope_code"))
        if place in stored:
            stored[place].append(row)
    return {
        report.pk: [
            row
            for row in stored[(report.scope, report.scope_code)]
            if _before_trend(report.period) < row["period"] <= report.period
        ]
        for report in reports
    }


@dataclass(frozen=True)
class BreakdownRow:
    """A province of a national report, or a BLKK of a province report: its name,
    its figures (`presenting.summary_row`) and its own report, if the user reads
    it."""

    name: str
    cells: list[KpiRow]
    report_id: int | None


def report_breakdown(report: ProgressReport, user) -> list[BreakdownRow]:
    """The report's stored breakdown by place, each linked to that place's report of
    the same month when the user may read it (one query)."""
    if not report.breakdown:
        return []
    child = ReportScope.PROVINCE if report.scope == ReportScope.NATIONAL else "blkk"
    codes = [entry["code"] for entry in report.breakdown]
    linked = dict(
        ProgressReport.objects.visible_to(user)
        .filter(scope=child, period=report.period, scope_code__in=codes)
        .values_list("scope_code", "pk")
    )
    return [
        BreakdownRow(
            name=scope_display(child, entry["code"], entry["name"]),
            cells=summary_row(entry["kpis"]),
            report_id=linked.get(entry["code"]),
        )
        for entry in report.breakdown
    ]


def report_run_report(run: ReportRun, user) -> ProgressReport | None:
    """The report a one-scope run generates, once stored, if the user reads it."""
    if not run.scope:
        return None
    return (
        ProgressReport.objects.visible_to(user)
        .filter(scope=run.scope, scope_code=run.scope_code, period=run.period)
        .first()
    )


@dataclass(frozen=True)
class RunProgress:
    status: str
    done: int
    total: int


def report_run_progress(run: ReportRun) -> RunProgress:
    """How many of the run's reports have their files (as
    `ReportRun.objects.with_progress` counts them), out of how many."""
    done = (
        ReportRun.objects.with_progress()
        .values_list("reports_done", flat=True)
        .get(pk=run.pk)
    )
    return RunProgress(status=run.status, done=done, total=run.reports_total)


def scope_counts(*, user) -> list[tuple[StrOrPromise, int]]:
    """How many of each main record the user can see, labelled for display."""
    return [
        (gettext_lazy("BLKKs"), Blkk.objects.visible_to(user).count()),
        (gettext_lazy("Trainees"), Trainee.objects.visible_to(user).count()),
        (gettext_lazy("Enrollments"), Enrollment.objects.visible_to(user).count()),
        (gettext_lazy("Ventures"), Venture.objects.visible_to(user).count()),
        (
            gettext_lazy("Mentoring sessions"),
            MentoringSession.objects.visible_to(user).count(),
        ),
    ]
