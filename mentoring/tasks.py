"""Celery tasks of the mentoring app: thin wrappers that call a service."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from blkk_portal.celery import MAILING

from . import reminders


@shared_task(**MAILING)
def mentor_reminders_send() -> int:
    """Weekly: remind mentors of active assignments with no session in 30 days,
    once per mentor and week however often it runs."""
    return reminders.mentor_reminders_send(today=timezone.localdate())
