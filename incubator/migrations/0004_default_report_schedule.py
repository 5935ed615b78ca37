"""The default beat schedule (django-celery-beat, editable in the admin):
last month's reports on the 1st at 02:00 Asia/Jakarta, reminders on Mondays at 07:00."""

from django.db import migrations

JAKARTA = "Asia/Jakarta"
SCHEDULE = [
    {
        "name": "Monthly progress reports (last month, every scope)",
        "task": "incubator.tasks.reports_generate_last_month",
        "crontab": {"minute": "0", "hour": "2", "day_of_month": "1"},
        "description": "Generates last month's report of every BLKK, province and the "
        "country, renders the files and mails each BLKK's managers.",
    },
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


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[e["name"] for e in SCHEDULE]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("incubator", "0003_report_runs_breakdown_and_mail"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
