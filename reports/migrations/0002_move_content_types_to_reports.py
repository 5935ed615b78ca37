"""The content types of ProgressReport and ReportRun follow the models to the reports
app, so their permissions and the admin's log entries follow too.

On a fresh database there are none yet (Django creates content types after
migrating), and this does nothing. A content type the reports app already has is
left alone rather than duplicated.
"""

from django.db import migrations

MODELS = ("progressreport", "reportrun")


def _move(apps, from_label, to_label):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if ContentType.objects.filter(app_label=to_label, model=model).exists():
            continue
        ContentType.objects.filter(app_label=from_label, model=model).update(
            app_label=to_label
        )


def to_reports(apps, schema_editor):
    _move(apps, "incubator", "reports")


def to_incubator(apps, schema_editor):
    _move(apps, "reports", "incubator")


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(to_reports, to_incubator)]
