"""Logs come out on stdout as one JSON object a line (LOG_FORMAT=json, the default
with DEBUG off), with the request's fields when a request is being served."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.test import RequestFactory

from blkk_portal.logs import RequestFieldsFilter, logging_config


@pytest.fixture
def json_log():
    """A logger writing through the portal's JSON configuration into a buffer."""
    config = logging_config(log_format="json")
    formatter = logging.config.dictConfigClass(config).configure_custom(
        dict(config["formatters"]["json"])
    )
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(formatter)
    handler.addFilter(RequestFieldsFilter())
    logger = logging.getLogger("tests.json_log")
    logger.addHandler(handler)
    logger.propagate = False
    yield logger, buffer
    logger.removeHandler(handler)


def test_a_record_is_one_parseable_json_line(json_log):
    logger, buffer = json_log
    logger.warning("Report %s stored", "2026-01")
    lines = buffer.getvalue().splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["message"] == "Report 2026-01 stored"
    assert record["level"] == "WARNING"
    assert record["logger"] == "tests.json_log"
    assert record["time"]


def test_a_record_about_a_request_carries_its_fields_not_its_query(json_log, manager_a):
    logger, buffer = json_log
    request = RequestFactory().get("/api/v1/trainees/", {"search": "3273010101900001"})
    request.user = manager_a
    logger.error("Internal Server Error: %s", request.path, extra={"request": request})
    record = json.loads(buffer.getvalue())
    assert record["request_method"] == "GET"
    assert record["request_path"] == "/api/v1/trainees/"
    assert record["user_id"] == manager_a.pk
    assert "3273010101900001" not in buffer.getvalue()


def test_a_multi_line_message_stays_on_one_line(json_log):
    logger, buffer = json_log
    try:
        raise ValueError("first line\nsecond line")
    except ValueError:
        logger.exception("Failed")
    lines = buffer.getvalue().splitlines()
    assert len(lines) == 1
    assert "second line" in json.loads(lines[0])["exc_info"]


def log_one_line(**env_vars: str) -> str:
    """What `django.setup()` with these variables writes to stdout for one record."""
    env = {
        **os.environ,
        "SECRET_KEY": "production-like-" + "k3y" * 20,
        "DATABASE_URL": "sqlite:////tmp/blkk-logs-test.sqlite3",
        "DJANGO_SETTINGS_MODULE": "blkk_portal.settings",
        **env_vars,
    }
    env.pop("LOG_FORMAT", None)
    script = (
        "import django, logging; django.setup(); "
        "logging.getLogger('blkk.test').warning('hello from the portal')"
    )
    result = subprocess.run(  # noqa: S603 (fixed arguments, the test's own interpreter)
        [sys.executable, "-c", script],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_production_settings_log_json_to_stdout():
    record = json.loads(log_one_line(DEBUG="false"))
    assert record["message"] == "hello from the portal"
    assert record["logger"] == "blkk.test"
    assert record["level"] == "WARNING"


def test_debug_settings_log_text_to_stdout():
    line = log_one_line(DEBUG="true")
    assert line.endswith("WARNING blkk.test hello from the portal")


def test_an_unknown_log_format_is_refused():
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        logging_config(log_format="xml")
