"""Two weekly reminder tasks at once (a second beat): each manager is reminded once,
the unique `ReminderSent` row deciding. Transactional, like
`tests/training/test_concurrency.py`."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from blkk_portal.months import Month
from incubator.reminders import metric_reminders_send
from tests.accounts.factories import UserFactory
from tests.threads import run_together

from .factories import VentureFactory

APRIL = Month(2026, 4)
MONDAY = datetime.date(2026, 5, 4)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_reminder_tasks_at_once_remind_each_manager_once(blkk_a, slow_mail_server):
    managers = UserFactory.create_batch(2, blkk_manager=True, managed_blkks=[blkk_a])
    VentureFactory(
        cohort__blkk=blkk_a,
        name="Keripik Tempe Sari",
        started_on=datetime.date(2026, 1, 5),
    )

    def remind():
        return metric_reminders_send(month=APRIL, today=MONDAY)

    outcomes = run_together(remind, remind)

    assert sorted(outcomes) == [0, 2] or sorted(outcomes) == [1, 1], outcomes
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.email for m in managers)
