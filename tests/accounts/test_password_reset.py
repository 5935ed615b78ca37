"""Password reset by email and password change (`/accounts/password/...`): the same
answer whether or not the email has an account, the mail in the account's language,
once per account in a while, a link that works once and lifts a lockout."""

from __future__ import annotations

import logging
import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse
from django.utils import translation

from blkk_portal.accounts import forms as account_forms
from blkk_portal.accounts import services
from blkk_portal.celery import TaskQueueUnavailable
from tests.accounts.factories import UserFactory
from tests.personas import PASSWORD

RESET = "/accounts/password/reset/"
NEW_PASSWORD = "kebun-kopi-lembang-2027"


@pytest.fixture
def ask_reset(client, django_capture_on_commit_callbacks):
    """`ask_reset(email)`: post the reset form, running what it queues at commit."""

    def ask(email):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(RESET, {"email": email})

    return ask


def link_in(message) -> str:
    (link,) = re.findall(r"https?://\S+", message.body)
    return link


def test_the_reset_pages_are_at_their_paths(db):
    assert reverse("password_reset") == RESET
    assert reverse("password_reset_done") == "/accounts/password/reset/done/"
    assert reverse("password_change") == "/accounts/password/change/"


def test_the_reset_page_asks_for_an_email_in_indonesian(client, db):
    response = client.get(RESET, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'lang="id"' in page
    assert 'name="email"' in page


def test_a_known_email_gets_a_link_in_indonesian(ask_reset, manager_a):
    response = ask_reset("MANAGER_A@example.id")

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    (message,) = mail.outbox
    assert message.to == ["manager_a@example.id"]
    with translation.override("id"):
        subject = translation.gettext(
            "Choose a new password for the BLKK Incubator Portal"
        )
    assert message.subject == subject
    assert "manager_a" in message.body
    assert link_in(message).startswith("http://testserver/accounts/password/reset/")


def test_the_mail_speaks_the_language_the_user_chose(ask_reset, manager_a):
    manager_a.language = "en"
    manager_a.save(update_fields=["language"])

    ask_reset("manager_a@example.id")

    (message,) = mail.outbox
    assert message.subject == "Choose a new password for the BLKK Incubator Portal"
    assert "Someone asked to reset the password" in message.body


def test_an_unknown_email_gets_the_same_answer_and_no_mail(ask_reset, manager_a):
    known = ask_reset("manager_a@example.id")
    unknown = ask_reset("nobody@example.id")

    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"]
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("kind", ["closed", "no usable password"])
def test_an_account_that_cannot_reset_gets_no_mail(ask_reset, db, kind):
    user = UserFactory(email="lama@example.id", is_active=kind != "closed")
    if kind == "no usable password":
        user.set_unusable_password()
        user.save()

    response = ask_reset("lama@example.id")

    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


@pytest.mark.parametrize("email", ["", "not-an-email", "a" * 250 + "@example.id"])
def test_a_malformed_email_is_refused_on_the_form(ask_reset, db, email):
    response = ask_reset(email)

    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert mail.outbox == []


def test_asking_again_at_once_sends_one_mail(ask_reset, manager_a):
    for _ in range(3):
        assert ask_reset("manager_a@example.id").status_code == 302

    assert len(mail.outbox) == 1


def test_the_mail_is_sent_after_the_request_commits(client, manager_a):
    # Without running the commit's callbacks nothing is sent: the answer does not
    # wait for the mail server (it is a task, queued at commit).
    client.post(RESET, {"email": "manager_a@example.id"})

    assert mail.outbox == []


def test_a_broker_that_refuses_the_task_changes_nothing_the_visitor_sees(
    ask_reset, manager_a, monkeypatch, caplog
):
    def refuse(*args, **kwargs):
        raise TaskQueueUnavailable()

    monkeypatch.setattr(account_forms, "publish", refuse)
    caplog.set_level(logging.WARNING, logger="blkk_portal.security")

    response = ask_reset("manager_a@example.id")

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert "not queued" in caplog.text
    assert "manager_a@example.id" not in caplog.text
    # Nothing was sent, so asking again is not held back.
    monkeypatch.undo()
    ask_reset("manager_a@example.id")
    assert len(mail.outbox) == 1


def test_a_mail_server_that_refuses_is_logged_without_the_address(
    manager_a, mail_server_down, caplog
):
    caplog.set_level(logging.WARNING, logger="blkk_portal.security")

    sent = services.password_reset_mail_send(
        user_id=manager_a.pk, domain="portal.example", use_https=True
    )

    assert sent is False
    assert "not sent" in caplog.text
    assert "manager_a@example.id" not in caplog.text


def test_the_link_sets_a_new_password_once(client, ask_reset, manager_a):
    ask_reset("manager_a@example.id")
    link = link_in(mail.outbox[0])

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    set_password_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_password_url,
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert done.status_code == 302
    assert done["Location"] == reverse("password_reset_complete")
    manager_a.refresh_from_db()
    assert manager_a.check_password(NEW_PASSWORD)
    again = client.get(link, follow=True)
    assert again.context["validlink"] is False
    assert f'href="{reverse("password_reset")}"' in again.content.decode()


def test_a_tampered_link_does_not_work(client, ask_reset, manager_a):
    ask_reset("manager_a@example.id")
    link = link_in(mail.outbox[0])

    response = client.get(link[:-3] + "xyz/", follow=True)

    assert response.context["validlink"] is False


def test_a_weak_new_password_is_refused(client, ask_reset, manager_a):
    ask_reset("manager_a@example.id")
    form_page = client.get(link_in(mail.outbox[0]), follow=True)

    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "12345678", "new_password2": "12345678"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    manager_a.refresh_from_db()
    assert manager_a.check_password(PASSWORD)


def test_a_new_password_lifts_a_lockout(client, ask_reset, manager_a):
    for _ in range(5):
        client.post(
            reverse("login"), {"username": "manager_a", "password": "wrong-guess"}
        )
    assert AccessAttempt.objects.filter(username="manager_a").exists()

    ask_reset("manager_a@example.id")
    form_page = client.get(link_in(mail.outbox[0]), follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert not AccessAttempt.objects.filter(username="manager_a").exists()
    signed_in = client.post(
        reverse("login"), {"username": "manager_a", "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302


# --- Changing one's password while signed in ------------------------------------------


def test_password_change_requires_signing_in(client, db):
    response = client.get(reverse("password_change"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["mentor_a", "manager_a", "ministry_user"])
def test_every_role_changes_its_own_password(client, db, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # Still signed in (the session's hash was updated).
    assert client.get(reverse("password_change")).status_code == 200


def test_a_wrong_old_password_changes_nothing(client, mentor_a):
    client.force_login(mentor_a)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": "not-it",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    mentor_a.refresh_from_db()
    assert mentor_a.check_password(PASSWORD)


def test_the_password_pages_have_no_inline_code(client, mentor_a):
    from tests.test_content_policy import assert_strict_policy, inline_scripts

    pages = [client.get(RESET), client.get(reverse("login"))]
    client.force_login(mentor_a)
    pages.append(client.get(reverse("password_change")))

    for response in pages:
        assert response.status_code == 200
        assert_strict_policy(response)
        assert inline_scripts(response) == []
        assert 'style="' not in response.content.decode()
