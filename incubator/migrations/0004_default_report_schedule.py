"""The default beat schedule (django-celery-beat, editable in the admin): reminders
on Mondays at 07:00 Asia/Jakarta.

This migration also created the monthly reports entry, with the task path
`incubator.tasks.reports_generate_last_month`, until the reports app took the report
tasks over: that entry is now the reports app's (its 0004 creates it on a fresh
database; its 0003 renames the task of an existing one). Its name stays listed here
so that rolling this migration back still removes it.
"""

from django.db import migrations

JAKARTA = "Asia/Jakarta"
SCHEDULE = [
    {
        "name": "Weekly reminder: ventures without last month's metrics",
        "task": "incubator.tasks.metric_reminders_send",
        "crontab": {"minute": "0", "hour": "7", "day_of_week": "1"},
        "description": "Mails BLKK managers whose active ventures did not report last "
        "month's metrics.",
    },
    {
        "name": "Weekly reminder: assignments without a session in 30 days",
        "task": "mentoring.tasks.mentor_reminders_send",
        "crontab": {"minute": "0", "hour": "7", "day_of_week": "1"},
        "description": "Mails mentors whose active assignments had no session in the "
        "last 30 days.",
    },
]


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for entry in SCHEDULE:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=entry["crontab"].get("minute", "*"),
            hour=entry["crontab"].get("hour", "*"),
            day_of_week=entry["crontab"].get("day_of_week", "*"),
            day_of_month=entry["crontab"].get("day_of_month", "*"),
            month_of_year="*",
            timezone=JAKARTA,
        )
        PeriodicTask.objects.get_or_create(
            name=entry["name"],
            defaults={
                "task": entry["task"],
                "crontab": crontab,
                "description": entry["description"],
                "enabled": True,
            },
        )


FORMER_NAMES = ["Monthly progress reports (last month, every scope)"]


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    names = [e["name"] for e in SCHEDULE] + FORMER_NAMES
    PeriodicTask.objects.filter(name__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("incubator", "0003_report_runs_breakdown_and_mail"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
