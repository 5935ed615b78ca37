"""`blkk_portal.reminders`: the ledger that lets a weekly reminder go once per
recipient and week (the apps' reminders: tests/incubator/, tests/mentoring/)."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction

from blkk_portal.models import ReminderSent
from blkk_portal.reminders import reminders_send_once, week_of

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 5, 4)


def message_to(address: str) -> EmailMessage:
    return EmailMessage(subject="Reminder", body="Hello", to=[address])


def test_a_week_is_known_by_its_monday():
    assert [week_of(MONDAY + datetime.timedelta(days=n)) for n in range(7)] == [
        MONDAY
    ] * 7


def test_each_recipient_gets_one_reminder_of_a_kind_a_week():
    messages = [message_to("a@example.id"), message_to("b@example.id")]

    assert reminders_send_once(kind="test", today=MONDAY, messages=messages) == 2
    again = [message_to("a@example.id"), message_to("c@example.id")]
    sunday = MONDAY + datetime.timedelta(days=6)
    assert reminders_send_once(kind="test", today=sunday, messages=again) == 1
    assert reminders_send_once(kind="other", today=sunday, messages=again) == 2

    assert [m.to[0] for m in mail.outbox] == [
        "a@example.id",
        "b@example.id",
        "c@example.id",
        "a@example.id",
        "c@example.id",
    ]


def test_the_database_holds_one_row_per_kind_week_and_recipient():
    ReminderSent.objects.create(kind="test", week=MONDAY, recipient="a@example.id")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderSent.objects.create(kind="test", week=MONDAY, recipient="a@example.id")
    tuesday = MONDAY + datetime.timedelta(days=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderSent.objects.create(kind="test", week=tuesday, recipient="b@example.id")
