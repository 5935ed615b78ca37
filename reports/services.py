"""Every write of the reports app: generating (KPIs, files), storing, mailing, runs.

The public entry points, for the admin, the management command, the Celery tasks and
the API:

- `report_generate(scope=, scope_code=, period=)`: one report, now, in this process.
- `report_generate_async(scope=, scope_code=, period=, requested_by=)`: the same in
  the background; returns the `ReportRun` (its `task_id`, and its progress through
  `selectors.report_run_progress`).
- `reports_generate_month_async(period=, requested_by=, notify=)`: every BLKK,
  province and the country for a month, in the background (what beat runs).
- `selectors.report_generation_allowed(user, scope, scope_code)`: may this user ask
  for it (checked by the caller, as the admin and the API do).
- `ProgressReport.objects.visible_to(user)`: who reads which reports.

Storing is one `INSERT ... ON CONFLICT (scope, scope_code, period) DO UPDATE` per
batch, so regenerating replaces a report atomically, and two workers generating the
same report at once leave one row.
"""

from __future__ import annotations

import datetime
import functools
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from blkk_portal.months import Month
from training.models import Blkk

from .files import (
    flat_kpis,
    render_csv,
    render_xlsx,
    report_file_name,
    report_title,
)
from .kpis import BlkkFigures, counts_total, figures_by_blkk, kpis_from_counts
from .models import ProgressReport, ReportRun, ReportScope
from .selectors import report_run_progress, report_trend, scope_blkks, scope_name

# Reports rendered and mailed per task of the fan-out.
CHUNK_SIZE = 50
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ReportContent:
    """What one report will hold, before it is stored."""

    scope: str
    scope_code: str
    counts: Counter
    breakdown: list[dict]


# Contents -------------------------------------------------------------------------


def _breakdown_row(code: str, name: str, counts) -> dict:
    return {"code": code, "name": name, "kpis": kpis_from_counts(counts)}


def _by_province(rows: list[BlkkFigures]) -> list[dict]:
    provinces: dict[str, list[BlkkFigures]] = defaultdict(list)
    for row in rows:
        provinces[row.province_code].append(row)
    return [
        _breakdown_row(code, members[0].province_name, counts_total(members))
        for code, members in sorted(provinces.items())
    ]


def _by_blkk(rows: list[BlkkFigures]) -> list[dict]:
    return [_breakdown_row(row.code, row.name, row.counts) for row in rows]


def _content_of_scope(scope: str, scope_code: str, rows: list[BlkkFigures]):
    if scope == ReportScope.NATIONAL:
        breakdown = _by_province(rows)
    elif scope == ReportScope.PROVINCE:
        breakdown = _by_blkk(rows)
    else:
        breakdown = []
    return ReportContent(scope, scope_code, counts_total(rows), breakdown)


def month_contents(figures: dict[int, BlkkFigures]) -> list[ReportContent]:
    """The monthly set from one pass: the country; every province that has a BLKK;
    every BLKK that is active or had anything to count that month."""
    rows = list(figures.values())
    contents = [_content_of_scope(ReportScope.NATIONAL, "", rows)]
    provinces: dict[str, list[BlkkFigures]] = defaultdict(list)
    for row in rows:
        provinces[row.province_code].append(row)
    contents += [
        _content_of_scope(ReportScope.PROVINCE, code, members)
        for code, members in sorted(provinces.items())
    ]
    contents += [
        _content_of_scope(ReportScope.BLKK, row.code, [row])
        for row in rows
        if row.is_active or not row.is_empty
    ]
    return contents


# Storing ----------------------------------------------------------------------------


def reports_store(
    *, month: Month, contents: list[ReportContent], run: ReportRun | None = None
) -> list[int]:
    """Insert or replace the reports, keeping their files until new ones are
    rendered; returns their ids in the order of `contents`."""
    generated_at = timezone.now()
    reports = [
        ProgressReport(
            scope=content.scope,
            scope_code=content.scope_code,
            period=month.first_day,
            kpis=kpis_from_counts(content.counts),
            breakdown=content.breakdown,
            generated_at=generated_at,
            run=run,
        )
        for content in contents
    ]
    ProgressReport.objects.bulk_create(
        reports,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["scope", "scope_code", "period"],
        update_fields=["kpis", "breakdown", "generated_at", "run"],
    )
    return [report.pk for report in reports]


