"""Celery tasks of the incubator app: thin wrappers that call a service.

Every task takes `blkk_portal.celery.RETRYING` (acks late, redelivered, retried on
passing database errors).
"""

from __future__ import annotations

from celery import shared_task

from blkk_portal.celery import RETRYING
from blkk_portal.months import Month

from . import reminders


@shared_task(**RETRYING)
def metric_reminders_send() -> int:
    """Weekly: remind BLKK managers of ventures that did not report last month."""
    return reminders.metric_reminders_send(month=Month.last_completed())
