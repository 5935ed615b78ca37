"""The weekly reminder to BLKK managers: active ventures without last month's
metrics (the ventures `metrics_expected` counts and `metrics_reported` does not)."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from blkk_portal.accounts.models import User
from blkk_portal.months import Month
from blkk_portal.reminders import reminders_send_once

from .selectors import ACTIVE_AT_END, ventures_with_month_end_stage


def ventures_missing_metrics(month: Month) -> list[dict]:
    """Ventures active at the end of `month` with no metrics for it, one query."""
    return list(
        ventures_with_month_end_stage(month)
        .filter(ACTIVE_AT_END, reported_metrics=False)
        .order_by("cohort__blkk__name", "name")
        .values("name", "cohort__blkk_id", "cohort__blkk__name")
    )


# The key of these reminders in `ReminderSent`: one per manager and week.
REMINDER_KIND = "incubator.metric_reminder"


def metric_reminders_send(*, month: Month, today: datetime.date | None = None) -> int:
    """One message per active manager with an address, listing the ventures of the
    BLKKs they manage that did not report `month`; once per manager in the week of
    `today` (default: today in Jakarta). Returns the messages sent."""
    missing = ventures_missing_metrics(month)
    ventures_by_blkk = defaultdict(list)
    for venture in missing:
        ventures_by_blkk[venture["cohort__blkk_id"]].append(venture)
    managers = (
        User.objects.filter(managed_blkks__in=list(ventures_by_blkk), is_active=True)
        .exclude(email="")
        .values_list("email", "full_name", "managed_blkks")
        .order_by("email")
    )
    lists: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for email, full_name, blkk_id in managers:
        lists[(email, full_name)].extend(ventures_by_blkk[blkk_id])
    messages = [
        EmailMessage(
            subject=_("Reminder: monthly figures for %(month)s") % {"month": month},
            body=render_to_string(
                "incubator/email/metric_reminder.txt",
                {"name": full_name, "month": month, "ventures": ventures},
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email],
        )
        for (email, full_name), ventures in lists.items()
    ]
    return reminders_send_once(
        kind=REMINDER_KIND, today=today or timezone.localdate(), messages=messages
    )
