"""Celery tasks of the reports app: thin wrappers that take ids and call a service.

Every task takes `blkk_portal.celery.RETRYING` (acks late, redelivered, retried on
passing database errors) and is safe to run twice: reports are stored by ON
CONFLICT, files rewritten, mail sent once.
"""

from __future__ import annotations

from celery import Task, shared_task
from django.db import transaction

from blkk_portal.celery import RETRYING
from blkk_portal.months import Month

from . import services


class RunTask(Task):
    """Marks the report run failed once the task has failed for good (after its
    retries), so the progress page does not wait for ever."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        run_id = kwargs.get("run_id", args[0] if args else None)
        if run_id is not None:
            services.report_run_fail(run_id=run_id, error=repr(exc))
        super().on_failure(exc, task_id, args, kwargs, einfo)


@shared_task(**RETRYING)
def reports_generate_last_month() -> int:
    """Beat's monthly entry: last month's reports of every scope, mailed to each
    BLKK's managers. Returns the run's id."""
    with transaction.atomic():
        run = services.reports_generate_month_async(
            period=Month.last_completed(), notify=True
        )
    return run.pk


@shared_task(base=RunTask, **RETRYING)
def report_run_execute(run_id: int) -> None:
    """One set-based KPI pass for the run's reports, then the fan-out in chunks."""
    chunks = services.report_run_start(run_id=run_id)
    for report_ids in chunks:
        report_run_chunk.delay(run_id, report_ids)


@shared_task(base=RunTask, **RETRYING)
def report_run_chunk(run_id: int, report_ids: list[int]) -> None:
    services.report_run_chunk(run_id=run_id, report_ids=report_ids)
