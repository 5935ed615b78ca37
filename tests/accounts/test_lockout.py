"""The lockout after five failed sign-ins stays as it is (django-axes, by username)
and is logged: username and address, never the password."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.personas import PASSWORD

TOKEN_URL = "/api/v1/auth/token/"
GUESS = "guessed-Passw0rd!"
OFFICE = "10.32.0.7"


def security_warnings(caplog) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == "blkk_portal.security" and record.levelno == logging.WARNING
    ]


def try_token(username, password=GUESS):
    return APIClient().post(
        TOKEN_URL,
        {"username": username, "password": password},
        format="json",
        REMOTE_ADDR=OFFICE,
    )


def test_the_fifth_failure_locks_the_account_and_is_logged(world, caplog):
    caplog.set_level(logging.WARNING, logger="blkk_portal.security")

    first_four = [try_token("manager_a").status_code for _ in range(4)]
    assert first_four == [400] * 4
    assert security_warnings(caplog) == []

    fifth = try_token("manager_a")

    assert fifth.status_code == 429
    (warning,) = security_warnings(caplog)
    assert "username='manager_a'" in warning
    assert f"address={OFFICE}" in warning
    assert GUESS not in caplog.text


def test_each_try_while_locked_is_logged_too_even_with_the_password(world, caplog):
    caplog.set_level(logging.WARNING, logger="blkk_portal.security")
    for _ in range(5):
        try_token("manager_a")

    locked = try_token("manager_a", PASSWORD)

    assert locked.status_code == 429
    assert len(security_warnings(caplog)) == 2
    assert PASSWORD not in caplog.text


def test_a_lockout_on_the_sign_in_page_is_logged(world, client, caplog):
    caplog.set_level(logging.WARNING, logger="blkk_portal.security")
    for _ in range(5):
        client.post(
            reverse("login"),
            {"username": "manager_b", "password": GUESS},
            REMOTE_ADDR=OFFICE,
        )

    (warning,) = security_warnings(caplog)
    assert "username='manager_b'" in warning
    assert GUESS not in caplog.text


@pytest.mark.parametrize("username", ["evil\nforged line", "x" * 150])
def test_a_logged_username_stays_on_one_line(world, caplog, username):
    caplog.set_level(logging.WARNING, logger="blkk_portal.security")
    for _ in range(5):
        try_token(username)

    (warning,) = security_warnings(caplog)
    assert "\n" not in warning
