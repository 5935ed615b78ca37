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

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

TREND_MONTHS = 12
NATIONAL_NAME = "Indonesia"


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
    if scope == ReportScope.PROVINCE:
        name = Province.objects.filter(code=scope_code).values_list("name", flat=True)
        return name.first() or scope_code
    if scope == ReportScope.BLKK:
        name = Blkk.objects.filter(code=scope_code).values_list("name", flat=True)
        return f"{name.first() or ''} ({scope_code})"
    return NATIONAL_NAME


def report_trend(report: ProgressReport) -> list[dict]:
    """The stored reports of the same scope over the 12 months ending with this one."""
    return stored_trend(report.scope, report.scope_code, report.period)


def stored_trend(scope: str, scope_code: str, last: datetime.date) -> list[dict]:
    """A scope's stored reports (period and KPIs) over the `TREND_MONTHS` months
    ending with the month whose first day is `last`, oldest first."""
    # Dates, not `Month.shifted`: a report of 1900 has a trend too, though no Month
    # exists before 1900.
    index = last.year * 12 + last.month - 1 - TREND_MONTHS
    before_trend = datetime.date(index // 12, index % 12 + 1, 1)
    return list(
        ProgressReport.objects.filter(
            scope=scope,
            scope_code=scope_code,
            period__gt=before_trend,
            period__lte=last,
        )
        .order_by("period")
        .values("period", "kpis")
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
