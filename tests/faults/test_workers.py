"""A worker killed with `kill -9` in the middle of the monthly run (hole 5 of issue
#9): its main process and its pool child die at once, its message is left in the
broker's unacked set (redelivered only after the 6 h visibility timeout). Another
worker starts; the sweep, sent as beat sends it (every 2 s here, from when the run
has shown no sign of work for REPORT_RUN_STALE_SECONDS: 10 s here), queues the run
again, and every report is stored once and every manager mailed once."""

from __future__ import annotations

import datetime
import time
from collections import Counter

import pytest
from django.utils import timezone

from blkk_portal.celery import app
from reports.models import ProgressReport, ReportDelivery, ReportRun
from tests.accounts.factories import UserFactory
from tests.faults.harness import Worker, wait_until
from tests.training.factories import BlkkFactory, regency

pytestmark = [
    pytest.mark.faults,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

STALE_SECONDS = 10
# A report mail recorded by the killed worker whose send it never queued is due
# again after this (REPORT_MAIL_RETRY_SECONDS; 5 minutes in production).
MAIL_RETRY_SECONDS = 3
SWEEP_SECONDS = 2
# Enough reports that the kill lands while the chunk is being rendered.
BLKKS = 24
# Bounds, not expectations: a wait gives up (and fails the test) after this long.
WAIT_SECONDS = 90


class Sweeps:
    """The sweep sent through the broker as beat sends it, every SWEEP_SECONDS here
    rather than every 5 minutes."""

    def __init__(self):
        self.last_sent = 0.0

    def send_when_due(self) -> None:
        if time.monotonic() - self.last_sent >= SWEEP_SECONDS:
            app.send_task("reports.tasks.reports_sweep")
            self.last_sent = time.monotonic()


def managers_of_many_blkks() -> list:
    provinces = ["32.73", "35.78", "33.74"]
    return [
        UserFactory(
            blkk_manager=True,
            managed_blkks=[BlkkFactory(regency=regency(provinces[n % 3]))],
        )
        for n in range(BLKKS)
    ]


def finished_reports(run: ReportRun) -> int:
    reports = ProgressReport.objects.filter(run=run)
    return reports.count() - reports.unfinished().count()


def test_a_run_killed_mid_way_is_finished_once_by_another_worker(
    tmp_path, redis_server, celery_broker, settings
):
    celery_broker(redis_server.url)
    settings.REPORT_RUN_STALE_SECONDS = STALE_SECONDS
    managers = managers_of_many_blkks()
    workers = [
        Worker(
            name,
            tmp_path,
            broker_url=redis_server.url,
            extra_env={
                "REPORT_RUN_STALE_SECONDS": str(STALE_SECONDS),
                "REPORT_MAIL_RETRY_SECONDS": str(MAIL_RETRY_SECONDS),
            },
        )
        for name in ("worker-1", "worker-2")
    ]
    first, second = workers
    try:
        first.start(pool="prefork", concurrency=1)
        app.send_task("reports.tasks.reports_generate_last_month")

        # The kill lands while the worker renders the chunk: it has taken the
        # chunk from the broker and not stored it yet (a chunk is rendered from
        # fixed reads and stored at once, so no report is finished before).
        def mid_run() -> bool:
            run = ReportRun.objects.first()
            return (
                run is not None
                and first.received("reports.tasks.report_run_chunk") == 1
                and finished_reports(run) < run.reports_total
            )

        wait_until(mid_run, seconds=WAIT_SECONDS, what="mid-run", watching=[first])
        first.kill()
        run = ReportRun.objects.get()
        finished_at_kill = finished_reports(run)
        assert run.status == "running"
        assert finished_at_kill < run.reports_total
        # The dead worker's chunk is in the unacked set, not back in the queue.
        assert redis_server.client().hlen("unacked") == 1

        second.start(pool="prefork", concurrency=1)

        def no_sign_of_work_for_the_bound() -> bool:
            silence = timezone.now() - ReportRun.objects.get().heartbeat_at
            return silence > datetime.timedelta(seconds=STALE_SECONDS)

        wait_until(
            no_sign_of_work_for_the_bound,
            seconds=WAIT_SECONDS,
            what="the bound",
            watching=[second],
        )
        sweeps = Sweeps()

        def run_done_and_mailed() -> bool:
            sweeps.send_when_due()
            return (
                ReportRun.objects.filter(status="done").exists()
                and not ReportDelivery.objects.filter(status="pending").exists()
                and len(second.sent_mail()) >= len(managers)
            )

        wait_until(
            run_done_and_mailed,
            seconds=WAIT_SECONDS,
            what="the run to finish",
            watching=[second],
        )
    finally:
        for worker in workers:
            worker.stop()

    run.refresh_from_db()
    assert (run.status, run.attempts) == ("done", 2)
    reports = ProgressReport.objects.filter(period=run.period)
    # The country, three provinces and every BLKK, each stored once, all finished.
    assert reports.count() == run.reports_total == 1 + 3 + BLKKS
    assert not reports.unfinished().exists()
    # Each manager mailed once: the mail of reports finished before the kill was
    # recorded with them, and sent once.
    mailed = Counter(message["To"] for message in second.sent_mail())
    assert mailed == Counter(manager.email for manager in managers)
    assert ReportDelivery.objects.filter(status="sent").count() == BLKKS
    assert second.received("reports.tasks.report_run_execute") == 1