def report_compute_and_store(
    *, scope: str, scope_code: str, month: Month, run: ReportRun | None = None
) -> ProgressReport:
    """One report's KPIs from a pass over its scope's BLKKs, stored (replacing)."""
    blkks = scope_blkks(scope, scope_code)
    rows = list(figures_by_blkk(month, blkks).values())
    content = _content_of_scope(scope, scope_code, rows)
    [report_id] = reports_store(month=month, contents=[content], run=run)
    return ProgressReport.objects.get(pk=report_id)


def report_generate(
    *, scope: str, scope_code: str, period: datetime.date | Month | str
) -> ProgressReport:
    """Generate one report now: KPIs, stored (replacing any), and its files."""
    month = as_month(period)
    report = report_compute_and_store(scope=scope, scope_code=scope_code, month=month)
    return report_files_render(report_id=report.pk)


def reports_generate_month(*, month: Month, run: ReportRun | None = None) -> list[int]:
    """Every report of the month from one set-based pass; files are left to the
    caller (the fan-out). Returns the stored reports' ids."""
    contents = month_contents(figures_by_blkk(month))
    with transaction.atomic():
        return reports_store(month=month, contents=contents, run=run)


def as_month(period: datetime.date | Month | str) -> Month:
    if isinstance(period, Month):
        return period
    if isinstance(period, datetime.date):
        return Month.of(period)
    try:
        # Not stripped: "2026-01\n" is not a month (blkk_portal/months.py).
        return Month.parse(period)
    except ValueError:
        raise ValidationError(
            {"period": _("Give the month as YYYY-MM, for example 2026-04.")}
        ) from None


# Files ------------------------------------------------------------------------------


@transaction.atomic
def report_files_render(*, report_id: int) -> ProgressReport:
    """Write the report's XLSX and CSV from what it stores. The row lock makes two
    renders of one report take turns; the replaced files are deleted after commit."""
    report = ProgressReport.objects.select_for_update().get(pk=report_id)
    name = scope_name(report.scope, report.scope_code)
    old_files = [f.name for f in (report.xlsx_file, report.csv_file) if f]
    xlsx = render_xlsx(report, name, report_trend(report))
    report.xlsx_file.save(report_file_name(report, "xlsx"), ContentFile(xlsx), False)
    csv_bytes = render_csv(report, name)
    report.csv_file.save(report_file_name(report, "csv"), ContentFile(csv_bytes), False)
    report.files_generated_at = timezone.now()
    report.save(update_fields=["xlsx_file", "csv_file", "files_generated_at"])
    storage = report.xlsx_file.storage
    kept = {report.xlsx_file.name, report.csv_file.name}
    for old in old_files:
        if old not in kept:
            transaction.on_commit(functools.partial(storage.delete, old))
    return report


# Mail -------------------------------------------------------------------------------


