"""Runs that survive dead workers, lost messages and doubled beats (holes 4 and 5 of
issue #9): a run records signs of work, the sweep queues again a run no live worker
holds, and the reports are stored once and each manager mailed once whatever is
run twice. The real worker killed with `kill -9`: tests/faults/test_workers.py."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import OperationalError, transaction
from django.db.models import F

from blkk_portal.months import Month
from reports import services, tasks
from reports.models import ProgressReport, ReportDelivery, ReportRun
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

APRIL = Month(2026, 4)


@pytest.fixture
def managers(blkk_a, blkk_b):
    return [
        UserFactory(blkk_manager=True, managed_blkks=[blkk_a]),
        UserFactory(blkk_manager=True, managed_blkks=[blkk_b]),
    ]


def monthly_run() -> ReportRun:
    """Beat's run of April, its message never delivered (the test's transaction
    never commits, so nothing is published)."""
    return services.reports_generate_month_once(period=APRIL)


def silence_for(run: ReportRun, settings) -> None:
    """The run's worker shows no sign of work for longer than the bound, as when it
    was killed."""
    silence = datetime.timedelta(seconds=settings.REPORT_RUN_STALE_SECONDS + 1)
    ReportRun.objects.filter(pk=run.pk).update(heartbeat_at=F("heartbeat_at") - silence)


def mailed_addresses() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_a_run_whose_worker_died_mid_way_is_finished_once_after_the_sweep(
    managers, settings, django_capture_on_commit_callbacks
):
    run = monthly_run()
    # A worker takes the run, finishes (and mails) every report but the last, dies.
    start = services.report_run_start(run_id=run.pk)
    [chunk] = start.chunks
    assert len(chunk) == 5  # the country, two provinces, two BLKKs
    with django_capture_on_commit_callbacks(execute=True):
        for report_id in chunk[:-1]:
            services.report_finish(report_id=report_id, notify=True)
    assert len(mail.outbox) == 1
    silence_for(run, settings)

    with django_capture_on_commit_callbacks(execute=True):
        tasks.reports_sweep.delay()

    run.refresh_from_db()
    assert (run.status, run.attempts) == ("done", 2)
    reports = ProgressReport.objects.filter(period=APRIL.first_day)
    assert reports.count() == 5
    assert not reports.unfinished().exists()
    assert mailed_addresses() == sorted(m.email for m in managers)
    assert not ReportDelivery.objects.exclude(status="sent").exists()
    assert reports.filter(scope="blkk", mailed_at__isnull=False).count() == 2

    # The dead worker's chunk, redelivered hours later, does nothing.
    with django_capture_on_commit_callbacks(execute=True):
        tasks.report_run_chunk.delay(run.pk, chunk, start.attempt)
    assert len(mail.outbox) == 2


def test_a_run_a_live_worker_holds_is_left_to_it(managers):
    run = monthly_run()
    services.report_run_start(run_id=run.pk)

    assert services.report_runs_requeue_stale() == 0

    run.refresh_from_db()
    assert (run.status, run.attempts) == ("running", 1)


def test_a_second_message_for_a_run_in_hand_does_nothing(managers):
    run = monthly_run()
    assert services.report_run_start(run_id=run.pk) is not None

    assert services.report_run_start(run_id=run.pk) is None


def test_a_queued_run_whose_message_was_lost_is_queued_again_and_runs_once(
    managers, settings, django_capture_on_commit_callbacks
):
    run = monthly_run()
    silence_for(run, settings)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.report_runs_requeue_stale() == 1

    run.refresh_from_db()
    assert (run.status, run.attempts) == ("done", 1)
    assert mailed_addresses() == sorted(m.email for m in managers)


def test_a_run_whose_workers_keep_dying_is_given_up(
    managers, settings, celery_broker, redis_server
):
    # Published to a broker of the test's own, so that nothing runs in-process.
    celery_broker(redis_server.url)
    settings.REPORT_RUN_MAX_ATTEMPTS = 2
    run = monthly_run()
    for _worker in range(2):
        assert services.report_run_start(run_id=run.pk) is not None
        silence_for(run, settings)
        services.report_runs_requeue_stale()

    run.refresh_from_db()
    assert (run.status, run.attempts) == ("failed", 2)
    assert "Given up after 2 attempts" in run.error
    assert redis_server.client().llen("celery") == 1  # the one queued again


def test_a_task_retried_after_a_database_error_takes_its_run_again(
    managers, monkeypatch, django_capture_on_commit_callbacks
):
    compute = services.figures_by_blkk
    failures = []

    def fail_once(*args, **kwargs):
        if not failures:
            failures.append(1)
            raise OperationalError("server closed the connection unexpectedly")
        return compute(*args, **kwargs)

    monkeypatch.setattr(services, "figures_by_blkk", fail_once)
    run = monthly_run()

    with django_capture_on_commit_callbacks(execute=True):
        tasks.report_run_execute.apply(args=(run.pk,), throw=False)

    run.refresh_from_db()
    assert failures
    assert (run.status, run.attempts) == ("done", 1)


# Two beats (hole 5): one monthly run per month, decided by the database.


def test_running_the_monthly_task_twice_makes_one_run_and_mails_once(
    managers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = tasks.reports_generate_last_month.delay().get()
        second = tasks.reports_generate_last_month.delay().get()

    assert first == second
    assert ReportRun.objects.count() == 1
    assert ProgressReport.objects.count() == 5
    assert mailed_addresses() == sorted(m.email for m in managers)


def test_a_run_key_is_taken_once_in_the_database(managers):
    run = monthly_run()
    duplicate = ReportRun(
        period=run.period, notify=True, idempotency_key=run.idempotency_key
    )
    with (
        pytest.raises(Exception, match="report_run_idempotency_key_once"),
        transaction.atomic(),
    ):
        duplicate.save()
