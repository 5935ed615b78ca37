"""The weekly reminder to managers about ventures without last month's metrics."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import translation

from blkk_portal.models import ReminderSent
from blkk_portal.months import Month
from incubator import tasks
from incubator.models import Stage
from incubator.reminders import metric_reminders_send
from incubator.services import venture_change_stage
from tests.accounts.factories import UserFactory

from .factories import VentureFactory, VentureMetricFactory

pytestmark = pytest.mark.django_db

APRIL = Month(2026, 4)
ONE_DAY = datetime.timedelta(days=1)


def venture_in(blkk, name: str):
    return VentureFactory(
        cohort__blkk=blkk, name=name, started_on=datetime.date(2026, 1, 5)
    )


def test_managers_are_reminded_of_active_ventures_without_the_months_metrics(
    blkk_a, blkk_b
):
    alice = UserFactory(blkk_manager=True, managed_blkks=[blkk_a], full_name="Alice")
    bob = UserFactory(blkk_manager=True, managed_blkks=[blkk_b])
    venture_in(blkk_a, "Keripik Tempe Sari")
    reported = venture_in(blkk_a, "Batik Tulis Laras")
    VentureMetricFactory(venture=reported, period=APRIL.first_day)
    march_only = venture_in(blkk_a, "Kopi Gunung Halu")
    VentureMetricFactory(venture=march_only, period=datetime.date(2026, 3, 1))
    dropped = venture_in(blkk_a, "Sablon Maju")
    venture_change_stage(
        venture=dropped,
        to_stage=Stage.DROPPED,
        changed_on=datetime.date(2026, 4, 2),
        by=None,
    )
    VentureMetricFactory(
        venture=venture_in(blkk_b, "Jamu Sehat"), period=APRIL.first_day
    )

    with translation.override("en"):
        sent = metric_reminders_send(month=APRIL)

    assert sent == 1
    [message] = mail.outbox
    assert message.to == [alice.email]
    assert "2026-04" in message.subject
    assert "Dear Alice" in message.body
    listed = [line for line in message.body.splitlines() if line.startswith("- ")]
    assert listed == [
        f"- Keripik Tempe Sari ({blkk_a.name})",
        f"- Kopi Gunung Halu ({blkk_a.name})",
    ]
    assert bob.email not in {address for m in mail.outbox for address in m.to}


def test_a_manager_of_two_blkks_gets_one_message(blkk_a, blkk_b):
    UserFactory(blkk_manager=True, managed_blkks=[blkk_a, blkk_b])
    venture_in(blkk_a, "Keripik Tempe Sari")
    venture_in(blkk_b, "Jamu Sehat")

    assert metric_reminders_send(month=APRIL) == 1
    assert mail.outbox[0].body.count("\n- ") == 2


def test_the_weekly_task_reminds_about_last_month(blkk_a):
    UserFactory(blkk_manager=True, managed_blkks=[blkk_a])
    venture_in(blkk_a, "Keripik Tempe Sari")

    assert tasks.metric_reminders_send.delay().get() == 1
    assert str(Month.last_completed()) in mail.outbox[0].subject


# Once per manager and week (issue #9): however often the weekly task runs.

MONDAY = datetime.date(2026, 5, 4)


def test_running_the_reminder_twice_in_a_week_reminds_each_manager_once(blkk_a):
    UserFactory(blkk_manager=True, managed_blkks=[blkk_a])
    venture_in(blkk_a, "Keripik Tempe Sari")

    assert metric_reminders_send(month=APRIL, today=MONDAY) == 1
    assert metric_reminders_send(month=APRIL, today=MONDAY + ONE_DAY * 6) == 0

    assert len(mail.outbox) == 1
    assert metric_reminders_send(month=APRIL, today=MONDAY + ONE_DAY * 7) == 1


def test_the_weekly_task_run_twice_reminds_once(blkk_a):
    UserFactory(blkk_manager=True, managed_blkks=[blkk_a])
    venture_in(blkk_a, "Keripik Tempe Sari")

    assert tasks.metric_reminders_send.delay().get() == 1
    assert tasks.metric_reminders_send.delay().get() == 0
    assert len(mail.outbox) == 1


def test_a_reminder_the_mail_server_refused_is_sent_by_the_retry(
    blkk_a, mail_server_down, settings
):
    manager = UserFactory(blkk_manager=True, managed_blkks=[blkk_a])
    venture_in(blkk_a, "Keripik Tempe Sari")

    with pytest.raises(OSError, match="Connection refused"):
        metric_reminders_send(month=APRIL, today=MONDAY)
    assert not ReminderSent.objects.exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert metric_reminders_send(month=APRIL, today=MONDAY) == 1
    assert [m.to for m in mail.outbox] == [[manager.email]]


def test_the_weekly_task_retries_mail_errors_with_backoff():
    assert OSError in tasks.metric_reminders_send.autoretry_for
    assert tasks.metric_reminders_send.retry_backoff
