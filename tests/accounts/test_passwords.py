"""Django's password validators apply wherever a password is set: the admin's add
user and change password forms, and `create_portal_user`."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from blkk_portal.accounts.models import User
from tests.admin_forms import EN, form_data

FULL_NAME = "Siti Nurhaliza Rahmawati"
WEAK = {
    "too short": "Kp9#x",
    "common": "password123",
    "all digits": "3273010101900001",
    "like the full name": FULL_NAME,
}


@pytest.fixture
def ministry_admin(client, ministry_user):
    client.force_login(ministry_user)
    return client


def add_user(client, password: str):
    """Post the admin's add user form as a browser would, with `password`."""
    url = reverse("admin:accounts_user_add")
    page = client.get(url, **EN)
    data = form_data(
        page,
        username="siti",
        full_name=FULL_NAME,
        role="ministry",
        password1=password,
        password2=password,
        usable_password="true",
    )
    return client.post(url, data, **EN)


@pytest.mark.parametrize("password", WEAK.values(), ids=WEAK.keys())
def test_admin_refuses_a_weak_password_for_a_new_user(ministry_admin, password):
    response = add_user(ministry_admin, password)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["password2"]
    assert not User.objects.filter(username="siti").exists()


def test_admin_accepts_a_strong_password_for_a_new_user(ministry_admin):
    response = add_user(ministry_admin, "Kuat-dan-panjang-2026")
    assert response.status_code == 302
    assert User.objects.get(username="siti").check_password("Kuat-dan-panjang-2026")


def test_admin_refuses_a_weak_password_change(ministry_admin, manager_a):
    response = ministry_admin.post(
        reverse("admin:auth_user_password_change", args=[manager_a.pk]),
        {"password1": "password123", "password2": "password123"},
        **EN,
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password2"]
    manager_a.refresh_from_db()
    assert not manager_a.check_password("password123")


def test_create_portal_user_refuses_a_password_like_the_full_name(monkeypatch, db):
    monkeypatch.setenv("PORTAL_USER_PASSWORD", FULL_NAME)
    with pytest.raises(CommandError, match="too similar"):
        call_command(
            "create_portal_user", "siti", "--role=ministry", f"--full-name={FULL_NAME}"
        )
    assert not User.objects.filter(username="siti").exists()
