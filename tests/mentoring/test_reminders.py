"""The weekly reminder to mentors of assignments without a session in 30 days."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import translation

from mentoring import tasks
from mentoring.models import MentorAssignment
from mentoring.reminders import mentor_reminders_send
from tests.incubator.factories import VentureFactory

from .factories import MentorAssignmentFactory, MentorFactory, MentoringSessionFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 4, 30)
STARTED = datetime.date(2026, 1, 5)


def assignment(mentor, venture_name: str, **fields):
    return MentorAssignmentFactory(
        mentor=mentor,
        venture=VentureFactory(name=venture_name),
        start_date=STARTED,
        **fields,
    )


def test_mentors_are_reminded_of_assignments_quiet_for_30_days():
    maya = MentorFactory(full_name="Maya")
    # 30 April minus 29 days is 1 April, still within the last 30 days.
    MentoringSessionFactory(
        assignment=assignment(maya, "Keripik Tempe Sari"),
        held_on=datetime.date(2026, 4, 1),
    )
    MentoringSessionFactory(
        assignment=assignment(maya, "Kopi Gunung Halu"),
        held_on=datetime.date(2026, 3, 31),
    )
    assignment(maya, "Batik Tulis Laras")
    assignment(maya, "Sablon Maju", status=MentorAssignment.Status.PLANNED)
    assignment(
        maya,
        "Jamu Sehat",
        status=MentorAssignment.Status.ENDED,
        end_date=datetime.date(2026, 4, 20),
    )
    busy = MentorFactory()
    MentoringSessionFactory(
        assignment=assignment(busy, "Roti Bakar"), held_on=datetime.date(2026, 4, 29)
    )

    with translation.override("en"):
        assert mentor_reminders_send(today=TODAY) == 1
    [message] = mail.outbox
    assert message.to == [maya.user.email]
    assert "Dear Maya" in message.body
    listed = sorted(line for line in message.body.splitlines() if line[:2] == "- ")
    assert listed == ["- Batik Tulis Laras", "- Kopi Gunung Halu"]


def test_a_quiet_blkk_wide_assignment_is_named_by_its_blkk(blkk_a):
    MentorAssignmentFactory(whole_blkk=True, blkk=blkk_a, start_date=STARTED)

    assert mentor_reminders_send(today=TODAY) == 1
    assert f"- {blkk_a.name}" in mail.outbox[0].body


def test_the_weekly_task_reminds_mentors_as_of_today():
    assignment(MentorFactory(), "Batik Tulis Laras")

    assert tasks.mentor_reminders_send.delay().get() == 1


# Once per mentor and week (issue #9): however often the weekly task runs.


def test_running_the_reminder_twice_in_a_week_reminds_each_mentor_once():
    assignment(MentorFactory(), "Batik Tulis Laras")

    assert mentor_reminders_send(today=TODAY) == 1
    assert tasks.mentor_reminders_send.delay().get() == 1  # today: another week
    assert mentor_reminders_send(today=TODAY) == 0
    assert len(mail.outbox) == 2


def test_a_reminder_the_mail_server_refused_is_sent_by_the_retry(
    mail_server_down, settings
):
    mentor = MentorFactory()
    assignment(mentor, "Batik Tulis Laras")

    with pytest.raises(OSError, match="Connection refused"):
        mentor_reminders_send(today=TODAY)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert mentor_reminders_send(today=TODAY) == 1
    assert [m.to for m in mail.outbox] == [[mentor.user.email]]
