"""One spreadsheet import: its preview, kept on the server, then its run and result.

A job is made by `services.import_preview` from an uploaded file and belongs to the
user who uploaded it. `rows` holds each data row as the values an API client would
send for it (what is checked again on confirmation), `errors` each row's problems;
both are personal data, cleared once the rows are written or the preview is
dropped. What stays is the result: how many rows, by whom, when.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from blkk_portal.constraints import choice_is_known


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("Previewed")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


FINISHED = (ImportStatus.DONE, ImportStatus.FAILED, ImportStatus.CANCELLED)


class ImportJob(models.Model):
    Status = ImportStatus
    kind = models.CharField(_("kind"), max_length=50)
    owner_key = models.CharField(
        _("owner"),
        max_length=64,
        blank=True,
        help_text=_(
            "What the rows are imported into, as the kind names it (a BLKK's id)."
        ),
    )
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ImportStatus.choices,
        default=ImportStatus.PREVIEWED,
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    rows_with_errors = models.PositiveIntegerField(_("rows with errors"), default=0)
    # The last progress stored in the database; while a run writes, its progress
    # lives in the cache (`services.import_progress`), because the rows and this
    # job's "done" are committed together, at the end.
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    rows = models.JSONField(_("rows"), default=list, blank=True)
    errors = models.JSONField(_("errors"), default=dict, blank=True)
    notices = models.JSONField(_("notices"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    task_id = models.CharField(_("task id"), max_length=50, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("spreadsheet imports")
        indexes = [
            models.Index(
                fields=["kind", "owner_key", "-created_at"], name="import_job_owner_idx"
            )
        ]
        constraints = [
            choice_is_known("status", ImportStatus, "import_job_status_known"),
            models.CheckConstraint(
                condition=Q(rows_written__lte=models.F("total_rows")),
                name="import_job_written_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def confirmable(self) -> bool:
        return (
            self.status == ImportStatus.PREVIEWED
            and self.rows_with_errors == 0
            and self.total_rows > 0
        )
