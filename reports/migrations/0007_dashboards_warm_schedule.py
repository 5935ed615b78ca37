"""The dashboards' beat entry (django-celery-beat, editable in the admin): every 5
minutes, this month so far for the country and every province, computed in one
pass and kept in the cache (docs/portal.md, "Dashboards").

Looked up by name and by task, so a database that has it keeps it as it is.
"""

from django.db import migrations

JAKARTA = "Asia/Jakarta"
WARM = {
    "name": "Dashboards' month so far (every 5 minutes)",
    "task": "reports.tasks.dashboards_warm",
    "crontab": {"minute": "*/5"},
    "description": "Computes this month so far for the country and every province "
    "in one pass and keeps it in the cache for DASHBOARD_LIVE_SECONDS, so that the "
    "dashboards answer from the cache.",
}


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    existing = PeriodicTask.objects.filter(name=WARM["name"]) | (
        PeriodicTask.objects.filter(task=WARM["task"])
    )
    if existing.exists():
        return
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute=WARM["crontab"]["minute"],
        hour="*",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone=JAKARTA,
    )
    PeriodicTask.objects.create(
        name=WARM["name"],
        task=WARM["task"],
        crontab=crontab,
        description=WARM["description"],
        enabled=True,
    )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=WARM["name"], task=WARM["task"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0006_sweep_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
