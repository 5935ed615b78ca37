"""Test speed-ups and shared fixtures."""

from __future__ import annotations

import pytest

from tests.accounts.factories import UserFactory
from tests.training.factories import BlkkFactory, regency


@pytest.fixture(autouse=True)
def _fast_test_settings(settings):
    # Production settings hash passwords slowly and want a collected static manifest.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Report files are written to storage; each test gets its own folder.
    settings.MEDIA_ROOT = tmp_path / "media"


# Personas, as healthchecks does: "Alice manages BLKK A in Jawa Barat; Bob manages
# BLKK B in Jawa Timur; Rina at the ministry sees everything; Dewi at the Jawa Barat
# labour office sees BLKK A; Maya and Omar are mentors." The scoping and admin tests
# build a fuller world of their own (`tests.world`).


@pytest.fixture
def blkk_a(db):
    return BlkkFactory(regency=regency("32.73"), name="BLKK Al-Ikhlas Bandung")


@pytest.fixture
def blkk_b(db):
    return BlkkFactory(regency=regency("35.78"), name="BLKK Darussalam Surabaya")


@pytest.fixture
def ministry_user(db):
    return UserFactory(username="rina", full_name="Rina Kemnaker", ministry=True)


@pytest.fixture
def province_user(db):
    return UserFactory(
        username="dewi", full_name="Dewi Disnaker Jabar", province_staff=True
    )


@pytest.fixture
def manager_a(blkk_a):
    return UserFactory(
        username="alice", full_name="Alice", blkk_manager=True, managed_blkks=[blkk_a]
    )


@pytest.fixture
def manager_b(blkk_b):
    return UserFactory(
        username="bob", full_name="Bob", blkk_manager=True, managed_blkks=[blkk_b]
    )


@pytest.fixture
def mentor_a(db):
    return UserFactory(username="maya", full_name="Maya Mentor", mentor=True)


@pytest.fixture
def mentor_b(db):
    return UserFactory(username="omar", full_name="Omar Mentor", mentor=True)
