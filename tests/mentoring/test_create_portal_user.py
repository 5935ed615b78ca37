"""`create_portal_user` creates users with a role, non-interactively."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from blkk_portal.accounts.models import User
from mentoring.models import Mentor
from training.models import Blkk

PASSWORD = "Kuat-dan-panjang-2026"


@pytest.fixture
def password(monkeypatch):
    monkeypatch.setenv("PORTAL_USER_PASSWORD", PASSWORD)


@pytest.fixture
def two_blkks(db):
    return [
        Blkk.objects.create(
            code=f"BLKK-32.73-00{n}",
            name=f"BLKK {n}",
            host_institution="Pesantren",
            institution_type="pesantren",
            regency_id="32.73",
        )
        for n in (1, 2)
    ]


def test_creates_a_manager_of_several_blkks(password, two_blkks):
    call_command(
        "create_portal_user",
        "siti",
        "--role=blkk_manager",
        "--blkk=BLKK-32.73-001",
        "--blkk=BLKK-32.73-002",
        "--full-name=Siti Aminah",
    )
    user = User.objects.get(username="siti")
    assert user.role == "blkk_manager"
    assert user.is_staff
    assert user.check_password(PASSWORD)
    assert set(user.managed_blkks.all()) == set(two_blkks)


def test_creates_a_province_user(password, db):
    call_command("create_portal_user", "dewi", "--role=province", "--province=32")
    user = User.objects.get(username="dewi")
    assert (user.role, user.province_id) == ("province", "32")


def test_a_mentor_gets_a_linked_mentor_profile_but_no_admin(password, db):
    call_command("create_portal_user", "maya", "--role=mentor", "--full-name=Maya Sari")
    mentor = Mentor.objects.get(user__username="maya")
    assert mentor.full_name == "Maya Sari"
    assert not mentor.user.is_staff


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role=province", "--province=99"], "Unknown province"),
        (["--role=province"], "province"),
        (["--role=blkk_manager"], "BLKK"),
        (["--role=blkk_manager", "--blkk=NOPE-1"], "Unknown BLKK"),
        (["--role=mentor"], "full name"),
        (["--role=ministry", "--blkk=BLKK-32.73-001"], "BLKK"),
    ],
)
def test_bad_arguments_stop_with_a_message(password, two_blkks, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_portal_user", "someone", *args)
    assert not User.objects.filter(username="someone").exists()


def test_an_existing_username_is_refused(password, db):
    call_command("create_portal_user", "budi", "--role=ministry")
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_portal_user", "budi", "--role=ministry")


def test_without_password_and_terminal_it_refuses(monkeypatch, db):
    monkeypatch.delenv("PORTAL_USER_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="PORTAL_USER_PASSWORD"):
        call_command("create_portal_user", "budi", "--role=ministry")


def test_a_weak_password_is_refused(monkeypatch, db):
    monkeypatch.setenv("PORTAL_USER_PASSWORD", "123")
    with pytest.raises(CommandError):
        call_command("create_portal_user", "budi", "--role=ministry")
    assert not User.objects.filter(username="budi").exists()
