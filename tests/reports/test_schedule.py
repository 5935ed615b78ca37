"""The default beat schedule that the data migration stores."""

from __future__ import annotations

import pytest
from django_celery_beat.models import PeriodicTask

from blkk_portal.celery import app

pytestmark = pytest.mark.django_db


def schedule_of(task_name: str) -> tuple:
    crontab = PeriodicTask.objects.get(task=task_name, enabled=True).crontab
    return (
        crontab.minute,
        crontab.hour,
        crontab.day_of_month,
        crontab.month_of_year,
        crontab.day_of_week,
        str(crontab.timezone),
    )


def test_monthly_reports_run_on_the_first_at_two_in_jakarta():
    assert schedule_of("reports.tasks.reports_generate_last_month") == (
        "0",
        "2",
        "1",
        "*",
        "*",
        "Asia/Jakarta",
    )


@pytest.mark.parametrize(
    "task_name",
    ["incubator.tasks.metric_reminders_send", "mentoring.tasks.mentor_reminders_send"],
)
def test_reminders_run_on_monday_mornings_in_jakarta(task_name):
    assert schedule_of(task_name) == ("0", "7", "*", "*", "1", "Asia/Jakarta")


def test_the_sweep_runs_every_five_minutes():
    assert schedule_of("reports.tasks.reports_sweep") == (
        "*/5",
        "*",
        "*",
        "*",
        "*",
        "Asia/Jakarta",
    )


def test_the_dashboards_month_so_far_is_kept_warm_every_five_minutes():
    assert schedule_of("reports.tasks.dashboards_warm") == (
        "*/5",
        "*",
        "*",
        "*",
        "*",
        "Asia/Jakarta",
    )


def test_every_schedule_is_a_crontab():
    assert not PeriodicTask.objects.filter(crontab__isnull=True).exists()


def test_every_scheduled_task_is_registered_with_the_worker():
    app.loader.import_default_modules()
    scheduled = set(PeriodicTask.objects.values_list("task", flat=True))
    assert scheduled
    assert scheduled <= set(app.tasks)
