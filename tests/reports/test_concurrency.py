"""Two workers generating the same report at once: the unique constraint and
`INSERT ... ON CONFLICT DO UPDATE` leave one row. Transactional, like
`tests/training/test_concurrency.py`."""

from __future__ import annotations

import pytest
from django.core import mail

from blkk_portal.months import Month
from reports import services, tasks
from reports.models import ProgressReport, ReportRun
from tests.accounts.factories import UserFactory
from tests.threads import pause, run_together
from tests.training.factories import BlkkFactory

# Long enough that both threads have computed their KPIs before either stores them.
RACE_WINDOW_SECONDS = 0.3
APRIL = Month(2026, 4)


@pytest.fixture
def slow_kpi_pass(monkeypatch):
    compute = services.figures_by_blkk

    def compute_then_wait(*args, **kwargs):
        figures = compute(*args, **kwargs)
        pause(RACE_WINDOW_SECONDS)
        return figures

    monkeypatch.setattr(services, "figures_by_blkk", compute_then_wait)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_generations_of_one_report_at_once_leave_one_row(slow_kpi_pass):
    BlkkFactory()

    def generate():
        return services.report_generate(scope="national", scope_code="", period=APRIL)

    outcomes = run_together(generate, generate)

    assert all(isinstance(o, ProgressReport) for o in outcomes), outcomes
    assert outcomes[0].pk == outcomes[1].pk
    stored = ProgressReport.objects.get(scope="national", period=APRIL.first_day)
    assert stored.kpis["blkk_count"] == 1
    assert stored.xlsx_file
    assert stored.csv_file


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_monthly_passes_at_once_store_each_report_once(slow_kpi_pass):
    BlkkFactory.create_batch(3)

    def generate_month():
        return services.reports_generate_month(month=APRIL)

    outcomes = run_together(generate_month, generate_month)

    assert all(isinstance(o, list) for o in outcomes), outcomes
    assert sorted(outcomes[0]) == sorted(outcomes[1])
    # The country, Jawa Barat and three BLKKs.
    assert ProgressReport.objects.count() == 5


# Two beats at once (hole 5 of issue #9): one monthly run, decided by its unique key.


@pytest.fixture
def managers(blkk_a, blkk_b):
    return [
        UserFactory(blkk_manager=True, managed_blkks=[blkk_a]),
        UserFactory(blkk_manager=True, managed_blkks=[blkk_b]),
    ]


@pytest.fixture
def slow_commit_of_a_new_run(monkeypatch):
    """The beat task that inserts the run holds its transaction open a moment, so
    that the other one's insert meets it in the unique index."""
    enqueue = services._enqueue_run

    def enqueue_then_wait(*args, **kwargs):
        enqueue(*args, **kwargs)
        pause(0.3)

    monkeypatch.setattr(services, "_enqueue_run", enqueue_then_wait)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_beats_at_once_make_one_monthly_run_stored_and_mailed_once(
    managers, slow_commit_of_a_new_run
):
    # The task's body, called as a worker calls it (Celery's eager mode keeps
    # global state that two threads at once would race on).
    outcomes = run_together(
        tasks.reports_generate_last_month, tasks.reports_generate_last_month
    )

    assert len(set(outcomes)) == 1, outcomes
    assert ReportRun.objects.count() == 1
    assert ProgressReport.objects.count() == 5
    mailed = sorted(address for message in mail.outbox for address in message.to)
    assert mailed == sorted(m.email for m in managers)
