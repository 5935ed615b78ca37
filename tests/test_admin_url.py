"""The admin lives at ADMIN_URL (default admin/), and nothing else names its path."""

from __future__ import annotations

import importlib
import subprocess

import pytest
from django.conf import settings as django_settings
from django.urls import clear_url_caches, reverse

import blkk_portal.urls

OTHER_PATH = "pintu-staf-7/"


def reload_urls() -> None:
    importlib.reload(blkk_portal.urls)
    clear_url_caches()


@pytest.fixture
def admin_elsewhere(settings):
    """The URL conf as it is built with ADMIN_URL set to OTHER_PATH."""
    default = django_settings.ADMIN_URL
    settings.ADMIN_URL = OTHER_PATH
    reload_urls()
    yield
    settings.ADMIN_URL = default
    reload_urls()


def test_admin_is_at_admin_by_default(db):
    assert django_settings.ADMIN_URL == "admin/"
    assert reverse("admin:index") == "/admin/"


def test_admin_moves_to_the_configured_path(client, admin_elsewhere, world):
    assert reverse("admin:index") == f"/{OTHER_PATH}"
    assert client.get("/admin/").status_code == 404

    anonymous = client.get(f"/{OTHER_PATH}")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(f"/{OTHER_PATH}login/")

    client.force_login(world.users["ministry"])
    index = client.get(f"/{OTHER_PATH}")
    assert index.status_code == 200
    # The admin's inline styles follow it to its new path (the CSP's exception).
    assert "'unsafe-inline'" in index["Content-Security-Policy"]
    assert "'unsafe-inline'" not in client.get("/")["Content-Security-Policy"]


def test_no_code_or_template_names_the_admin_path():
    command = [
        *("git", "grep", "-n", "-I", "/admin/", "--", "*.py", "*.html", "*.js"),
        # This file names the default on purpose.
        ":!tests/test_admin_url.py",
    ]
    tracked = subprocess.run(  # noqa: S603 (fixed arguments)
        command,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.splitlines()
    # Templates under templates/admin/ are named "admin/...", not served there.
    offending = [
        line
        for line in tracked
        if not line.startswith("templates/admin/") and '"admin/' not in line
    ]
    assert offending == []
