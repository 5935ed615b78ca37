"""Moving the reports out of incubator loses no row: a database at the state before
the reports app (incubator at 0004, reports unapplied), filled through the
historical models, migrated forward to the latest state."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_celery_beat.models import PeriodicTask

from blkk_portal.celery import app as celery_app
from reports.models import ProgressReport, ReportRun

BEFORE_REPORTS_APP = [("incubator", "0004_default_report_schedule"), ("reports", None)]
MONTHLY = "Monthly progress reports (last month, every scope)"
UTC = datetime.UTC

# Transactional, as migrations need; `serialized_rollback` puts back what the data
# migrations stored (regions, trades, beat's entries) for the tests after this one.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _executor() -> MigrationExecutor:
    # A new executor each time: one that migrated keeps the old applied set.
    return MigrationExecutor(connection)


@pytest.fixture
def old_apps():
    """The historical models of the database migrated back to before the reports
    app; the database is migrated to the latest state again afterwards, whatever
    the test did."""
    latest = _executor().loader.graph.leaf_nodes()
    _executor().migrate(BEFORE_REPORTS_APP)
    graph = _executor().loader.graph
    old_nodes = [n for n in graph.leaf_nodes() if n[0] not in {"incubator", "reports"}]
    old_nodes.append(BEFORE_REPORTS_APP[0])
    try:
        yield _executor().loader.project_state(old_nodes, at_end=True).apps
    finally:
        _executor().migrate(latest)
        ContentType.objects.clear_cache()
    assert not _executor().migration_plan(latest), "not back at the latest state"


def _fill_old_database(apps) -> dict:
    """What a database of the incubator-era code held: report runs, reports with
    their files, their content types and a permission, and beat's entries."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    OldRun = apps.get_model("incubator", "ReportRun")
    OldReport = apps.get_model("incubator", "ProgressReport")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")

    # As the old code left them: content types under incubator, none under reports.
    ContentType.objects.filter(app_label="reports").delete()
    types = {
        model: ContentType.objects.get_or_create(app_label="incubator", model=model)[0]
        for model in ("progressreport", "reportrun")
    }
    permission, _ = Permission.objects.get_or_create(
        content_type=types["progressreport"],
        codename="view_progressreport",
        defaults={"name": "Can view progress report"},
    )

    run = OldRun.objects.create(
        period=datetime.date(2026, 4, 1),
        scope="",
        notify=True,
        task_id="8f9a3c1e-0000-4000-8000-000000000001",
        status="done",
        reports_total=2,
        finished_at=datetime.datetime(2026, 5, 1, 19, 5, tzinfo=UTC),
    )
    failed = OldRun.objects.create(
        period=datetime.date(2026, 3, 1),
        scope="national",
        task_id="8f9a3c1e-0000-4000-8000-000000000002",
        status="failed",
        error="OperationalError('server closed the connection')",
    )
    national = OldReport.objects.create(
        scope="national",
        scope_code="",
        period=datetime.date(2026, 4, 1),
        kpis={"blkk_count": 2, "trainees_registered": 3},
        breakdown=[{"code": "32", "name": "JAWA BARAT", "kpis": {"blkk_count": 2}}],
        generated_at=datetime.datetime(2026, 5, 1, 19, 0, tzinfo=UTC),
        xlsx_file="reports/2026-04/national-id/laporan-national-id-2026-04.xlsx",
        csv_file="reports/2026-04/national-id/laporan-national-id-2026-04.csv",
        files_generated_at=datetime.datetime(2026, 5, 1, 19, 1, tzinfo=UTC),
        run=run,
    )
    blkk = OldReport.objects.create(
        scope="blkk",
        scope_code="3273-0001",
        period=datetime.date(2026, 4, 1),
        kpis={"blkk_count": 1},
        generated_at=datetime.datetime(2026, 5, 1, 19, 0, tzinfo=UTC),
        xlsx_file="reports/2026-04/blkk-3273-0001/laporan-blkk-3273-0001-2026-04.xlsx",
        csv_file="reports/2026-04/blkk-3273-0001/laporan-blkk-3273-0001-2026-04.csv",
        files_generated_at=datetime.datetime(2026, 5, 1, 19, 2, tzinfo=UTC),
        mailed_at=datetime.datetime(2026, 5, 1, 19, 3, tzinfo=UTC),
        run=run,
    )

    # Beat's entries as the old 0004 stored them, the monthly one edited by an
    # operator (02:30), and one an operator added for a single run's task.
    monthly_crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="2",
        day_of_week="*",
        day_of_month="1",
        month_of_year="*",
        timezone="Asia/Jakarta",
    )
    PeriodicTask.objects.filter(name=MONTHLY).delete()
    monthly = PeriodicTask.objects.create(
        name=MONTHLY,
        task="incubator.tasks.reports_generate_last_month",
        crontab=monthly_crontab,
        enabled=True,
    )
    extra = PeriodicTask.objects.create(
        name="Re-run report run 1 (operator)",
        task="incubator.tasks.report_run_execute",
        args="[1]",
        crontab=monthly_crontab,
        enabled=False,
    )
    PeriodicTask.objects.get_or_create(
        name="Weekly reminder: ventures without last month's metrics",
        defaults={
            "task": "incubator.tasks.metric_reminders_send",
            "crontab": monthly_crontab,
        },
    )
    reminders = dict(
        PeriodicTask.objects.filter(
            task__in=[
                "incubator.tasks.metric_reminders_send",
                "mentoring.tasks.mentor_reminders_send",
            ]
        ).values_list("pk", "task")
    )
    return {
        "types": {model: ct.pk for model, ct in types.items()},
        "permission": permission.pk,
        "runs": [run.pk, failed.pk],
        "reports": [national.pk, blkk.pk],
        "monthly": monthly.pk,
        "extra": extra.pk,
        "reminders": reminders,
    }


