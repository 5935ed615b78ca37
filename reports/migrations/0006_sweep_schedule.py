"""The sweep's beat entry (django-celery-beat, editable in the admin): every 5
minutes, queue again the report runs no live worker holds and the report mail whose
next attempt is due (docs/reports.md, "When a worker dies").

Looked up by name and by task, so a database that has it keeps it as it is.
"""

from django.db import migrations

JAKARTA = "Asia/Jakarta"
SWEEP = {
    "name": "Report runs and mail left behind (every 5 minutes)",
    "task": "reports.tasks.reports_sweep",
    "crontab": {"minute": "*/5"},
    "description": "Queues again the report runs whose worker died (no sign of work "
    "for REPORT_RUN_STALE_SECONDS) and the report mail whose next attempt is due.",
}


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    existing = PeriodicTask.objects.filter(name=SWEEP["name"]) | (
        PeriodicTask.objects.filter(task=SWEEP["task"])
    )
    if existing.exists():
        return
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute=SWEEP["crontab"]["minute"],
        hour="*",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone=JAKARTA,
    )
    PeriodicTask.objects.create(
        name=SWEEP["name"],
        task=SWEEP["task"],
        crontab=crontab,
        description=SWEEP["description"],
        enabled=True,
    )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=SWEEP["name"], task=SWEEP["task"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0005_run_heartbeat_idempotency_and_mail_deliveries"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
