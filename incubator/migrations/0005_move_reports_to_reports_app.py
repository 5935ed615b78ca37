"""ProgressReport and ReportRun now belong to the reports app (its 0001): incubator
forgets them, in its state only, so their tables and rows stay."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("incubator", "0004_default_report_schedule"),
        ("reports", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(model_name="progressreport", name="run"),
                migrations.DeleteModel(name="ProgressReport"),
                migrations.DeleteModel(name="ReportRun"),
            ],
        ),
    ]