def _rows(model, ids: list[int], fields=()) -> list[dict]:
    return list(model.objects.filter(pk__in=ids).order_by("pk").values(*fields))


def test_moving_the_reports_to_their_app_keeps_every_row(old_apps):
    before = _fill_old_database(old_apps)
    old_runs = _rows(old_apps.get_model("incubator", "ReportRun"), before["runs"])
    old_reports = _rows(
        old_apps.get_model("incubator", "ProgressReport"), before["reports"]
    )

    _executor().migrate(_executor().loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()

    assert _rows(ReportRun, before["runs"], old_runs[0].keys()) == old_runs
    assert _rows(ProgressReport, before["reports"]) == old_reports
    # Columns added since: runs from before the sweep have no sign of work, so the
    # sweep leaves them as they are.
    assert list(
        ReportRun.objects.filter(pk__in=before["runs"]).values_list(
            "heartbeat_at", "attempts", "idempotency_key"
        )
    ) == [(None, 1, ""), (None, 1, "")]
    assert ReportRun.objects.count() == 2
    assert ProgressReport.objects.count() == 2
    national = ProgressReport.objects.get(pk=before["reports"][0])
    assert national.xlsx_file.name == (
        "reports/2026-04/national-id/laporan-national-id-2026-04.xlsx"
    )
    assert national.run_id == before["runs"][0]
    assert set(national.run.reports.values_list("pk", flat=True)) == set(
        before["reports"]
    )


def test_content_types_and_their_permissions_follow_the_models(old_apps):
    before = _fill_old_database(old_apps)

    _executor().migrate(_executor().loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()

    moved = {
        ct.model: ct.pk
        for ct in ContentType.objects.filter(model__in=["progressreport", "reportrun"])
    }
    assert moved == before["types"]
    assert (
        ContentType.objects.get_for_model(ProgressReport).pk
        == (before["types"]["progressreport"])
    )
    assert (
        ContentType.objects.get_for_model(ReportRun).pk
        == (before["types"]["reportrun"])
    )
    assert not ContentType.objects.filter(
        app_label="incubator", model__in=["progressreport", "reportrun"]
    ).exists()
    permission = Permission.objects.get(pk=before["permission"])
    assert (permission.content_type.app_label, permission.codename) == (
        "reports",
        "view_progressreport",
    )


def test_beat_entries_point_at_the_tasks_celery_has(old_apps):
    before = _fill_old_database(old_apps)

    _executor().migrate(_executor().loader.graph.leaf_nodes())

    monthly = PeriodicTask.objects.get(pk=before["monthly"])
    assert monthly.task == "reports.tasks.reports_generate_last_month"
    assert (monthly.crontab.hour, monthly.crontab.minute) == ("2", "30")  # kept
    assert PeriodicTask.objects.filter(name=MONTHLY).count() == 1
    assert PeriodicTask.objects.filter(task=monthly.task).count() == 1
    assert PeriodicTask.objects.get(pk=before["extra"]).task == (
        "reports.tasks.report_run_execute"
    )
    reminders = dict(
        PeriodicTask.objects.filter(pk__in=before["reminders"]).values_list(
            "pk", "task"
        )
    )
    assert reminders == before["reminders"]  # the reminders did not move
    celery_app.loader.import_default_modules()
    assert set(PeriodicTask.objects.values_list("task", flat=True)) <= set(
        celery_app.tasks
    )
