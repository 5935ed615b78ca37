"""The reports app takes over ProgressReport and ReportRun from incubator.

State only: the tables stay where they are (`incubator_progressreport`,
`incubator_reportrun`, named in the models' Meta), with their rows, constraints
and indexes; incubator's 0005 removes the models from its own state.
"""

import django.db.models.deletion
import reports.files
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("incubator", "0004_default_report_schedule"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='ReportRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('period', models.DateField(help_text='The first day of the month.', verbose_name='month')),
                        ('scope', models.CharField(blank=True, choices=[('national', 'National'), ('province', 'Province'), ('blkk', 'BLKK')], help_text='Empty for every BLKK, province and the country.', max_length=10, verbose_name='scope')),
                        ('scope_code', models.CharField(blank=True, max_length=40, verbose_name='scope code')),
                        ('notify', models.BooleanField(default=False, help_text="Mail each BLKK's managers their report, once per month.", verbose_name='mail BLKK managers')),
                        ('task_id', models.CharField(blank=True, max_length=50, verbose_name='task id')),
                        ('status', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], default='queued', max_length=10, verbose_name='status')),
                        ('reports_total', models.PositiveIntegerField(default=0, verbose_name='reports')),
                        ('error', models.TextField(blank=True, verbose_name='error')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='requested at')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished at')),
                        ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='requested by')),
                    ],
                    options={
                        'verbose_name': 'report run',
                        'verbose_name_plural': 'report runs',
                        'db_table': 'incubator_reportrun',
                        'ordering': ['-created_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ProgressReport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('scope', models.CharField(choices=[('national', 'National'), ('province', 'Province'), ('blkk', 'BLKK')], max_length=10, verbose_name='scope')),
                        ('scope_code', models.CharField(blank=True, help_text="Empty for the country, the province code, or the BLKK's code.", max_length=40, verbose_name='scope code')),
                        ('period', models.DateField(help_text='The first day of the month.', verbose_name='month')),
                        ('kpis', models.JSONField(default=dict, verbose_name='KPIs')),
                        ('generated_at', models.DateTimeField(verbose_name='generated at')),
                        ('xlsx_file', models.FileField(blank=True, upload_to=reports.files.report_file_path, verbose_name='Excel file')),
                        ('csv_file', models.FileField(blank=True, upload_to=reports.files.report_file_path, verbose_name='CSV file')),
                        ('breakdown', models.JSONField(blank=True, default=list, verbose_name='breakdown')),
                        ('files_generated_at', models.DateTimeField(blank=True, null=True, verbose_name='files generated at')),
                        ('mailed_at', models.DateTimeField(blank=True, null=True, verbose_name='mailed to managers at')),
                        ('run', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='reports', to='reports.reportrun', verbose_name='last run')),
                    ],
                    options={
                        'verbose_name': 'progress report',
                        'verbose_name_plural': 'progress reports',
                        'db_table': 'incubator_progressreport',
                        'ordering': ['-period', 'scope', 'scope_code'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='reportrun',
                    constraint=models.CheckConstraint(condition=models.Q(('status__in', ['queued', 'running', 'done', 'failed'])), name='report_run_status_known'),
                ),
                migrations.AddConstraint(
                    model_name='reportrun',
                    constraint=models.CheckConstraint(condition=models.Q(('period__day', 1)), name='report_run_period_first_of_month'),
                ),
                migrations.AddConstraint(
                    model_name='progressreport',
                    constraint=models.UniqueConstraint(fields=('scope', 'scope_code', 'period'), name='report_once_per_scope_month'),
                ),
                migrations.AddConstraint(
                    model_name='progressreport',
                    constraint=models.CheckConstraint(condition=models.Q(('scope__in', ['national', 'province', 'blkk'])), name='report_scope_known'),
                ),
                migrations.AddConstraint(
                    model_name='progressreport',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('scope', 'national'), ('scope_code', '')), models.Q(models.Q(('scope', 'national'), _negated=True), models.Q(('scope_code', ''), _negated=True)), _connector='OR'), name='report_scope_code_fits_scope', violation_error_message='A national report has no scope code; other reports need one.'),
                ),
                migrations.AddConstraint(
                    model_name='progressreport',
                    constraint=models.CheckConstraint(condition=models.Q(('period__day', 1)), name='report_period_first_of_month'),
                ),
    
            ],
        ),
    ]
