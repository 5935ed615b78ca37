"""A signed-in session ends after SESSION_IDLE_MINUTES without a request and
SESSION_MAX_HOURS after signing in, however busy; its row is written at most once a
minute while it is used."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.urls import reverse

from tests.personas import PASSWORD

START = datetime.datetime(2026, 9, 1, 8, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def signed_in(client, manager_a, clock):
    response = client.post(
        reverse("login"), {"username": "manager_a", "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def is_signed_in(client) -> bool:
    # A page that answers a signed-in manager itself (their home redirects).
    response = client.get(reverse("blkk-list"))
    return response.status_code == 200


def session_row(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_session_ends_after_thirty_idle_minutes(signed_in, clock, settings):
    assert settings.SESSION_IDLE_MINUTES == 30
    clock.shift(datetime.timedelta(minutes=30, seconds=1))
    assert not is_signed_in(signed_in)


def test_each_request_moves_the_idle_limit(signed_in, clock):
    for _step in range(4):
        clock.shift(datetime.timedelta(minutes=25))
        assert is_signed_in(signed_in)


def test_session_ends_twelve_hours_after_signing_in_however_busy(
    signed_in, clock, settings
):
    assert settings.SESSION_MAX_HOURS == 12
    for _step in range(12 * 3 - 1):
        clock.shift(datetime.timedelta(minutes=20))
        assert is_signed_in(signed_in)
    clock.shift(datetime.timedelta(minutes=20))
    assert not is_signed_in(signed_in)


def test_session_row_is_written_at_most_once_a_minute(signed_in, clock):
    is_signed_in(signed_in)
    written = session_row(signed_in).expire_date
    clock.shift(datetime.timedelta(seconds=50))
    assert is_signed_in(signed_in)
    assert session_row(signed_in).expire_date == written
    clock.shift(datetime.timedelta(seconds=20))
    assert is_signed_in(signed_in)
    assert session_row(signed_in).expire_date > written


def test_limits_come_from_the_settings(signed_in, clock, settings):
    settings.SESSION_IDLE_MINUTES = 5
    clock.shift(datetime.timedelta(minutes=2))
    assert is_signed_in(signed_in)
    clock.shift(datetime.timedelta(minutes=5, seconds=1))
    assert not is_signed_in(signed_in)
