"""Test speed-ups and shared fixtures."""

from __future__ import annotations

import pytest


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
