"""The invitation of a new account: created without a password, mailed after the
transaction commits a link that sets one, once and for ACCOUNT_INVITE_DAYS, in the
account's language; ministry staff send it again from the admin."""

from __future__ import annotations

import datetime
import logging
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from blkk_portal.accounts import services
from blkk_portal.accounts.models import User
from blkk_portal.accounts.tokens import InviteTokenGenerator
from blkk_portal.celery import TaskQueueUnavailable
from mentoring.services import user_create
from tests.accounts.factories import UserFactory

NEW_PASSWORD = "kebun-teh-ciwidey-2027"
INVITE_PATH = re.compile(r"https?://\S+/accounts/invite/\S+/")
CHANGELIST = "admin:accounts_user_changelist"


@pytest.fixture
def new_manager(blkk_a):
    return user_create(
        username="siti",
        password=None,
        role="blkk_manager",
        full_name="Siti Aminah",
        email="siti@example.id",
        blkks=[blkk_a],
    )


@pytest.fixture
def invite(django_capture_on_commit_callbacks):
    """`invite(*users)`: invite them, running what is queued at commit."""

    def send(*users):
        with django_capture_on_commit_callbacks(execute=True):
            return services.users_invite(
                users=users, domain="portal.example", use_https=True
            )

    return send


def invite_link(message) -> str:
    (link,) = INVITE_PATH.findall(message.body)
    return link


def set_password_through(client, link: str, password: str = NEW_PASSWORD):
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    return client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": password, "new_password2": password},
    )


