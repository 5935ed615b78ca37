"""gunicorn, started with the committed gunicorn.conf.py, tells Django a request is
secure only when a trusted proxy says so: a client on 127.0.0.1 that merely claims
`X-Forwarded-Proto: https` gets no HSTS while BEHIND_PROXY is off (issue #9, hole 8).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tests.faults.harness import test_database_url

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

HSTS = "Strict-Transport-Security"
# A bound, not an expectation: how long gunicorn may take to answer at all.
START_SECONDS = 30


def static_root_without_collecting(tmp_path: Path) -> Path:
    """A STATIC_ROOT whose manifest names the portal's own static files unhashed.

    Production settings ask the manifest for every `{% static %}` URL; collecting
    the real files (compressed, hashed) takes a minute this test does not need.
    """
    root = tmp_path / "static"
    root.mkdir(exist_ok=True)
    names = []
    for entry in settings.STATICFILES_DIRS:
        # An entry is a folder, or (prefix, folder) for an npm package's files.
        prefix, directory = entry if isinstance(entry, tuple) else ("", entry)
        names += [
            f"{prefix}/{path.relative_to(directory).as_posix()}".lstrip("/")
            for path in Path(directory).rglob("*")
            if path.is_file()
        ]
    manifest = {"version": "1.1", "paths": {name: name for name in names}}
    (root / "staticfiles.json").write_text(json.dumps(manifest))
    return root


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    def __init__(self, tmp_path: Path, **env: str) -> None:
        self.port = free_port()
        self.log_path = tmp_path / f"gunicorn-{self.port}.log"
        self.env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": "e2e-gunicorn-secret-key-" + "x" * 30,
            "DATABASE_URL": test_database_url(),
            "CONN_MAX_AGE": "0",
            "SECURE_SSL_REDIRECT": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "WEB_CONCURRENCY": "1",
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "STATIC_ROOT": str(static_root_without_collecting(tmp_path)),
            **env,
        }
        for name in ("BEHIND_PROXY", "FORWARDED_ALLOW_IPS"):
            if name not in env:
                self.env.pop(name, None)
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "--config",
                    "gunicorn.conf.py",
                    # Other checkouts may run gunicorn too: no shared control socket.
                    "--no-control-socket",
                    "blkk_portal.wsgi:application",
                ],
                cwd=settings.BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_listening()
        return self

    def _wait_until_listening(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log_path.read_text()
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"gunicorn did not start:\n{self.log_path.read_text()}")

    def __exit__(self, *exc_info) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def get(self, path: str, headers: dict[str, str]):
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status, response.headers
        except urllib.error.HTTPError as error:
            return error.code, error.headers


CLAIMS_HTTPS = {"X-Forwarded-Proto": "https"}


def test_loopback_client_claiming_https_gets_no_hsts_without_a_proxy(tmp_path):
    with Gunicorn(tmp_path, BEHIND_PROXY="false") as server:
        status, headers = server.get("/accounts/login/", CLAIMS_HTTPS)
    assert status == 200
    assert HSTS not in headers
    # The CSP is there, so this was the portal answering.
    assert "Content-Security-Policy" in headers


def test_hsts_is_sent_for_https_reported_by_an_allowed_proxy(tmp_path):
    with Gunicorn(
        tmp_path, BEHIND_PROXY="true", FORWARDED_ALLOW_IPS="127.0.0.1"
    ) as server:
        status, headers = server.get("/accounts/login/", CLAIMS_HTTPS)
        _plain_status, plain_headers = server.get("/accounts/login/", {})
    assert status == 200
    assert headers[HSTS].startswith("max-age=31536000")
    assert HSTS not in plain_headers


def test_gunicorn_logs_access_as_json_without_the_query(tmp_path):
    with Gunicorn(tmp_path) as server:
        server.get("/accounts/login/?next=/secret-search-3273010101900001", {})
    log = (tmp_path / f"gunicorn-{server.port}.log").read_text()
    access = [line for line in log.splitlines() if '"gunicorn.access"' in line]
    assert access, log
    assert '"GET /accounts/login/"' in access[0].replace('\\"', '"')
    assert "3273010101900001" not in log