def report_mail_managers(*, report_id: int) -> int:
    """Mail a BLKK report, with its files, to the BLKK's managers once: a report
    already mailed is not mailed again, so a redelivered task sends nothing twice.
    Returns the number of messages sent."""
    with transaction.atomic():
        report = ProgressReport.objects.select_for_update().get(pk=report_id)
        if report.scope != ReportScope.BLKK or report.mailed_at is not None:
            return 0
        blkk = Blkk.objects.get(code=report.scope_code)
        recipients = sorted(
            blkk.managers.filter(is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
        if recipients:
            report_summary_message(report, blkk.name, recipients).send()
        report.mailed_at = timezone.now()
        report.save(update_fields=["mailed_at"])
    return len(recipients)


def report_summary_message(
    report: ProgressReport, blkk_name: str, recipients: list[str]
) -> EmailMessage:
    name = f"{blkk_name} ({report.scope_code})"
    body = render_to_string(
        "reports/email/report_summary.txt",
        {
            "title": report_title(report, name),
            "figures": [(label, value) for _k, label, value in flat_kpis(report.kpis)],
        },
    )
    message = EmailMessage(
        subject=report_title(report, name),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
    )
    for kind, field, content_type in (
        ("xlsx", report.xlsx_file, XLSX_CONTENT_TYPE),
        ("csv", report.csv_file, "text/csv"),
    ):
        if field:
            with field.open("rb") as handle:
                message.attach(
                    report_file_name(report, kind), handle.read(), content_type
                )
    return message


# Background runs --------------------------------------------------------------------


def _run_create(
    *, month: Month, scope: str, scope_code: str, requested_by, notify: bool
) -> ReportRun:
    return ReportRun.objects.create(
        period=month.first_day,
        scope=scope,
        scope_code=scope_code,
        notify=notify,
        requested_by=requested_by if getattr(requested_by, "pk", None) else None,
        task_id=str(uuid.uuid4()),
    )


def _enqueue_run(run: ReportRun) -> None:
    from .tasks import report_run_execute

    transaction.on_commit(
        lambda: report_run_execute.apply_async((run.pk,), task_id=run.task_id)
    )


def report_generate_async(
    *, scope: str, scope_code: str, period: datetime.date | Month | str, requested_by
) -> ReportRun:
    """Queue one report's generation after the current transaction commits. Checks
    the scope now (ValidationError), not whether `requested_by` may ask: see
    `report_generation_allowed`."""
    month = as_month(period)
    scope_blkks(scope, scope_code)
    run = _run_create(
        month=month,
        scope=scope,
        scope_code=scope_code,
        requested_by=requested_by,
        notify=False,
    )
    _enqueue_run(run)
    return run


def reports_generate_month_async(
    *, period: datetime.date | Month | str, requested_by=None, notify: bool = False
) -> ReportRun:
    """Queue every report of a month (the monthly fan-out) after commit."""
    run = _run_create(
        month=as_month(period),
        scope="",
        scope_code="",
        requested_by=requested_by,
        notify=notify,
    )
    _enqueue_run(run)
    return run


def report_run_start(*, run_id: int) -> list[list[int]]:
    """Compute and store the run's reports; returns their ids in chunks for the
    fan-out of files and mail."""
    run = ReportRun.objects.get(pk=run_id)
    ReportRun.objects.filter(pk=run.pk).update(status=ReportRun.Status.RUNNING)
    month = Month.of(run.period)
    if run.scope:
        report = report_compute_and_store(
            scope=run.scope, scope_code=run.scope_code, month=month, run=run
        )
        report_ids = [report.pk]
    else:
        report_ids = reports_generate_month(month=month, run=run)
    ReportRun.objects.filter(pk=run.pk).update(reports_total=len(report_ids))
    return [
        report_ids[start : start + CHUNK_SIZE]
        for start in range(0, len(report_ids), CHUNK_SIZE)
    ]


def report_run_chunk(*, run_id: int, report_ids: list[int]) -> None:
    """Render files (and, for a notifying run, mail BLKK managers) for one chunk,
    then mark the run done if every report of it has its files."""
    run = ReportRun.objects.get(pk=run_id)
    for report_id in report_ids:
        report_files_render(report_id=report_id)
        if run.notify:
            report_mail_managers(report_id=report_id)
    report_run_finish_if_complete(run=run)


def report_run_finish_if_complete(*, run: ReportRun) -> None:
    run.refresh_from_db(fields=["reports_total", "status"])
    progress = report_run_progress(run)
    if progress.total and progress.done >= progress.total:
        ReportRun.objects.filter(pk=run.pk).exclude(
            status=ReportRun.Status.DONE
        ).update(status=ReportRun.Status.DONE, finished_at=timezone.now())


def report_run_fail(*, run_id: int, error: str) -> None:
    ReportRun.objects.filter(pk=run_id).update(
        status=ReportRun.Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )
