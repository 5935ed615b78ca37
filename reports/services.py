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
- `ended_month(period)`: every entry point above refuses a month that has not ended
  (the current month in Asia/Jakarta, or a later one) with one message, a
  ValidationError on `period`; the dashboards show the month so far.
- `ProgressReport.objects.visible_to(user)`: who reads which reports.

Storing is one `INSERT ... ON CONFLICT (scope, scope_code, period) DO UPDATE` per
batch, so regenerating replaces a report atomically, and two workers generating the
same report at once leave one row.

Surviving faults (docs/reports.md): a broker that does not take a task is answered
(`TaskQueueUnavailable`) and leaves no run queued; a run records signs of work
(`heartbeat_at`), and `report_runs_requeue_stale` (the sweep) queues again a run no
live worker holds; mail is a `ReportDelivery` per report and manager, sent once and
tried again until it is (`report_delivery_send`, `report_deliveries_requeue_due`);
beat's monthly run is one per month (`reports_generate_month_once`).
"""

from __future__ import annotations

import datetime
import functools
import logging
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from blkk_portal.celery import TaskQueueUnavailable, publish
from blkk_portal.months import Month
from training.models import Blkk

from .files import (
    render_csv,
    render_xlsx,
    report_file_name,
)
from .kpis import (
    BlkkFigures,
    counts_total,
    figures_by_blkk,
    kpis_from_counts,
    national_counts,
)
from .models import ProgressReport, ReportDelivery, ReportRun, ReportScope
from .presenting import kpi_columns, report_title, scope_display
from .selectors import reports_trends, scope_blkks

logger = logging.getLogger(__name__)

# Reports rendered and mailed per task of the fan-out.
CHUNK_SIZE = 50
# Rows the sweep queues again at most per run of it (every 5 minutes).
SWEEP_BATCH = 1000
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


def breakdown_by_province(rows: list[BlkkFigures]) -> list[dict]:
    """One row per province (`code`, `name`, `kpis`), by code."""
    provinces: dict[str, list[BlkkFigures]] = defaultdict(list)
    for row in rows:
        provinces[row.province_code].append(row)
    return [
        _breakdown_row(code, members[0].province_name, counts_total(members))
        for code, members in sorted(provinces.items())
    ]


def breakdown_by_blkk(rows: list[BlkkFigures]) -> list[dict]:
    """One row per BLKK (`code`, `name`, `kpis`), in the order of `rows`."""
    return [_breakdown_row(row.code, row.name, row.counts) for row in rows]


def content_of_scope(
    scope: str, scope_code: str, rows: list[BlkkFigures], *, month: Month
) -> ReportContent:
    """What a report of the scope holds from its BLKKs' rows of `month`: the totals
    (the country's with the figures of no BLKK, `kpis.national_counts`: one more
    query), and the breakdown (by province for the country, by BLKK for a province,
    none for a BLKK). The dashboards show the month so far from the same content."""
    counts = counts_total(rows)
    if scope == ReportScope.NATIONAL:
        breakdown = breakdown_by_province(rows)
        counts.update(national_counts(month))
    elif scope == ReportScope.PROVINCE:
        breakdown = breakdown_by_blkk(rows)
    else:
        breakdown = []
    return ReportContent(scope, scope_code, counts, breakdown)


def month_contents(
    figures: dict[int, BlkkFigures], *, month: Month
) -> list[ReportContent]:
    """The monthly set from one pass: the country; every province that has a BLKK;
    every BLKK that is active or had anything to count that month."""
    rows = list(figures.values())
    contents = [content_of_scope(ReportScope.NATIONAL, "", rows, month=month)]
    provinces: dict[str, list[BlkkFigures]] = defaultdict(list)
    for row in rows:
        provinces[row.province_code].append(row)
    contents += [
        content_of_scope(ReportScope.PROVINCE, code, members, month=month)
        for code, members in sorted(provinces.items())
    ]
    contents += [
        content_of_scope(ReportScope.BLKK, row.code, [row], month=month)
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
    content = content_of_scope(scope, scope_code, rows, month=month)
    [report_id] = reports_store(month=month, contents=[content], run=run)
    return ProgressReport.objects.get(pk=report_id)


def report_generate(
    *, scope: str, scope_code: str, period: datetime.date | Month | str
) -> ProgressReport:
    """Generate one report now: KPIs, stored (replacing any), and its files. A month
    that has not ended is refused (`ended_month`)."""
    month = ended_month(period)
    report = report_compute_and_store(scope=scope, scope_code=scope_code, month=month)
    return report_files_render(report_id=report.pk)


def reports_generate_month(*, month: Month, run: ReportRun | None = None) -> list[int]:
    """Every report of the month from one set-based pass; files are left to the
    caller (the fan-out). Returns the stored reports' ids. A month that has not
    ended is refused (`ended_month`)."""
    ended_month(month)
    contents = month_contents(figures_by_blkk(month), month=month)
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


def ended_month(period: datetime.date | Month | str) -> Month:
    """`period` as a Month that has ended on the portal's clock (Asia/Jakarta), the
    only months reports are generated for (DESIGN.md): the current month and any
    later one are refused with a ValidationError on `period`, as a bad month is.
    The dashboards show the month so far instead."""
    month = as_month(period)
    if month > Month.last_completed():
        raise ValidationError(
            {
                "period": _(
                    "Reports are generated only for months that have ended; "
                    "%(month)s has not ended yet. The dashboard shows the month "
                    "so far."
                )
                % {"month": date_format(month.first_day, "YEAR_MONTH_FORMAT")}
            },
            code="month_not_ended",
        )
    return month


# Files ------------------------------------------------------------------------------


@transaction.atomic
def reports_files_render(*, report_ids: list[int]) -> list[ProgressReport]:
    """Write each report's XLSX and CSV from what it stores (a chunk of the
    fan-out) in three queries however many reports: the reports, locked, with their
    places' names; their trends; one UPDATE of their files (`_files_written`). The
    row locks, taken in id order, make two renders of a report take turns; replaced
    files are deleted after commit. Returns the reports, in id order."""
    reports = list(
        ProgressReport.objects.with_place_name()
        .select_for_update(of=("self",))
        .filter(pk__in=report_ids)
        .order_by("pk")
    )
    trends = reports_trends(reports)
    for report in reports:
        name = scope_display(report.scope, report.scope_code, report.place_name)
        old_files = [f.name for f in (report.xlsx_file, report.csv_file) if f]
        xlsx = render_xlsx(report, name, trends[report.pk])
        report.xlsx_file.save(
            report_file_name(report, "xlsx"), ContentFile(xlsx), save=False
        )
        csv_bytes = render_csv(report, name)
        report.csv_file.save(
            report_file_name(report, "csv"), ContentFile(csv_bytes), save=False
        )
        storage = report.xlsx_file.storage
        kept = {report.xlsx_file.name, report.csv_file.name}
        for old in old_files:
            if old not in kept:
                transaction.on_commit(functools.partial(storage.delete, old))
    _files_written(reports, at=timezone.now())
    return reports


def _files_written(reports: list[ProgressReport], *, at: datetime.datetime) -> None:
    """Store the reports' new file names and `files_generated_at` in one UPDATE on
    PostgreSQL (from arrays: one round trip, whose wait on a busy machine is most
    of an UPDATE's cost; Django's `bulk_update` builds a CASE per row and field,
    dearer than the rows), one per report elsewhere (the embedded SQLite)."""
    for report in reports:
        report.files_generated_at = at
    if not reports:
        return
    if connection.vendor != "postgresql":
        for report in reports:
            report.save(update_fields=["xlsx_file", "csv_file", "files_generated_at"])
        return
    table = connection.ops.quote_name(ProgressReport._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS report SET xlsx_file = written.xlsx_file, "  # noqa: S608 (a table name)
            "csv_file = written.csv_file, files_generated_at = %s "
            "FROM unnest(%s::bigint[], %s::text[], %s::text[]) "
            "AS written(id, xlsx_file, csv_file) WHERE report.id = written.id",
            [
                at,
                [report.pk for report in reports],
                [report.xlsx_file.name for report in reports],
                [report.csv_file.name for report in reports],
            ],
        )


def report_files_render(*, report_id: int) -> ProgressReport:
    """`reports_files_render` of one report."""
    rendered = reports_files_render(report_ids=[report_id])
    if not rendered:
        raise ProgressReport.DoesNotExist(f"No progress report {report_id}.")
    return rendered[0]


# Mail -------------------------------------------------------------------------------

# However often a report's mail fails, it is tried again at least this often.
MAIL_RETRY_MAX = datetime.timedelta(hours=6)


def reports_deliveries_record(*, reports: list[ProgressReport]) -> list[int]:
    """Record the mail of each BLKK report to the BLKK's managers (active, with an
    address), once per report and address: a report mailed already, or an address
    it is recorded for already, gets no second row. At most four queries however
    many reports; call it holding the reports' row locks. Returns the ids of their
    deliveries still to send, report by report."""
    to_mail = [
        report
        for report in reports
        if report.scope == ReportScope.BLKK and report.mailed_at is None
    ]
    if not to_mail:
        return []
    now = timezone.now()
    recipients: dict[str, list[str]] = defaultdict(list)
    managers = (
        Blkk.managers.through.objects.filter(
            blkk__code__in={report.scope_code for report in to_mail},
            user__is_active=True,
        )
        .exclude(user__email="")
        .order_by("user__email")
        .values_list("blkk__code", "user__email")
    )
    for code, email in managers:
        recipients[code].append(email)
    nobody = [report.pk for report in to_mail if not recipients[report.scope_code]]
    if nobody:
        ProgressReport.objects.filter(pk__in=nobody).update(mailed_at=now)
    # A first send that never happens (its task lost) is due again after this.
    retry_at = now + _mail_retry_delay(attempts=1)
    ReportDelivery.objects.bulk_create(
        [
            ReportDelivery(report=report, recipient=email, next_attempt_at=retry_at)
            for report in to_mail
            for email in sorted(set(recipients[report.scope_code]))
        ],
        ignore_conflicts=True,
    )
    return list(
        ReportDelivery.objects.filter(
            report__in=[r.pk for r in to_mail if r.pk not in nobody],
            status=ReportDelivery.Status.PENDING,
        )
        .order_by("report_id", "pk")
        .values_list("pk", flat=True)
    )


def report_deliveries_record(*, report: ProgressReport) -> list[int]:
    """`reports_deliveries_record` of one report."""
    return reports_deliveries_record(reports=[report])


def report_delivery_send(*, delivery_id: int) -> bool:
    """Send one recorded delivery, and mark it sent only once the mail server took
    it. A failure is recorded with the time of the next attempt (doubling from
    REPORT_MAIL_RETRY_SECONDS up to 6 hours) and the row stays pending, so the
    report is never lost. The row lock, taken without waiting, makes two workers
    with the same delivery send it once. Returns whether it was sent now."""
    with transaction.atomic():
        delivery = (
            ReportDelivery.objects.select_for_update(skip_locked=True)
            .filter(pk=delivery_id, status=ReportDelivery.Status.PENDING)
            .first()
        )
        if delivery is None:
            return False  # sent already, or being sent by another worker
        report = ProgressReport.objects.get(pk=delivery.report_id)
        blkk = Blkk.objects.get(code=report.scope_code)
        delivery.attempts += 1
        try:
            report_summary_message(report, blkk.name, [delivery.recipient]).send()
        except OSError as error:  # smtplib's errors, dropped connections, a lost file
            delivery.last_error = repr(error)[:2000]
            delivery.next_attempt_at = timezone.now() + _mail_retry_delay(
                attempts=delivery.attempts
            )
            delivery.save(update_fields=["attempts", "last_error", "next_attempt_at"])
            # The error's name only: an SMTP refusal names the addresses.
            logger.warning(
                "report mail %s not sent (attempt %d): %s",
                delivery.pk,
                delivery.attempts,
                type(error).__name__,
            )
            return False
        delivery.status = ReportDelivery.Status.SENT
        delivery.sent_at = timezone.now()
        delivery.save(update_fields=["attempts", "status", "sent_at"])
    _report_mark_mailed(report_id=report.pk)
    return True


def _mail_retry_delay(*, attempts: int) -> datetime.timedelta:
    base = datetime.timedelta(seconds=settings.REPORT_MAIL_RETRY_SECONDS)
    return min(base * 2 ** max(attempts - 1, 0), MAIL_RETRY_MAX)


def _report_mark_mailed(*, report_id: int) -> None:
    """`mailed_at` once no delivery of the report is pending (read after this
    delivery committed, so the last of two concurrent sends sees both)."""
    ProgressReport.objects.filter(pk=report_id, mailed_at__isnull=True).exclude(
        deliveries__status=ReportDelivery.Status.PENDING
    ).update(mailed_at=timezone.now())


def report_deliveries_queue(delivery_ids: list[int]) -> None:
    """Queue the sending of each delivery after commit. A broker that does not
    take one leaves it pending for the sweep: nothing is lost."""
    from .tasks import report_delivery_send as send_task

    for delivery_id in delivery_ids:
        transaction.on_commit(
            functools.partial(publish, send_task, (delivery_id,)), robust=True
        )


def report_mail_managers(*, report_id: int) -> int:
    """Mail a BLKK report, with its files, to the BLKK's managers now, in this
    process (the `generate_reports --mail` command): recorded, then sent, once per
    manager however often it is called. Returns the number of messages sent."""
    with transaction.atomic():
        report = ProgressReport.objects.select_for_update().get(pk=report_id)
        pending = report_deliveries_record(report=report)
    return sum(report_delivery_send(delivery_id=pk) for pk in pending)


def report_deliveries_requeue_due(*, now: datetime.datetime | None = None) -> int:
    """The sweep's part for mail: queue again each pending delivery whose next
    attempt is due, pushing that time on so the next sweep does not queue it
    twice. Returns how many were queued."""
    from .tasks import report_delivery_send as send_task

    now = now or timezone.now()
    queued = 0
    due = ReportDelivery.objects.due(now).order_by("next_attempt_at", "pk")
    rows = due.values_list("pk", "attempts", "next_attempt_at")[:SWEEP_BATCH]
    for pk, attempts, was_due_at in rows:
        retry_at = now + _mail_retry_delay(attempts=attempts + 1)
        # Conditional, so that of two sweeps at once (two beats) one queues it.
        taken = ReportDelivery.objects.filter(pk=pk, next_attempt_at=was_due_at).update(
            next_attempt_at=retry_at
        )
        if taken:
            publish(send_task, (pk,))
            queued += 1
    return queued


def report_summary_message(
    report: ProgressReport, blkk_name: str, recipients: list[str]
) -> EmailMessage:
    name = f"{blkk_name} ({report.scope_code})"
    body = render_to_string(
        "reports/email/report_summary.txt",
        {
            "title": report_title(report, name),
            "figures": [
                (column.label, column.display) for column in kpi_columns(report.kpis)
            ],
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
        heartbeat_at=timezone.now(),
    )


def _enqueue_run(run: ReportRun, *, refused: str) -> None:
    """Queue the run's task after commit (at once outside a transaction). If the
    broker does not take it, `refused="fail"` marks the run failed and raises
    TaskQueueUnavailable (someone is waiting for an answer); `refused="sweep"`
    leaves it queued for the sweep to queue again."""
    transaction.on_commit(
        functools.partial(
            _publish_run, run_id=run.pk, task_id=run.task_id, refused=refused
        )
    )


def _publish_run(*, run_id: int, task_id: str, refused: str) -> None:
    from .tasks import report_run_execute

    try:
        publish(report_run_execute, (run_id,), task_id=task_id)
    except TaskQueueUnavailable as error:
        logger.warning("report run %s not queued: %r", run_id, error.__cause__)
        if refused == "sweep":
            return
        report_run_fail(
            run_id=run_id,
            error=f"The task queue did not answer: {error.__cause__!r}",
        )
        raise TaskQueueUnavailable(
            _(
                "Reports cannot be queued right now: the task queue is not "
                "answering. Try again in a few minutes."
            )
        ) from error.__cause__


def report_generate_async(
    *, scope: str, scope_code: str, period: datetime.date | Month | str, requested_by
) -> ReportRun:
    """Queue one report's generation after the current transaction commits. Checks
    the scope now (ValidationError), not whether `requested_by` may ask: see
    `report_generation_allowed`. If the broker does not take the task, the run is
    marked failed and TaskQueueUnavailable is raised, at commit: a view that must
    answer it calls this outside the request's transaction. A month that has not
    ended is refused (`ended_month`)."""
    month = ended_month(period)
    scope_blkks(scope, scope_code)
    run = _run_create(
        month=month,
        scope=scope,
        scope_code=scope_code,
        requested_by=requested_by,
        notify=False,
    )
    _enqueue_run(run, refused="fail")
    return run


def reports_generate_month_async(
    *, period: datetime.date | Month | str, requested_by=None, notify: bool = False
) -> ReportRun:
    """Queue every report of a month (the monthly fan-out) after commit; a broker
    that does not take it is answered as by `report_generate_async`, a month that
    has not ended is refused (`ended_month`)."""
    run = _run_create(
        month=ended_month(period),
        scope="",
        scope_code="",
        requested_by=requested_by,
        notify=notify,
    )
    _enqueue_run(run, refused="fail")
    return run


def reports_generate_month_once(*, period: datetime.date | Month | str) -> ReportRun:
    """Beat's monthly run of `period` (every scope, managers mailed): made and queued
    once however many beats ask. Its idempotency key is unique in the database, so
    of two calls at once one inserts the run and the other gets that same run. A
    broker that does not take it leaves it queued for the sweep. Beat asks for last
    month, which has ended; a month that has not is refused (`ended_month`)."""
    month = ended_month(period)
    run, created = ReportRun.objects.get_or_create(
        idempotency_key=f"monthly:{month}",
        defaults={
            "period": month.first_day,
            "notify": True,
            "task_id": str(uuid.uuid4()),
            "heartbeat_at": timezone.now(),
        },
    )
    if created:
        _enqueue_run(run, refused="sweep")
    return run


@dataclass(frozen=True)
class RunStart:
    """A worker's hold on a run: its attempt, and the reports left to finish."""

    attempt: int
    chunks: list[list[int]]


def report_run_claim(*, run_id: int) -> int | None:
    """Take a queued run for this worker, in one UPDATE, so that of two messages
    for one run (a redelivery, a sweep) one takes it. Returns the run's attempt,
    which its chunks carry, or None when the run is not queued (a live worker holds
    it, or it ended)."""
    taken = ReportRun.objects.filter(pk=run_id, status=ReportRun.Status.QUEUED).update(
        status=ReportRun.Status.RUNNING, heartbeat_at=timezone.now()
    )
    if not taken:
        return None
    return ReportRun.objects.values_list("attempts", flat=True).get(pk=run_id)


def report_run_release(*, run_id: int, attempt: int) -> None:
    """Give a taken run back to the queue, for the retry of a task that failed."""
    ReportRun.objects.filter(
        pk=run_id, status=ReportRun.Status.RUNNING, attempts=attempt
    ).update(status=ReportRun.Status.QUEUED)


def report_run_start(*, run_id: int) -> RunStart | None:
    """Take the run, compute and store its reports unless an earlier attempt did,
    and return the reports still to finish in chunks for the fan-out (all of them
    the first time; what a dead worker left, after the sweep queued it again).
    None when the run is not this worker's to take. On an error the run is given
    back, so the task's retry takes it again."""
    attempt = report_run_claim(run_id=run_id)
    if attempt is None:
        return None
    try:
        pending = _run_reports_to_finish(ReportRun.objects.get(pk=run_id))
    except Exception:
        report_run_release(run_id=run_id, attempt=attempt)
        raise
    return RunStart(
        attempt=attempt,
        chunks=[
            pending[start : start + CHUNK_SIZE]
            for start in range(0, len(pending), CHUNK_SIZE)
        ],
    )


def _run_reports_to_finish(run: ReportRun) -> list[int]:
    if not run.reports_total:
        report_ids = _run_store_reports(run)
        ReportRun.objects.filter(pk=run.pk).update(
            reports_total=len(report_ids), heartbeat_at=timezone.now()
        )
    pending = list(
        ProgressReport.objects.filter(run=run)
        .unfinished()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not pending:
        report_run_finish_if_complete(run=run)
    return pending


def _run_store_reports(run: ReportRun) -> list[int]:
    month = Month.of(run.period)
    if run.scope:
        report = report_compute_and_store(
            scope=run.scope, scope_code=run.scope_code, month=month, run=run
        )
        return [report.pk]
    return reports_generate_month(month=month, run=run)


@transaction.atomic
def reports_finish(*, report_ids: list[int], notify: bool) -> list[int]:
    """Render the reports' files and, for a mailing run, record their mail, in one
    transaction and a fixed number of queries however many reports: a report whose
    files are written has its mail recorded too, so a run resumed after a dead
    worker skips it without losing the mail. Returns the deliveries to send
    (queued after commit)."""
    reports = reports_files_render(report_ids=report_ids)
    if not notify:
        return []
    pending = reports_deliveries_record(reports=reports)
    report_deliveries_queue(pending)
    return pending


def report_finish(*, report_id: int, notify: bool) -> list[int]:
    """`reports_finish` of one report."""
    return reports_finish(report_ids=[report_id], notify=notify)


def report_run_chunk(
    *, run_id: int, report_ids: list[int], attempt: int | None = None
) -> None:
    """Finish one chunk of reports (files, and mail for a mailing run) in one
    transaction, a sign of work, then mark the run done if none is left. A chunk
    of an earlier attempt (the sweep queued the run again since) or of an ended
    run does nothing."""
    run = ReportRun.objects.get(pk=run_id)
    if run.status != ReportRun.Status.RUNNING:
        return
    if attempt is not None and run.attempts != attempt:
        return
    reports_finish(report_ids=report_ids, notify=run.notify)
    ReportRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now())
    report_run_finish_if_complete(run=run)


def report_run_finish_if_complete(*, run: ReportRun) -> None:
    """Done once every report of the run has its files (and mail recorded)."""
    if ProgressReport.objects.filter(run=run).unfinished().exists():
        return
    ReportRun.objects.filter(pk=run.pk, status=ReportRun.Status.RUNNING).update(
        status=ReportRun.Status.DONE, finished_at=timezone.now()
    )


def report_run_fail(*, run_id: int, error: str) -> None:
    ReportRun.objects.filter(pk=run_id).update(
        status=ReportRun.Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def report_runs_requeue_stale(*, now: datetime.datetime | None = None) -> int:
    """The sweep's part for runs: a run that showed no sign of work for
    REPORT_RUN_STALE_SECONDS has no live worker. Running, its worker died: it is
    queued again as a new attempt, or given up once it had REPORT_RUN_MAX_ATTEMPTS.
    Queued, its message was lost or is stuck behind others: it is queued again (a
    second message is harmless, one of them takes the run). Returns how many runs
    were queued again."""
    now = now or timezone.now()
    stale_before = now - datetime.timedelta(seconds=settings.REPORT_RUN_STALE_SECONDS)
    stale = ReportRun.objects.filter(
        status__in=[ReportRun.Status.QUEUED, ReportRun.Status.RUNNING],
        heartbeat_at__lt=stale_before,
    ).order_by("heartbeat_at", "pk")
    requeued = 0
    for run in stale.only("pk", "status", "heartbeat_at", "attempts", "task_id"):
        requeued += _run_requeue(run, now=now)
    return requeued


def _run_requeue(run: ReportRun, *, now: datetime.datetime) -> int:
    from .tasks import report_run_execute

    # Conditional on what was read, so that of two sweeps at once (two beats) one
    # acts, and a worker that showed a sign of work since keeps its run.
    unchanged = ReportRun.objects.filter(
        pk=run.pk, status=run.status, heartbeat_at=run.heartbeat_at
    )
    dead_worker = run.status == ReportRun.Status.RUNNING
    if dead_worker and run.attempts >= settings.REPORT_RUN_MAX_ATTEMPTS:
        unchanged.update(
            status=ReportRun.Status.FAILED,
            finished_at=now,
            error=(
                f"Given up after {run.attempts} attempts: each time, its worker "
                "stopped without finishing or a word (as a killed worker does)."
            ),
        )
        return 0
    # A new attempt after a dead worker: the chunks it left queued do nothing.
    attempts = F("attempts") + 1 if dead_worker else F("attempts")
    if not unchanged.update(
        status=ReportRun.Status.QUEUED, heartbeat_at=now, attempts=attempts
    ):
        return 0
    logger.warning("report run %s had no live worker: queued again", run.pk)
    publish(report_run_execute, (run.pk,), task_id=run.task_id)
    return 1
