"""Signing in at /accounts/login/ with a username or an email; the message when it
fails; the lockout counted against the account whichever spelling was typed, and
the 429 page it answers (blkk_portal/accounts/signin.py, forms.py, lockout.py)."""

from __future__ import annotations

import datetime
import logging

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import formats, timezone, translation
from rest_framework.test import APIClient

from blkk_portal.accounts.forms import SignInForm
from blkk_portal.accounts.signin import login_username
from tests.accounts.factories import UserFactory
from tests.personas import PASSWORD

LOGIN = "/accounts/login/"
WRONG = "not-the-password"


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def signed_in_as(client):
    return client.get(reverse("home")).wsgi_request.user


def indonesian(message) -> str:
    with translation.override("id"):
        return str(message)


def test_the_sign_in_page_is_at_the_designs_path(db):
    assert reverse("login") == LOGIN


def test_signs_in_with_the_username_and_lands_on_home(client, manager_a):
    response = sign_in(client, "manager_a")

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert signed_in_as(client) == manager_a


@pytest.mark.parametrize(
    "typed", ["manager_a@example.id", "Manager_A@Example.ID", "MANAGER_A@EXAMPLE.ID"]
)
def test_signs_in_with_the_email_in_any_case(client, manager_a, typed):
    response = sign_in(client, typed)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert signed_in_as(client) == manager_a


def test_an_email_shared_by_two_active_users_signs_in_neither(client, db):
    UserFactory(username="siti", email="kantor@example.id")
    UserFactory(username="budi", email="Kantor@example.id")

    response = sign_in(client, "kantor@example.id")

    assert response.status_code == 200
    assert not signed_in_as(client).is_authenticated


def test_an_email_shared_with_a_closed_account_names_the_active_one(client, db):
    UserFactory(username="lama", email="kantor@example.id", is_active=False)
    active = UserFactory(username="baru", email="kantor@example.id")

    assert sign_in(client, "kantor@example.id").status_code == 302
    assert signed_in_as(client) == active


def test_a_closed_accounts_email_does_not_sign_in(client, db):
    UserFactory(username="lama", email="lama@example.id", is_active=False)

    response = sign_in(client, "lama@example.id")

    assert response.status_code == 200
    assert not signed_in_as(client).is_authenticated


def test_a_username_that_looks_like_an_email_wins_over_another_users_email(db):
    owner = UserFactory(username="rina@example.id", email="rina.lain@example.id")
    UserFactory(username="rina2", email="rina@example.id")

    assert login_username("rina@example.id") == owner.username


def test_the_username_stays_case_sensitive(client, manager_a):
    response = sign_in(client, "MANAGER_A")

    assert response.status_code == 200
    assert not signed_in_as(client).is_authenticated


@pytest.mark.parametrize("typed", ["manager_a", "manager_a@example.id", "nobody"])
def test_a_wrong_password_answers_one_natural_message(client, manager_a, typed):
    response = sign_in(client, typed, WRONG)

    assert response.status_code == 200
    page = response.content.decode()
    message = indonesian(SignInForm.error_messages["invalid_login"])
    assert message in page
    # The message Django builds from the field's name read "nama pengguna nama
    # pengguna" in Indonesian.
    assert "nama pengguna nama pengguna" not in page.lower()
    assert response.context["form"]["username"].value() == typed


def test_the_form_labels_the_field_username_or_email(client, db):
    page = client.get(LOGIN).content.decode()

    assert indonesian(SignInForm(None).fields["username"].label) in page
    assert 'name="username"' in page
    assert 'name="password"' in page


def test_the_sign_in_page_links_to_the_password_reset(client, db):
    page = client.get(LOGIN).content.decode()

    assert f'href="{reverse("password_reset")}"' in page


@pytest.mark.parametrize(
    "body",
    [
        {"username": "", "password": PASSWORD},
        {"username": "manager_a"},
        {"username": "x" * 255 + "@example.id", "password": PASSWORD},
        {"username": "nul\x00byte@example.id", "password": PASSWORD},
    ],
)
def test_bad_input_is_refused_on_the_form(client, manager_a, body):
    response = client.post(LOGIN, body)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not signed_in_as(client).is_authenticated


def test_a_signed_in_user_is_sent_home_from_the_sign_in_page(client, mentor_a):
    client.force_login(mentor_a)

    response = client.get(LOGIN)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_next_is_followed_after_signing_in(client, manager_a):
    response = client.post(
        f"{LOGIN}?next=/api/docs/",
        {
            "username": "manager_a@example.id",
            "password": PASSWORD,
            "next": "/api/docs/",
        },
    )

    assert response["Location"] == "/api/docs/"


def test_an_off_site_next_is_not_followed(client, manager_a):
    response = client.post(
        LOGIN,
        {
            "username": "manager_a",
            "password": PASSWORD,
            "next": "https://phishing.example/",
        },
    )

    assert response["Location"] == reverse("home")


def test_every_role_signs_in_with_its_email(client, world):
    for persona in ("ministry", "province_32", "manager_b", "mentor_b"):
        client.logout()
        assert sign_in(client, f"{persona}@example.id").status_code == 302
        assert signed_in_as(client) == world.users[persona]


