"""Two managers giving a mentor their last free place at once: the mentor row lock
decides; two weekly reminder tasks at once: the unique `ReminderSent` row decides.
Transactional, like `tests/training/test_concurrency.py`."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from mentoring import services
from mentoring.models import MentorAssignment
from mentoring.reminders import mentor_reminders_send
from tests.incubator.factories import VentureFactory
from tests.threads import pause, run_together

from .factories import MentorAssignmentFactory, MentorFactory

# Long enough that, without the lock, both threads would count before either saves.
RACE_WINDOW_SECONDS = 0.3


@pytest.fixture
def slow_capacity_check(monkeypatch):
    check = services.assignment_ensure_mentor_capacity

    def check_then_wait(*, assignment):
        check(assignment=assignment)
        pause(RACE_WINDOW_SECONDS)

    monkeypatch.setattr(services, "assignment_ensure_mentor_capacity", check_then_wait)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_assignments_of_a_mentor_with_one_free_place_at_once_get_one(
    slow_capacity_check,
):
    mentor = MentorFactory(max_active_assignments=1)
    ventures = VentureFactory.create_batch(2)

    def assign(venture):
        return lambda: services.assignment_create(
            mentor=mentor,
            venture=venture,
            start_date=datetime.date(2025, 5, 1),
            status=MentorAssignment.Status.ACTIVE,
            by=None,
        )

    outcomes = run_together(*(assign(venture) for venture in ventures))

    saved = [o for o in outcomes if isinstance(o, MentorAssignment)]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert (len(saved), len(refused)) == (1, 1), outcomes
    assert [e.code for e in refused[0].error_dict["mentor"]] == ["mentor_full"]
    assert list(mentor.assignments.values_list("pk", flat=True)) == [saved[0].pk]


# Two weekly reminder tasks at once (a second beat): each mentor is reminded once.

REMINDED_ON = datetime.date(2026, 4, 30)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_reminder_tasks_at_once_remind_each_mentor_once(slow_mail_server):
    mentors = MentorFactory.create_batch(2)
    for mentor in mentors:
        MentorAssignmentFactory(
            mentor=mentor,
            venture=VentureFactory(name=f"Usaha {mentor.full_name}"),
            start_date=datetime.date(2026, 1, 5),
        )

    outcomes = run_together(
        lambda: mentor_reminders_send(today=REMINDED_ON),
        lambda: mentor_reminders_send(today=REMINDED_ON),
    )

    assert sum(outcomes) == 2, outcomes
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        mentor.user.email for mentor in mentors
    )
