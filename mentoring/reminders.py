"""The weekly reminder to mentors: active assignments with no session lately."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from blkk_portal.reminders import reminders_send_once

from .models import MentorAssignment, MentoringSession

# "No session in the last 30 days": today and the 29 days before it, counted like
# the report's 60-day window (month end minus 59 days through month end).
QUIET_DAYS = 30
# The key of these reminders in `ReminderSent`: one per mentor and week.
REMINDER_KIND = "mentoring.session_reminder"


def assignments_without_recent_session(today: datetime.date) -> list[dict]:
    """Assignments active today with no session held in the last 30 days, with
    their mentor's address, in one query."""
    recent = MentoringSession.objects.filter(
        assignment=OuterRef("pk"),
        held_on__range=(today - datetime.timedelta(days=QUIET_DAYS - 1), today),
    )
    return list(
        MentorAssignment.objects.active_on(today)
        .filter(~Exists(recent), mentor__user__is_active=True)
        .exclude(mentor__user__email="")
        .exclude(mentor__user__email__isnull=True)
        .order_by("mentor_id", "start_date", "pk")
        .values(
            "mentor__user__email",
            "mentor__full_name",
            "venture__name",
            "blkk__name",
        )
    )


def mentor_reminders_send(*, today: datetime.date) -> int:
    """One message per mentor listing their quiet assignments, once per mentor in
    the week of `today`; returns how many were sent."""
    by_mentor = defaultdict(list)
    for row in assignments_without_recent_session(today):
        key = (row["mentor__user__email"], row["mentor__full_name"])
        by_mentor[key].append(row["venture__name"] or row["blkk__name"])
    messages = [
        EmailMessage(
            subject=_("Reminder: mentoring sessions to record"),
            body=render_to_string(
                "mentoring/email/session_reminder.txt",
                {"name": name, "mentees": mentees, "days": QUIET_DAYS},
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email],
        )
        for (email, name), mentees in by_mentor.items()
    ]
    return reminders_send_once(kind=REMINDER_KIND, today=today, messages=messages)