def test_logout_is_a_post_only(client, manager_a):
    client.force_login(manager_a)

    assert client.get(reverse("logout")).status_code == 405
    assert signed_in_as(client).is_authenticated
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert not signed_in_as(client).is_authenticated


# --- The lockout, whichever spelling ------------------------------------------------


@pytest.mark.parametrize(
    "spellings",
    [
        ["manager_a@example.id"] * 5,
        ["manager_a", "MANAGER_A@example.id", "manager_a", "manager_a@EXAMPLE.id"] * 2,
    ],
    ids=["email only", "username and email mixed"],
)
def test_five_failures_lock_the_account_for_both_spellings(
    client, manager_a, settings, spellings
):
    for typed in spellings[: settings.AXES_FAILURE_LIMIT]:
        sign_in(client, typed, WRONG)

    assert sign_in(client, "manager_a").status_code == 429
    assert sign_in(client, "manager_a@example.id").status_code == 429
    assert not signed_in_as(client).is_authenticated
    # One account's record, under its username.
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {
        "manager_a"
    }


def test_four_failures_do_not_lock_and_a_success_resets_the_count(
    client, manager_a, settings
):
    for typed in ["manager_a", "manager_a@example.id"] * 2:
        sign_in(client, typed, WRONG)

    assert sign_in(client, "manager_a@example.id").status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "manager_a", WRONG)
    assert sign_in(client, "manager_a").status_code == 302


def test_the_lock_of_one_account_leaves_another_alone(client, manager_a, manager_b):
    for _ in range(5):
        sign_in(client, "manager_a@example.id", WRONG)

    assert sign_in(client, "manager_b@example.id").status_code == 302


def test_a_lockout_by_email_is_logged_under_the_username(client, manager_a, caplog):
    caplog.set_level(logging.WARNING, logger="blkk_portal.security")
    for _ in range(5):
        sign_in(client, "manager_a@example.id", WRONG)

    (warning,) = [r for r in caplog.records if r.name == "blkk_portal.security"]
    assert "username='manager_a'" in warning.getMessage()
    assert WRONG not in caplog.text


def test_the_api_counts_failures_with_the_email_against_the_same_account(
    client, manager_a
):
    api = APIClient()
    for _ in range(5):
        api.post(
            "/api/v1/auth/token/",
            {"username": "manager_a@example.id", "password": WRONG},
            format="json",
        )

    # The API signs in by username only, but the failures locked the account.
    assert sign_in(client, "manager_a").status_code == 429
    locked = api.post(
        "/api/v1/auth/token/",
        {"username": "manager_a", "password": PASSWORD},
        format="json",
    )
    assert locked.status_code == 429
    assert locked["Content-Type"] == "application/json"
    assert locked.json()["detail"]


# --- The 429 page ---------------------------------------------------------------------


def lock(client, username="manager_a"):
    for _ in range(5):
        sign_in(client, username, WRONG)
    return sign_in(client, username)


def expected_end(settings) -> datetime.datetime:
    last = AccessAttempt.objects.latest("attempt_time").attempt_time
    return timezone.localtime(
        last + datetime.timedelta(hours=settings.AXES_COOLOFF_TIME)
    )


def jakarta_time(moment: datetime.datetime) -> str:
    """The time as the portal writes it in Indonesian: 14.30."""
    with translation.override("id"):
        return formats.time_format(timezone.localtime(moment), "TIME_FORMAT")


def test_the_lockout_page_says_when_to_try_again_in_jakarta_time(
    client, manager_a, settings
):
    response = lock(client)

    assert response.status_code == 429
    assert "429.html" in [template.name for template in response.templates]
    page = response.content.decode()
    assert 'lang="id"' in page
    assert f"pukul {jakarta_time(expected_end(settings))} WIB" in page
    retry_after = int(response["Retry-After"])
    assert 3590 <= retry_after <= 3600


def test_the_lockout_page_offers_a_way_back(client, manager_a):
    page = lock(client).content.decode()

    assert f'href="{reverse("password_reset")}"' in page
    assert f'href="{reverse("home")}"' in page


def test_the_lockout_page_names_the_day_when_the_lock_ends_tomorrow(
    client, manager_a, settings
):
    settings.AXES_COOLOFF_TIME = 30.0  # hours
    page = lock(client).content.decode()

    ends = expected_end(settings)
    with translation.override("id"):
        day = formats.date_format(ends, "j F Y")
    assert day in page
    assert f"pukul {jakarta_time(ends)} WIB" in page


def test_the_lockout_page_speaks_english_to_a_visitor_who_chose_it(
    client, manager_a, settings
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = lock(client).content.decode()

    assert 'lang="en"' in page
    assert "You can try again after" in page


def test_the_lockout_page_has_the_strict_policy_and_no_inline_code(client, manager_a):
    from tests.test_content_policy import assert_strict_policy, inline_scripts

    response = lock(client)

    assert_strict_policy(response)
    assert inline_scripts(response) == []
    assert 'style="' not in response.content.decode()
