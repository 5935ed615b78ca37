"""Celery tasks of the reports app: thin wrappers that take ids and call a service.

Every task takes `blkk_portal.celery.RETRYING` (acks late, redelivered, retried on
passing database errors) and is safe to run twice: reports are stored by ON
CONFLICT, a run is taken by one worker at a time, mail is sent once per report and
manager. `reports_sweep` (beat, every 5 minutes) queues again what a dead worker or
a failed mail left behind; `dashboards_warm` (beat, every 5 minutes) keeps the
dashboards' month so far in the cache.

Files and mail are rendered in the portal's language (`LANGUAGE_CODE`, Indonesian),
set here explicitly: a task run in-process after a request would otherwise speak
the language that request left active.
"""

from __future__ import annotations

from celery import Task, shared_task
from django.conf import settings
from django.db import transaction
from django.utils import translation

from blkk_portal.celery import RETRYING, TaskQueueUnavailable, publish
from blkk_portal.months import Month

from . import dashboards, services


class RunTask(Task):
    """Marks the report run failed once the task has failed for good (after its
    retries), so the progress page does not wait for ever. A broker that did not
    take the fan-out fails nothing: the run stays running, and the sweep queues it
    again once the broker is back."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        run_id = kwargs.get("run_id", args[0] if args else None)
        if run_id is not None and not isinstance(exc, TaskQueueUnavailable):
            services.report_run_fail(run_id=run_id, error=repr(exc))
        super().on_failure(exc, task_id, args, kwargs, einfo)


@shared_task(**RETRYING)
def reports_generate_last_month() -> int:
    """Beat's monthly entry: last month's reports of every scope, mailed to each
    BLKK's managers; one run per month however many beats send it. Returns the
    run's id."""
    with transaction.atomic():
        run = services.reports_generate_month_once(period=Month.last_completed())
    return run.pk


@shared_task(base=RunTask, **RETRYING)
def report_run_execute(run_id: int) -> None:
    """Take the run, one set-based KPI pass for its reports (unless an earlier
    attempt stored them), then the fan-out of what is left, in chunks."""
    start = services.report_run_start(run_id=run_id)
    if start is None:
        return  # a live worker holds it, or it ended
    for report_ids in start.chunks:
        publish(report_run_chunk, (run_id, report_ids, start.attempt))


@shared_task(base=RunTask, **RETRYING)
def report_run_chunk(
    run_id: int, report_ids: list[int], attempt: int | None = None
) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        services.report_run_chunk(run_id=run_id, report_ids=report_ids, attempt=attempt)


@shared_task(**RETRYING)
def report_delivery_send(delivery_id: int) -> bool:
    """Send one report mail; a failure is recorded and retried by the sweep."""
    with translation.override(settings.LANGUAGE_CODE):
        return services.report_delivery_send(delivery_id=delivery_id)


@shared_task(**RETRYING)
def reports_sweep() -> dict[str, int]:
    """Beat, every 5 minutes: queue again the runs no live worker holds and the
    report mail whose next attempt is due."""
    return {
        "runs": services.report_runs_requeue_stale(),
        "mail": services.report_deliveries_requeue_due(),
    }


@shared_task(**RETRYING)
def dashboards_warm() -> int:
    """Beat, every 5 minutes: this month so far for the country and every province,
    in one pass, kept in the cache for the dashboards. Returns how many places."""
    return dashboards.live_figures_warm()
