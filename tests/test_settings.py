"""Production settings refuse to start without their secrets, and pass --deploy with
no silenced warning that the settings do not explain."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "production-like-" + "k3y" * 20,
    "DATABASE_URL": "sqlite:////tmp/blkk-settings-test.sqlite3",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_COOKIES": "true",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return python("manage.py", *args, env=env)


def python(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (fixed arguments, the test's own interpreter)
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def production_env(without: str | None = None) -> dict[str, str]:
    env = {**os.environ, **PRODUCTION}
    if without:
        env.pop(without)
    return env


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL"])
def test_production_mode_stops_without_a_required_setting(missing):
    result = manage("check", env=production_env(without=missing))
    assert result.returncode != 0
    assert f"{missing} is not set" in result.stderr


def test_check_deploy_is_clean_in_production_mode():
    result = manage("check", "--deploy", "--fail-level=WARNING", env=production_env())
    assert result.returncode == 0, result.stderr


def test_a_malformed_throttle_rate_stops_start_up_with_a_message():
    result = manage("check", env={**production_env(), "API_SEARCH_RATE": "lots"})
    assert result.returncode != 0
    assert "API_SEARCH_RATE must be a rate such as 60/min" in result.stderr


def test_throttle_rates_and_proxies_come_from_the_environment():
    env = {
        **production_env(),
        "API_SEARCH_RATE": "5/min",
        "API_TOKEN_RATE": "2/h",
        "API_ADDRESS_RATE": "900/min",
        "EXPORT_RATE": "4/h",
        "BEHIND_PROXY": "true",
    }
    script = (
        "from rest_framework.settings import api_settings as s;"
        "print(sorted(s.DEFAULT_THROTTLE_RATES.items()), s.NUM_PROXIES)"
    )
    result = manage("shell", "--no-imports", "-c", script, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "[('export', '4/h'), ('search', '5/min'), ('search_address', '900/min'), "
        "('token', '2/h'), ('token_address', '900/min')] 1"
    )


DEPLOY_CHECKS_UNSILENCED = """
import json
import django
django.setup()
from django.conf import settings
from django.core import checks
from django.core.management import call_command

# With the silenced checks in force: clean, as `check --deploy` must be.
call_command("check", deploy=True, fail_level="WARNING")
# Without them: only the checks whose silencing the settings explain.
explained = sorted(settings.SILENCED_SYSTEM_CHECKS_REASONS)
silenced = sorted(settings.SILENCED_SYSTEM_CHECKS)
settings.SILENCED_SYSTEM_CHECKS = []
raised = checks.run_checks(include_deployment_checks=True)
warnings = sorted({m.id for m in raised if m.level >= checks.WARNING})
reasons = list(settings.SILENCED_SYSTEM_CHECKS_REASONS.values())
print(json.dumps({
    "explained": explained, "silenced": silenced, "raised": warnings, "reasons": reasons
}))
"""


def test_every_silenced_deploy_warning_is_explained_and_no_other_is_raised():
    env = {
        **production_env(),
        "DATABASE_URL": os.environ.get(
            "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/blkk_portal"
        ),
        "DJANGO_SETTINGS_MODULE": "blkk_portal.settings",
        "LOG_LEVEL": "WARNING",
    }
    result = python("-c", DEPLOY_CHECKS_UNSILENCED, env=env)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["silenced"] == found["explained"]
    assert found["raised"] == found["explained"], (
        "a deploy warning is raised that the settings do not explain, or an "
        "explained one no longer happens (then stop silencing it)"
    )
    assert all(reason.strip() for reason in found["reasons"])


def test_https_redirect_spares_the_health_check(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/accounts/login/").status_code == 301
    assert client.get("/healthz/").status_code == 200
