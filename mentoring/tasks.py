"""Celery tasks of the mentoring app: thin wrappers that call a service."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from blkk_portal.celery import RETRYING

from . import reminders


@shared_task(**RETRYING)
def mentor_reminders_send() -> int:
    """Weekly: remind mentors of active assignments with no session in 30 days."""
    return reminders.mentor_reminders_send(today=timezone.localdate())
