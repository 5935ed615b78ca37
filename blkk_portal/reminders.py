"""Weekly reminders, sent once per recipient and week whatever runs them twice."""

from __future__ import annotations

import datetime
import logging

from django.core.mail import EmailMessage, get_connection
from django.db import transaction

from .models import ReminderSent

logger = logging.getLogger(__name__)


def week_of(day: datetime.date) -> datetime.date:
    """The Monday of `day`'s week."""
    return day - datetime.timedelta(days=day.weekday())


def reminders_send_once(
    *, kind: str, today: datetime.date, messages: list[EmailMessage]
) -> int:
    """Send each message (one recipient each) unless a reminder of `kind` went to
    its recipient this week. Each send and its `ReminderSent` row commit together:
    a message the mail server refused is not recorded, the others are, and the
    first error is raised afterwards so that the task retries the rest. Returns the
    number sent."""
    week = week_of(today)
    sent = 0
    first_error: OSError | None = None
    with get_connection() as mail:
        for message in messages:
            [recipient] = message.to
            try:
                with transaction.atomic():
                    _, new = ReminderSent.objects.get_or_create(
                        kind=kind, week=week, recipient=recipient
                    )
                    if new:
                        mail.send_messages([message])
                        sent += 1
            except OSError as error:  # SMTP refused, dropped or timed out
                # The error's name only: an SMTP refusal names the addresses.
                logger.warning(
                    "a reminder (%s) was not sent: %s", kind, type(error).__name__
                )
                first_error = first_error or error
    if first_error is not None:
        raise first_error
    return sent
