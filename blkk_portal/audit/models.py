"""The audit trail of personal data: one row per view, export, download or erasure.

It says who, what (the kind of record, one record's id or the filter used) and how
many rows, and when; never the personal data itself (a long run of digits in a
filter, such as a NIK searched for, is stored masked).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    FULL_NIK_VIEW = "full_nik_view", _("Whole NIK shown")
    EXPORT = "export", _("Export")
    DOWNLOAD = "download", _("File download")
    ERASURE = "erasure", _("Person erased")


class PersonalDataEvent(models.Model):
    Action = AuditAction
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    # Kept as it was when the event happened: the account may be renamed or removed.
    username = models.CharField(_("username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    subject = models.CharField(_("kind of record"), max_length=100)
    record_id = models.PositiveBigIntegerField(_("record id"), null=True, blank=True)
    query = models.CharField(_("page and filter"), max_length=500, blank=True)
    rows = models.PositiveIntegerField(_("rows"))

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("personal data event")
        verbose_name_plural = _("personal data events")
        indexes = [models.Index(fields=["user", "-at"])]

    def __str__(self) -> str:
        return f"{self.username or '-'} {self.get_action_display()} {self.subject}"
