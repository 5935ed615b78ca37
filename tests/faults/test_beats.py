"""Two beats started by mistake (hole 5 of issue #9): two real `celery beat`
processes with the database scheduler both send the monthly task at the same
minute, two workers take the messages at once, and the month is still stored once
and mailed once (one monthly run per month, decided by a unique key in the
database). The test waits for the beats' next minute: up to a minute."""

from __future__ import annotations

from collections import Counter

import pytest
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from reports.models import ProgressReport, ReportDelivery, ReportRun
from tests.accounts.factories import UserFactory
from tests.faults.harness import Beat, Worker, wait_until
from tests.training.factories import BlkkFactory, regency

pytestmark = [
    pytest.mark.faults,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MONTHLY_TASK = "reports.tasks.reports_generate_last_month"
ENTRY = "Monthly reports (test: every minute)"
# A bound, not an expectation: a wait gives up (and fails the test) after this long.
WAIT_SECONDS = 150


def monthly_entry_every_minute() -> None:
    """Only the monthly entry, due at the start of every minute, last run now: both
    beats send it at the next minute (as two beats do at 02:00 on the 1st)."""
    PeriodicTask.objects.update(enabled=False)
    every_minute, _ = CrontabSchedule.objects.get_or_create(
        minute="*",
        hour="*",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Asia/Jakarta",
    )
    PeriodicTask.objects.create(
        name=ENTRY, task=MONTHLY_TASK, crontab=every_minute, last_run_at=timezone.now()
    )


def sent_by(beat: Beat) -> int:
    return beat.log().count(f"Sending due task {ENTRY} ({MONTHLY_TASK})")


def test_two_beats_and_two_workers_store_and_mail_the_month_once(
    tmp_path, redis_server
):
    managers = [
        UserFactory(
            blkk_manager=True, managed_blkks=[BlkkFactory(regency=regency(code))]
        )
        for code in ("32.73", "35.78")
    ]
    monthly_entry_every_minute()
    options = {"broker_url": redis_server.url}
    workers = [Worker(f"worker-{n}", tmp_path, **options) for n in (1, 2)]
    beats = [Beat(f"beat-{n}", tmp_path, **options) for n in (1, 2)]
    try:
        for process in (*workers, *beats):
            process.start()
        wait_until(
            lambda: all(sent_by(beat) >= 1 for beat in beats),
            seconds=WAIT_SECONDS,
            what="both beats to send the monthly task",
            watching=[*workers, *beats],
        )
        # A beat logs "Sending due task" before it publishes: stopped at once, it
        # may not have published yet. Stopped once the workers had the messages.
        wait_until(
            lambda: sum(w.received(MONTHLY_TASK) for w in workers) >= 2,
            seconds=WAIT_SECONDS,
            what="the workers to take both messages",
            watching=[*workers, *beats],
        )
        for beat in beats:
            beat.stop()

        def all_taken_and_mailed() -> bool:
            sent = sum(sent_by(beat) for beat in beats)
            taken = sum(w.received(MONTHLY_TASK) for w in workers)
            return (
                taken >= sent
                and len(workers[0].sent_mail()) >= len(managers)
                and ReportRun.objects.filter(status="done").exists()
            )

        wait_until(
            all_taken_and_mailed,
            seconds=WAIT_SECONDS,
            what="the month to be done",
            watching=workers,
        )
    finally:
        for process in (*beats, *workers):
            process.stop()

    # Every message the beats sent was taken and run. Which worker takes which is
    # the broker's choice: a worker that finished the first message (the month's
    # task only queues the run) is as free to take the second as the other one,
    # so the split is not asserted; what two beats must not cause is below.
    sent = sum(sent_by(beat) for beat in beats)
    taken = [w.received(MONTHLY_TASK) for w in workers]
    assert sum(taken) == sent >= 2
    run = ReportRun.objects.get()
    assert (run.status, run.notify) == ("done", True)
    # The country, two provinces, two BLKKs: once each.
    assert ProgressReport.objects.filter(period=run.period).count() == 5
    # Both workers write mail to the same folder: one message per manager.
    mailed = Counter(message["To"] for message in workers[0].sent_mail())
    assert mailed == Counter(manager.email for manager in managers)
    assert ReportDelivery.objects.filter(status="sent").count() == 2
