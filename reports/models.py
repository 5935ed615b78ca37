"""Progress reports: a scope's KPIs for a month, and the runs that generate them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from blkk_portal.constraints import choice_is_known

from .files import report_file_path
from .managers import (
    ProgressReportQuerySet,
    ReportDeliveryQuerySet,
    ReportRunQuerySet,
)
from .presenting import scope_display


class ReportScope(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCE = "province", _("Province")
    BLKK = "blkk", _("BLKK")


class ReportRunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ReportRun(models.Model):
    """One request to generate reports in the background, and how far it got.

    An empty `scope` is the monthly fan-out: every BLKK, province and the country.
    Progress is not counted here but read from the reports themselves (those of this
    run whose files were written since it started), so a task that runs twice after
    a redelivery cannot count a report twice.
    """

    Status = ReportRunStatus
    period = models.DateField(_("month"), help_text=_("The first day of the month."))
    scope = models.CharField(
        _("scope"),
        max_length=10,
        choices=ReportScope.choices,
        blank=True,
        help_text=_("Empty for every BLKK, province and the country."),
    )
    scope_code = models.CharField(_("scope code"), max_length=40, blank=True)
    notify = models.BooleanField(
        _("mail BLKK managers"),
        default=False,
        help_text=_("Mail each BLKK's managers their report, once per month."),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    task_id = models.CharField(_("task id"), max_length=50, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ReportRunStatus.choices,
        default=ReportRunStatus.QUEUED,
    )
    reports_total = models.PositiveIntegerField(_("reports"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # A worker that dies leaves no word: the run's last sign of work (queued, taken,
    # a report finished) tells the sweep when no live worker holds it any more.
    heartbeat_at = models.DateTimeField(_("last sign of work"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(
        _("attempts"),
        default=1,
        help_text=_(
            "How many times the run was queued: once, and again each time the "
            "sweep found no live worker holding it."
        ),
    )
    idempotency_key = models.CharField(
        _("idempotency key"),
        max_length=60,
        blank=True,
        help_text=_(
            "Set on the monthly run, so that a second beat makes no second run."
        ),
    )

    objects = ReportRunQuerySet.as_manager()

    class Meta:
        # Made in the incubator app, which held the reports until the reports app.
        db_table = "incubator_reportrun"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        constraints = [
            choice_is_known("status", ReportRunStatus, "report_run_status_known"),
            models.CheckConstraint(
                condition=Q(period__day=1), name="report_run_period_first_of_month"
            ),
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="report_run_idempotency_key_once",
                violation_error_message=_("This run has been requested already."),
            ),
        ]
        indexes = [
            # The sweep's look-up: unfinished runs by their last sign of work.
            models.Index(
                fields=["heartbeat_at"],
                condition=Q(status__in=["queued", "running"]),
                name="report_run_unfinished_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope or _('all scopes')} {self.scope_code} {self.period:%Y-%m}"


class ProgressReport(models.Model):
    """A scope's KPIs for one month; regenerating replaces the row, never adds one."""

    Scope = ReportScope
    scope = models.CharField(_("scope"), max_length=10, choices=ReportScope.choices)
    scope_code = models.CharField(
        _("scope code"),
        max_length=40,
        blank=True,
        help_text=_("Empty for the country, the province code, or the BLKK's code."),
    )
    period = models.DateField(_("month"), help_text=_("The first day of the month."))
    kpis = models.JSONField(_("KPIs"), default=dict)
    generated_at = models.DateTimeField(_("generated at"))
    xlsx_file = models.FileField(
        _("Excel file"), upload_to=report_file_path, blank=True
    )
    csv_file = models.FileField(_("CSV file"), upload_to=report_file_path, blank=True)
    # Per-BLKK (province report) or per-province (national report) rows, stored with
    # the totals so the files are rendered from what the report says, not recomputed.
    breakdown = models.JSONField(_("breakdown"), default=list, blank=True)
    files_generated_at = models.DateTimeField(
        _("files generated at"), null=True, blank=True
    )
    mailed_at = models.DateTimeField(_("mailed to managers at"), null=True, blank=True)
    run = models.ForeignKey(
        ReportRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("last run"),
    )

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        db_table = "incubator_progressreport"
        ordering = ["-period", "scope", "scope_code"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "scope_code", "period"],
                name="report_once_per_scope_month",
            ),
            choice_is_known("scope", ReportScope, "report_scope_known"),
            models.CheckConstraint(
                condition=(Q(scope="national") & Q(scope_code=""))
                | (~Q(scope="national") & ~Q(scope_code="")),
                name="report_scope_code_fits_scope",
                violation_error_message=_(
                    "A national report has no scope code; other reports need one."
                ),
            ),
            models.CheckConstraint(
                condition=Q(period__day=1),
                name="report_period_first_of_month",
            ),
        ]

    def __str__(self) -> str:
        where = self.scope_code or _("Indonesia")
        return f"{self.get_scope_display()} {where} {self.period:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("report-detail", args=[self.pk])

    @property
    def scope_label(self) -> str:
        """The scope by name: "Indonesia", the province's name, the BLKK's name with
        its code. Read from `place_name` when the queryset was annotated
        (`with_place_name`), else looked up."""
        from .selectors import scope_name

        place = getattr(self, "place_name", None)
        if place is None:
            return scope_name(self.scope, self.scope_code)
        return scope_display(self.scope, self.scope_code, place)


class ReportDeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")


class ReportDelivery(models.Model):
    """A BLKK report to mail to one manager: recorded with the report's files, marked
    sent only after the mail server took it, tried again with backoff until then.
    One row per report and address, so a report is never mailed twice to anyone."""

    Status = ReportDeliveryStatus
    report = models.ForeignKey(
        ProgressReport,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("report"),
    )
    recipient = models.EmailField(_("recipient"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ReportDeliveryStatus.choices,
        default=ReportDeliveryStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = ReportDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["report", "recipient"]
        verbose_name = _("report delivery")
        verbose_name_plural = _("report deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "recipient"], name="report_delivery_once"
            ),
            choice_is_known(
                "status", ReportDeliveryStatus, "report_delivery_status_known"
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(sent_at__isnull=False),
                name="report_delivery_sent_has_time",
            ),
        ]
        indexes = [
            # The sweep's look-up: pending mail whose next attempt is due.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="report_delivery_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} -> {self.recipient}"
