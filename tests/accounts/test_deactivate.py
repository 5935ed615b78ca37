"""Deactivating an account: it can no longer sign in, and its open sessions and API
tokens stop working at once; logged in the admin's history; reversible; nobody
closes their own."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken

from blkk_portal.accounts import services
from tests.conftest import client_for
from tests.personas import PASSWORD

CHANGELIST = "admin:accounts_user_changelist"
API_LIST = "/api/v1/blkks/"


def signed_in_client(user) -> Client:
    client = Client()
    assert (
        client.post(
            reverse("login"), {"username": user.username, "password": PASSWORD}
        ).status_code
        == 302
    )
    return client


def deactivate_url(user) -> str:
    return reverse("admin:accounts_user_deactivate", args=[user.pk])


@pytest.fixture
def staff_client(client, ministry_user):
    client.force_login(ministry_user)
    return client


def test_a_deactivated_account_loses_its_session_and_token_at_once(
    manager_a, manager_b, ministry_user
):
    page = signed_in_client(manager_a)
    api = client_for(manager_a)
    other_page = signed_in_client(manager_b)
    assert page.get("/").status_code == 302  # to their BLKK's page
    assert page.get(reverse("password_change")).status_code == 200
    assert api.get(API_LIST).status_code == 200

    closed = services.users_deactivate(users=[manager_a], by=ministry_user)

    assert closed == [manager_a]
    gone = page.get(reverse("password_change"))
    assert gone.status_code == 302
    assert gone["Location"].startswith(reverse("login"))
    assert api.get(API_LIST).status_code == 401
    assert not AuthToken.objects.filter(user=manager_a).exists()
    # Nobody else is signed out.
    assert other_page.get(reverse("password_change")).status_code == 200


def test_a_deactivated_account_cannot_sign_in_or_get_a_token(manager_a, ministry_user):
    services.users_deactivate(users=[manager_a], by=ministry_user)

    page = Client().post(
        reverse("login"), {"username": "manager_a", "password": PASSWORD}
    )
    token = client_for(None).post(
        "/api/v1/auth/token/",
        {"username": "manager_a", "password": PASSWORD},
        format="json",
    )

    assert page.status_code == 200
    assert "_auth_user_id" not in page.wsgi_request.session
    assert token.status_code in {400, 401}


def test_reactivation_opens_the_account_without_reviving_old_sessions(
    manager_a, ministry_user
):
    page = signed_in_client(manager_a)
    old_keys = set(Session.objects.values_list("session_key", flat=True))
    services.users_deactivate(users=[manager_a], by=ministry_user)

    opened = services.users_reactivate(users=[manager_a], by=ministry_user)

    assert opened == [manager_a]
    assert page.get(reverse("password_change")).status_code == 302
    assert not old_keys & set(Session.objects.values_list("session_key", flat=True))
    assert signed_in_client(manager_a).get(reverse("password_change")).status_code == (
        200
    )


def test_nobody_deactivates_their_own_account(ministry_user, manager_a):
    with pytest.raises(ValidationError):
        services.users_deactivate(users=[manager_a, ministry_user], by=ministry_user)

    ministry_user.refresh_from_db()
    manager_a.refresh_from_db()
    assert ministry_user.is_active
    assert manager_a.is_active


# --- the admin ------------------------------------------------------------------------


def test_the_change_page_offers_deactivation_and_it_is_logged(staff_client, manager_a):
    api = client_for(manager_a)
    change_url = reverse("admin:accounts_user_change", args=[manager_a.pk])
    change = staff_client.get(change_url)
    assert deactivate_url(manager_a) in change.content.decode()
    confirm = staff_client.get(deactivate_url(manager_a))
    assert confirm.status_code == 200

    done = staff_client.post(deactivate_url(manager_a))

    assert done.status_code == 302
    assert done["Location"] == change_url
    manager_a.refresh_from_db()
    assert not manager_a.is_active
    assert api.get(API_LIST).status_code == 401
    (entry,) = LogEntry.objects.filter(object_id=str(manager_a.pk))
    assert "API" in entry.get_change_message()
    reactivate = reverse("admin:accounts_user_reactivate", args=[manager_a.pk])
    after = staff_client.get(change_url)
    assert reactivate in after.content.decode()
    staff_client.post(reactivate)
    manager_a.refresh_from_db()
    assert manager_a.is_active


def test_the_action_deactivates_many_and_reactivates_them(
    staff_client, manager_a, manager_b
):
    tokens = [client_for(manager_a), client_for(manager_b)]

    response = staff_client.post(
        reverse(CHANGELIST),
        {"action": "deactivate", "_selected_action": [manager_a.pk, manager_b.pk]},
    )

    assert response.status_code == 302
    assert all(api.get(API_LIST).status_code == 401 for api in tokens)
    assert (
        LogEntry.objects.filter(
            object_id__in=[str(manager_a.pk), str(manager_b.pk)]
        ).count()
        == 2
    )
    staff_client.post(
        reverse(CHANGELIST),
        {"action": "reactivate", "_selected_action": [manager_a.pk, manager_b.pk]},
    )
    manager_a.refresh_from_db()
    manager_b.refresh_from_db()
    assert manager_a.is_active
    assert manager_b.is_active


def test_unticking_active_on_the_form_also_ends_sessions_and_tokens(
    staff_client, manager_a
):
    api = client_for(manager_a)
    url = reverse("admin:accounts_user_change", args=[manager_a.pk])
    page = staff_client.get(url)
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in {"is_active", "groups", "user_permissions"}
    }
    data.update(
        {"date_joined_0": "2026-01-01", "date_joined_1": "08:00:00"},
    )
    # The managed BLKKs' inline, left as it is.
    prefix = page.context["inline_admin_formsets"][0].formset.prefix
    data[f"{prefix}-TOTAL_FORMS"] = "0"
    data[f"{prefix}-INITIAL_FORMS"] = "0"

    response = staff_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    manager_a.refresh_from_db()
    assert not manager_a.is_active
    assert api.get(API_LIST).status_code == 401


def test_ministry_cannot_deactivate_themselves_in_the_admin(
    staff_client, ministry_user, english
):
    own_change = staff_client.get(
        reverse("admin:accounts_user_change", args=[ministry_user.pk])
    )
    assert deactivate_url(ministry_user) not in own_change.content.decode()

    posted = staff_client.post(deactivate_url(ministry_user))
    action = staff_client.post(
        reverse(CHANGELIST),
        {"action": "deactivate", "_selected_action": [ministry_user.pk]},
        follow=True,
    )

    assert posted.status_code == 200
    assert "You cannot deactivate your own account." in posted.content.decode()
    assert len(list(action.context["messages"])) == 1
    ministry_user.refresh_from_db()
    assert ministry_user.is_active


def test_the_change_form_refuses_to_untick_ones_own_account(ministry_user, english):
    from blkk_portal.accounts.admin import PortalUserChangeForm

    form_class = type("Form", (PortalUserChangeForm,), {"acting_user": ministry_user})
    form = form_class(instance=ministry_user, data={"is_active": ""})
    form.is_valid()

    assert form.errors["is_active"] == ["You cannot deactivate your own account."]


def test_an_unknown_account_is_404(staff_client, db):
    url = reverse("admin:accounts_user_deactivate", args=[999_999])

    assert staff_client.get(url).status_code == 404


@pytest.mark.parametrize("persona", ["province_user", "manager_b", "mentor_a"])
def test_other_roles_cannot_deactivate_anyone(client, request, persona, manager_a):
    user = request.getfixturevalue(persona)
    client.force_login(user)

    page = client.post(deactivate_url(manager_a))
    action = client.post(
        reverse(CHANGELIST),
        {"action": "deactivate", "_selected_action": [manager_a.pk]},
    )

    if persona == "mentor_a":
        # Not admin staff: sent to the admin's sign-in, as for every admin page.
        assert page.status_code == action.status_code == 302
    else:
        assert page.status_code == action.status_code == 403
    manager_a.refresh_from_db()
    assert manager_a.is_active
