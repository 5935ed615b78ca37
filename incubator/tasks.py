"""Celery tasks of the incubator app: thin wrappers that call a service.

Every task takes `blkk_portal.celery.RETRYING` (acks late, redelivered, retried on
passing database errors), or `MAILING` when it mails (retried on mail errors too).
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from blkk_portal.celery import MAILING
from blkk_portal.months import Month

from . import reminders


@shared_task(**MAILING)
def metric_reminders_send() -> int:
    """Weekly: remind BLKK managers of ventures that did not report last month,
    once per manager and week however often it runs."""
    return reminders.metric_reminders_send(
        month=Month.last_completed(), today=timezone.localdate()
    )
