"""Throttles (blkk_portal/api/throttling.py): searches per user, token requests per
attempted username, each with a ceiling per client address; 429 with Retry-After.

Every test has its own cache keys (tests/conftest.py), so counts start at zero; the
rates are lowered here, in these tests only.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.personas import PASSWORD

from .resources import url

TOKEN_URL = "/api/v1/auth/token/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
HIGH = "1000/min"
WRONG_PASSWORD = "wrong-password"


@pytest.fixture
def rates(settings):
    """`rates(search=..., tokens=..., address=...)`: this test's rates."""

    def set_rates(search=HIGH, tokens=HIGH, address=HIGH):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {
                "search": search,
                "token": tokens,
                "search_address": address,
                "token_address": address,
            },
        }

    return set_rates


def search(client, term="siti", **extra):
    return client.get(url("trainees"), {"search": term}, **EN, **extra)


def test_searches_beyond_the_rate_answer_429_with_retry_after(world, api, rates):
    rates(search="3/min")
    client = api(world.users["manager_a"])

    answers = [search(client).status_code for _ in range(3)]
    refused = search(client)

    assert answers == [200, 200, 200]
    assert refused.status_code == 429
    wait = int(refused["Retry-After"])
    assert 1 <= wait <= 60
    assert refused.json() == {
        "detail": f"Too many searches in a short time: try again in {wait} "
        f"second{'s' if wait != 1 else ''}."
    }


def test_plain_lists_and_empty_searches_are_not_throttled(world, api, rates):
    rates(search="1/min", address="1/min")
    client = api(world.users["manager_a"])

    lists = [client.get(url("trainees")).status_code for _ in range(5)]
    empty = [search(client, term=" ").status_code for _ in range(3)]
    other = [client.get(url("blkks")).status_code for _ in range(3)]

    assert lists + empty + other == [200] * 11


def test_each_user_has_their_own_search_count(world, api, rates):
    rates(search="2/min")
    alice, bob = api(world.users["manager_a"]), api(world.users["manager_b"])
    search(alice)
    search(alice)

    assert search(alice).status_code == 429
    assert search(bob).status_code == 200


def test_the_address_ceiling_counts_every_user_at_that_address(world, api, rates):
    rates(address="3/min")
    office = {"REMOTE_ADDR": "10.32.0.7"}
    alice, bob = api(world.users["manager_a"]), api(world.users["manager_b"])

    answers = [
        search(alice, **office).status_code,
        search(bob, **office).status_code,
        search(alice, **office).status_code,
        search(bob, **office).status_code,
    ]
    elsewhere = search(bob, REMOTE_ADDR="10.35.0.9")

    assert answers == [200, 200, 200, 429]
    assert elsewhere.status_code == 200


def test_x_forwarded_for_is_not_trusted_without_proxies(world, api, rates):
    rates(address="2/min")
    client = api(world.users["manager_a"])
    spoofed = [
        search(client, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code
        for n in range(3)
    ]
    assert spoofed == [200, 200, 429]


def test_behind_a_proxy_the_address_it_appended_is_the_clients(
    world, api, rates, settings
):
    rates(address="1/min")
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    client = api(world.users["manager_a"])
    proxy = {"REMOTE_ADDR": "10.0.0.1"}

    first = search(client, HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4", **proxy)
    again = search(client, HTTP_X_FORWARDED_FOR="7.7.7.7, 198.51.100.4", **proxy)
    other = search(client, HTTP_X_FORWARDED_FOR="198.51.100.5", **proxy)

    assert (first.status_code, again.status_code) == (200, 429)
    assert other.status_code == 200


def token(client, username, password=WRONG_PASSWORD, **extra):
    body = {"username": username, "password": password}
    return client.post(TOKEN_URL, body, format="json", **EN, **extra)


def test_token_requests_beyond_the_rate_for_a_username_answer_429(world, rates):
    rates(tokens="3/min")
    client = APIClient()

    failures = [token(client, "manager_a").status_code for _ in range(3)]
    refused = token(client, "manager_a", PASSWORD)
    other = token(client, "manager_b", PASSWORD)

    assert failures == [400, 400, 400]
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["detail"].startswith(
        "Too many sign-in attempts in a short time: try again in "
    )
    assert other.status_code == 200


def test_case_and_spaces_do_not_make_a_username_new(world, rates):
    rates(tokens="2/min")
    client = APIClient()
    token(client, "manager_a")
    token(client, "MANAGER_A")
    assert token(client, " Manager_A ").status_code == 429


def test_the_address_ceiling_counts_every_username_tried_there(world, rates):
    rates(address="3/min")
    client = APIClient()
    office = {"REMOTE_ADDR": "10.32.0.7"}

    answers = [token(client, f"guess{n}", **office).status_code for n in range(4)]
    elsewhere = token(client, "manager_a", PASSWORD, REMOTE_ADDR="10.35.0.9")

    assert answers == [400, 400, 400, 429]
    assert elsewhere.status_code == 200


def test_throttled_token_requests_do_not_count_toward_the_lockout(world, rates):
    """The throttle answers before the password is checked: django-axes does not
    see the refused attempts, so the account is not locked by them."""
    rates(tokens="2/min")
    client = APIClient()
    answers = [token(client, "manager_a").status_code for _ in range(8)]
    assert answers == [400, 400] + [429] * 6

    rates(tokens=HIGH)
    assert token(client, "manager_a", PASSWORD).status_code == 200
