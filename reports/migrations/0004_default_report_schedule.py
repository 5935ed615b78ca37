"""The default beat schedule of the reports app (django-celery-beat, editable in the
admin): last month's reports on the 1st at 02:00 Asia/Jakarta.

Looked up by name and by task: on a database that had it from incubator's 0004
(its task renamed to the new path by 0003) it is kept as it is, with any edits, even
a new name; on a fresh database it is created once.
"""

from django.db import migrations

JAKARTA = "Asia/Jakarta"
MONTHLY_REPORTS = {
    "name": "Monthly progress reports (last month, every scope)",
    "task": "reports.tasks.reports_generate_last_month",
    "crontab": {"minute": "0", "hour": "2", "day_of_month": "1"},
    "description": "Generates last month's report of every BLKK, province and the "
    "country, renders the files and mails each BLKK's managers.",
}


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    entry = MONTHLY_REPORTS
    existing = PeriodicTask.objects.filter(name=entry["name"]) | (
        PeriodicTask.objects.filter(task=entry["task"])
    )
    if existing.exists():
        return
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute=entry["crontab"]["minute"],
        hour=entry["crontab"]["hour"],
        day_of_week="*",
        day_of_month=entry["crontab"]["day_of_month"],
        month_of_year="*",
        timezone=JAKARTA,
    )
    PeriodicTask.objects.create(
        name=entry["name"],
        task=entry["task"],
        crontab=crontab,
        description=entry["description"],
        enabled=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_move_report_beat_tasks"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    # Rolling back keeps the entry and its edits: 0003's reverse points it back at
    # incubator's task path, which is where the code before this app expects it.
    operations = [migrations.RunPython(create_schedule, migrations.RunPython.noop)]
