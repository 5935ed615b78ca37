"""Beat's stored schedule names tasks by their path: the report tasks moved from
`incubator.tasks` to `reports.tasks`, so existing entries (the monthly reports, and
any an operator added in the admin) point at the new path. Metric reminders stay in
incubator."""

from django.db import migrations

MOVED_TASKS = ("reports_generate_last_month", "report_run_execute", "report_run_chunk")


def _rename(apps, from_module, to_module):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name in MOVED_TASKS:
        PeriodicTask.objects.filter(task=f"{from_module}.{name}").update(
            task=f"{to_module}.{name}"
        )


def to_reports(apps, schema_editor):
    _rename(apps, "incubator.tasks", "reports.tasks")


def to_incubator(apps, schema_editor):
    _rename(apps, "reports.tasks", "incubator.tasks")


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_move_content_types_to_reports"),
        ("incubator", "0004_default_report_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(to_reports, to_incubator)]
