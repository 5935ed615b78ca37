"""Production settings refuse to start without their secrets, and pass --deploy."""

from __future__ import annotations

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
    return subprocess.run(  # noqa: S603 (fixed arguments, the test's own interpreter)
        [sys.executable, "manage.py", *args],
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
        "BEHIND_PROXY": "true",
    }
    script = (
        "from rest_framework.settings import api_settings as s;"
        "print(sorted(s.DEFAULT_THROTTLE_RATES.items()), s.NUM_PROXIES)"
    )
    result = manage("shell", "--no-imports", "-c", script, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "[('search', '5/min'), ('search_address', '900/min'), "
        "('token', '2/h'), ('token_address', '900/min')] 1"
    )