def test_an_account_created_without_a_password_cannot_sign_in(client, new_manager):
    assert not new_manager.has_usable_password()
    response = client.post(reverse("login"), {"username": "siti", "password": ""})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_invitation_is_mailed_once_in_indonesian_with_a_working_link(
    client, invite, new_manager
):
    invited = invite(new_manager)

    assert invited == [new_manager]
    (message,) = mail.outbox
    assert message.to == ["siti@example.id"]
    with translation.override("id"):
        subject = translation.gettext(
            "Your account on the BLKK Incubator Portal: set your password"
        )
        role = translation.gettext("BLKK manager")
    assert message.subject == subject
    assert role in message.body
    assert "siti" in message.body
    link = invite_link(message)
    assert link.startswith("https://portal.example/accounts/invite/")

    done = set_password_through(client, link)

    assert done.status_code == 302
    assert done["Location"] == reverse("password_reset_complete")
    signed_in = client.post(
        reverse("login"), {"username": "siti", "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302
    assert client.session["_auth_user_id"] == str(new_manager.pk)


def test_the_invitation_speaks_the_language_of_the_account(invite, new_manager):
    new_manager.language = "en"
    new_manager.save(update_fields=["language"])

    invite(new_manager)

    (message,) = mail.outbox
    assert message.subject == (
        "Your account on the BLKK Incubator Portal: set your password"
    )
    assert "opened an account for you" in message.body


def test_nothing_is_mailed_before_the_transaction_commits(new_manager):
    services.users_invite(users=[new_manager], domain="portal.example", use_https=True)

    assert mail.outbox == []


def test_nothing_is_mailed_when_the_transaction_rolls_back(
    django_capture_on_commit_callbacks, new_manager
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        transaction.atomic(),
    ):
        services.users_invite(
            users=[new_manager], domain="portal.example", use_https=True
        )
        transaction.set_rollback(True)

    assert callbacks == []
    assert mail.outbox == []


def test_the_link_works_once(client, invite, new_manager):
    invite(new_manager)
    link = invite_link(mail.outbox[0])
    set_password_through(client, link)

    again = client.get(link, follow=True)

    assert again.context["validlink"] is False
    new_manager.refresh_from_db()
    assert new_manager.check_password(NEW_PASSWORD)


def test_the_link_expires_after_the_invitation_days(
    client, invite, new_manager, settings, monkeypatch
):
    settings.ACCOUNT_INVITE_DAYS = 7
    invite(new_manager)
    link = invite_link(mail.outbox[0])
    # The token generator's own clock (naive, as Django's).
    sent = InviteTokenGenerator()._now()

    monkeypatch.setattr(
        InviteTokenGenerator, "_now", lambda self: sent + datetime.timedelta(days=6)
    )
    assert client.get(link, follow=True).context["validlink"] is True
    monkeypatch.setattr(
        InviteTokenGenerator, "_now", lambda self: sent + datetime.timedelta(days=8)
    )
    expired = client.get(link, follow=True)

    assert expired.context["validlink"] is False
    assert "7" in expired.content.decode()


def test_the_invitation_outlives_a_reset_link(settings):
    settings.PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600

    assert services.invite_link_valid_days() > services.reset_link_valid_days()


def test_a_password_reset_token_does_not_open_the_invitation_page(client, new_manager):
    path = reverse(
        "account_invite_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(new_manager.pk)),
            "token": default_token_generator.make_token(new_manager),
        },
    )

    assert client.get(path, follow=True).context["validlink"] is False


def test_a_deactivated_account_gets_no_mail_and_its_link_dies(
    client, invite, new_manager
):
    invite(new_manager)
    link = invite_link(mail.outbox[0])
    User.objects.filter(pk=new_manager.pk).update(is_active=False)

    assert client.get(link, follow=True).context["validlink"] is False
    assert (
        services.user_invite_mail_send(
            user_id=new_manager.pk, domain="portal.example", use_https=True
        )
        is False
    )
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("kind", ["has a password", "no email", "closed"])
def test_an_account_that_does_not_await_a_password_is_not_invited(invite, db, kind):
    user = UserFactory(
        email="" if kind == "no email" else "lama@example.id",
        is_active=kind != "closed",
    )
    if kind != "has a password":
        user.set_unusable_password()
        user.save()

    assert invite(user) == []
    assert mail.outbox == []


def test_a_broker_that_refuses_the_task_is_logged_and_changes_nothing(
    invite, new_manager, monkeypatch, caplog
):
    def refuse(*args, **kwargs):
        raise TaskQueueUnavailable()

    monkeypatch.setattr(services, "publish", refuse)
    caplog.set_level(logging.WARNING, logger="blkk_portal.security")

    invite(new_manager)

    assert mail.outbox == []
    assert "not queued" in caplog.text
    assert User.objects.filter(pk=new_manager.pk).exists()


def test_a_mail_server_that_refuses_is_logged_without_the_address(
    new_manager, mail_server_down, caplog
):
    caplog.set_level(logging.WARNING, logger="blkk_portal.security")

    sent = services.user_invite_mail_send(
        user_id=new_manager.pk, domain="portal.example", use_https=True
    )

    assert sent is False
    assert "not sent" in caplog.text
    assert "siti@example.id" not in caplog.text


def test_the_invitation_page_has_no_inline_code(client, invite, new_manager):
    from tests.test_content_policy import assert_strict_policy, inline_scripts

    invite(new_manager)
    response = client.get(invite_link(mail.outbox[0]), follow=True)

    assert response.status_code == 200
    assert_strict_policy(response)
    assert inline_scripts(response) == []


# --- the admin's "send the invitation again" ------------------------------------------


def test_ministry_sends_the_invitation_again_from_the_admin(
    client, ministry_user, new_manager, manager_b, django_capture_on_commit_callbacks
):
    client.force_login(ministry_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(CHANGELIST),
            {
                "action": "send_invitation",
                "_selected_action": [new_manager.pk, manager_b.pk],
            },
            follow=True,
        )

    assert response.status_code == 200
    (message,) = mail.outbox
    assert message.to == ["siti@example.id"]
    assert invite_link(message).startswith("http://testserver/accounts/invite/")
    notes = [str(note) for note in response.context["messages"]]
    assert len(notes) == 2
    assert LogEntry.objects.filter(object_id=str(new_manager.pk)).count() == 1


def test_the_changelist_shows_who_has_not_set_a_password(
    client, ministry_user, new_manager, manager_b
):
    client.force_login(ministry_user)

    waiting = client.get(reverse(CHANGELIST), {"has_password": "no"})

    assert list(waiting.context["cl"].result_list) == [new_manager]


@pytest.mark.parametrize("persona", ["province_user", "manager_a"])
def test_other_staff_cannot_reach_the_accounts_in_the_admin(
    client, request, persona, new_manager
):
    client.force_login(request.getfixturevalue(persona))

    response = client.post(
        reverse(CHANGELIST),
        {"action": "send_invitation", "_selected_action": [new_manager.pk]},
    )

    assert response.status_code == 403
    assert mail.outbox == []


# --- one account added in the admin ---------------------------------------------------

ADD = "admin:accounts_user_add"


def add_form(**fields) -> dict:
    return {
        "username": "rudi",
        "full_name": "Rudi Hartono",
        "email": "rudi@example.id",
        "role": "province",
        "province": "32",
        **fields,
    }


def test_an_account_added_in_the_admin_is_invited_by_default(
    client, ministry_user, django_capture_on_commit_callbacks
):
    client.force_login(ministry_user)
    page = client.get(reverse(ADD))
    assert page.context["adminform"].form["usable_password"].initial == "false"
    data = add_form(usable_password="false")
    prefix = page.context["inline_admin_formsets"][0].formset.prefix
    data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(ADD), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    rudi = User.objects.get(username="rudi")
    assert not rudi.has_usable_password()
    assert rudi.is_staff
    (message,) = mail.outbox
    assert message.to == ["rudi@example.id"]


def test_an_invitation_needs_an_email(client, ministry_user, english):
    client.force_login(ministry_user)
    prefix = client.get(reverse(ADD)).context["inline_admin_formsets"][0].formset.prefix
    data = add_form(usable_password="false", email="")
    data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}

    response = client.post(reverse(ADD), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["email"] == [
        "The invitation needs an email address."
    ]
    assert not User.objects.filter(username="rudi").exists()


def test_a_password_may_still_be_set_at_once(
    client, ministry_user, django_capture_on_commit_callbacks
):
    client.force_login(ministry_user)
    prefix = client.get(reverse(ADD)).context["inline_admin_formsets"][0].formset.prefix
    data = add_form(
        usable_password="true", password1=NEW_PASSWORD, password2=NEW_PASSWORD
    )
    data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(ADD), data)

    assert response.status_code == 302
    assert User.objects.get(username="rudi").check_password(NEW_PASSWORD)
    assert mail.outbox == []
