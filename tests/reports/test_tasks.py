"""The Celery tasks' wiring, run eagerly (the end-to-end test runs a real worker)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import OperationalError

from blkk_portal.months import Month
from incubator import tasks as incubator_tasks
from mentoring import tasks as mentoring_tasks
from reports import selectors, services, tasks
from reports.models import ProgressReport, ReportRun
from tests.accounts.factories import UserFactory
from tests.training.factories import TraineeFactory

pytestmark = pytest.mark.django_db

APRIL = Month(2026, 4)


@pytest.mark.parametrize(
    "task",
    [
        tasks.reports_generate_last_month,
        tasks.report_run_execute,
        tasks.report_run_chunk,
        tasks.report_delivery_send,
        tasks.reports_sweep,
        incubator_tasks.metric_reminders_send,
        mentoring_tasks.mentor_reminders_send,
    ],
    ids=lambda t: t.name,
)
def test_tasks_survive_a_lost_worker_and_retry_passing_database_errors(task):
    assert task.acks_late
    assert task.reject_on_worker_lost
    assert OperationalError in task.autoretry_for
    assert task.retry_backoff


def test_beat_task_generates_last_months_reports_and_mails_managers(
    blkk_a, blkk_b, django_capture_on_commit_callbacks
):
    last_month = Month.last_completed()
    TraineeFactory(blkk=blkk_a, registered_on=last_month.first_day)
    manager = UserFactory(blkk_manager=True, managed_blkks=[blkk_a])

    with django_capture_on_commit_callbacks(execute=True):
        run_id = tasks.reports_generate_last_month.delay().get()

    run = ReportRun.objects.get(pk=run_id)
    assert (run.status, run.period, run.notify) == ("done", last_month.first_day, True)
    assert selectors.report_run_progress(run) == selectors.RunProgress("done", 5, 5)
    report_a = ProgressReport.objects.get(scope_code=blkk_a.code)
    assert report_a.kpis["trainees_registered"] == 1
    assert report_a.mailed_at is not None
    assert [m.to for m in mail.outbox] == [[manager.email]]


def test_running_the_monthly_task_twice_stores_and_mails_once(
    blkk_a, django_capture_on_commit_callbacks
):
    UserFactory(blkk_manager=True, managed_blkks=[blkk_a])

    with django_capture_on_commit_callbacks(execute=True):
        tasks.reports_generate_last_month.delay()
        tasks.reports_generate_last_month.delay()

    assert ProgressReport.objects.count() == 3  # country, Jawa Barat, BLKK A
    assert len(mail.outbox) == 1


def test_a_report_run_is_queued_only_after_commit(
    blkk_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = services.report_generate_async(
            scope="blkk", scope_code=blkk_a.code, period=APRIL, requested_by=None
        )
        assert not ProgressReport.objects.exists()

    assert len(callbacks) == 1
    callbacks[0]()
    run.refresh_from_db()
    assert run.status == "done"
    assert ProgressReport.objects.get().run == run


def national_run() -> ReportRun:
    return ReportRun.objects.create(period=APRIL.first_day, scope="national")


def test_a_chunk_retries_after_a_passing_database_error(blkk_a, monkeypatch):
    render = services.reports_files_render
    failures = []

    def fail_once(*, report_ids):
        if not failures:
            failures.append(report_ids)
            raise OperationalError("server closed the connection unexpectedly")
        return render(report_ids=report_ids)

    monkeypatch.setattr(services, "reports_files_render", fail_once)
    run = national_run()
    [chunk] = services.report_run_start(run_id=run.pk).chunks

    # As a worker runs it: errors become the task's state, not exceptions here.
    tasks.report_run_chunk.apply(args=(run.pk, chunk), throw=False)

    run.refresh_from_db()
    assert len(failures) == 1
    assert run.status == "done"
    assert ProgressReport.objects.get().xlsx_file


def test_a_run_that_fails_for_good_is_marked_failed(blkk_a, monkeypatch):
    def broken(*, report_ids):
        raise ValueError("cannot render")

    monkeypatch.setattr(services, "reports_files_render", broken)
    run = national_run()

    result = tasks.report_run_execute.apply(args=(run.pk,), throw=False)

    run.refresh_from_db()
    assert result.failed()
    assert run.status == "failed"
    assert "cannot render" in run.error
    assert run.finished_at is not None
