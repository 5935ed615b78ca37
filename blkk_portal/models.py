"""The few tables that belong to no app: the ledger of weekly reminders sent."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReminderSent(models.Model):
    """One weekly reminder of one kind, mailed to one address in one week.

    Inserted in the transaction that sends the message, so the unique key decides,
    in the database, that a reminder task run twice (a second beat, a redelivered
    message) sends nothing twice; a send that fails rolls its row back, so the retry
    sends it.
    """

    kind = models.CharField(
        _("kind"), max_length=60, help_text=_("The task that sends it.")
    )
    week = models.DateField(_("week"), help_text=_("The Monday of the week."))
    recipient = models.EmailField(_("recipient"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["-week", "kind", "recipient"]
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "week", "recipient"],
                name="reminder_once_per_recipient_and_week",
            ),
            models.CheckConstraint(
                # Django counts week days from Sunday (1): 2 is a Monday.
                condition=Q(week__week_day=2),
                name="reminder_week_is_a_monday",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.week:%Y-%m-%d} {self.recipient}"
