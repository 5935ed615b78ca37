"""A real gunicorn serving the portal on the test database, for fault and load tests.

`running_portal(workdir)` starts gunicorn (the one pinned in requirements.txt) on a
free loopback port against the database pytest-django created for this run, with
the production settings module and DEBUG off. What differs from production, and why:

- SECURE_SSL_REDIRECT and SECURE_COOKIES are off: the tests speak plain HTTP.
- CELERY_BROKER_URL is empty, so tasks run in-process: these tests are about the web
  tier (tests/faults/harness.py runs the broker and workers).
- The static files are collected without WhiteNoise's compression, into the work
  folder: the manifest the pages need is the same, and compressing took 20 s.
- Throttle rates are generous where a test asks for it (`extra_env`).

The test that uses it must see its data committed: mark it
`@pytest.mark.django_db(transaction=True, serialized_rollback=True)`. The server is
stopped when the block ends; its log (gunicorn's, Django's and the access log) is
printed then, which pytest shows only for a test that failed.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from tests.faults.harness import free_port, test_database_url

# Bounds, not expectations: a start or stop that takes longer than this fails.
START_SECONDS = 60
STOP_SECONDS = 30
POLL_SECONDS = 0.2
# The part of the log printed on failure; the whole file stays in the work folder.
LOG_TAIL_CHARS = 20_000
# Each access-log line names the worker's pid, the status and the request; found
# anywhere in a line, so that a log formatter's prefix or JSON does not hide it.
ACCESS_LOG_FORMAT = "faults-access %(p)s %(s)s %(m)s %(U)s"
ACCESS_LINE = re.compile(
    r"faults-access <(?P<pid>\d+)> (?P<status>\d{3}) (?P<request>\S+ \S+)"
)
SERVER_SECRET_KEY = "faults-server-secret-key-not-for-production"


class DatabaseProxy:
    """A TCP relay on loopback between the server and PostgreSQL, which a test can
    cut (every connection dropped, new ones refused: the database is unreachable
    for the server alone) and restore on the same port."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._accepting = threading.Event()
        self._pipes: list[socket.socket] = []
        self._lock = threading.Lock()

    def url(self, database: str, user: str) -> str:
        return f"postgres://{user}@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(POLL_SECONDS)
        self._listener = listener
        self._accepting.set()
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        self._accepting.clear()
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        with self._lock:
            pipes, self._pipes = self._pipes, []
        for end in pipes:
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()

    restore = start
    stop = cut

    def _accept(self, listener: socket.socket) -> None:
        while self._accepting.is_set():
            try:
                client, _address = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            client.settimeout(None)
            upstream.settimeout(None)
            with self._lock:
                self._pipes += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(
                    target=self._pump, args=(source, sink), daemon=True
                ).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)


@dataclass
class AccessLine:
    pid: int
    status: int
    request: str


@dataclass
class PortalServer:
    workdir: Path
    workers: int = 2
    extra_env: dict[str, str] = field(default_factory=dict)
    database_url: str | None = None
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.workdir / "gunicorn.log"

    @property
    def static_root(self) -> Path:
        return self.workdir / "static"

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "DEBUG": "false",
                # Empty rather than absent: a developer's .env does not fill it in.
                "CELERY_BROKER_URL": "",
                "CELERY_RESULT_BACKEND": "",
                "SECRET_KEY": SERVER_SECRET_KEY,
                "DATABASE_URL": self.database_url or test_database_url(),
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "SECURE_SSL_REDIRECT": "false",
                "SECURE_COOKIES": "false",
                "STATIC_ROOT": str(self.static_root),
                "MEDIA_ROOT": str(self.workdir / "media"),
                "EMAIL_URL": "dummymail://",
                # INFO: gunicorn.conf.py applies the level to the access log too,
                # whose lines tell which worker served each request.
                "LOG_LEVEL": "INFO",
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(self.extra_env)
        return env

    def collect_static(self) -> None:
        """The manifest-hashed static files the pages link to, uncompressed."""
        script = (
            "import django; django.setup()\n"
            "from django.conf import settings\n"
            "from django.core.management import call_command\n"
            "settings.STORAGES = {**settings.STORAGES, 'staticfiles': {'BACKEND':"
            " 'django.contrib.staticfiles.storage.ManifestStaticFilesStorage'}}\n"
            "call_command('collectstatic', interactive=False, verbosity=0)\n"
        )
        subprocess.run(  # noqa: S603 (our own command line)
            [sys.executable, "-c", script],
            cwd=settings.BASE_DIR,
            env={
                **self.environment(),
                "DJANGO_SETTINGS_MODULE": "blkk_portal.settings",
            },
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.collect_static()
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 (our own command line)
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "blkk_portal.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    str(self.workers),
                    "--access-logfile",
                    "-",
                    "--access-logformat",
                    ACCESS_LOG_FORMAT,
                    "--error-logfile",
                    "-",
                    # Its default path is one per machine; other servers may be up.
                    "--no-control-socket",
                ],
                cwd=settings.BASE_DIR,
                env=self.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.wait_until_healthy()

    def wait_until_healthy(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while True:
            self.assert_running()
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{self.url}/healthz/", timeout=5).status_code == 200:
                    return
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"gunicorn did not answer /healthz/ within {START_SECONDS} s:\n"
                    f"{self.log()}"
                )
            time.sleep(POLL_SECONDS)

    def assert_running(self) -> None:
        assert self.process is not None
        if self.process.poll() is not None:
            raise AssertionError(f"gunicorn exited:\n{self.log()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        # SIGTERM: gunicorn's graceful shutdown, which closes the workers' connections.
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=STOP_SECONDS)

    def log(self) -> str:
        if not self.log_path.exists():
            return ""
        return self.log_path.read_text(errors="replace")

    def log_tail(self) -> str:
        return self.log()[-LOG_TAIL_CHARS:]

    def access_lines(self) -> list[AccessLine]:
        lines = []
        for text in self.log().splitlines():
            match = ACCESS_LINE.search(text)
            if match:
                lines.append(
                    AccessLine(
                        pid=int(match["pid"]),
                        status=int(match["status"]),
                        request=match["request"],
                    )
                )
        return lines


@contextlib.contextmanager
def running_portal(
    workdir: Path,
    *,
    workers: int = 2,
    extra_env: dict[str, str] | None = None,
    database_url: str | None = None,
) -> Iterator[PortalServer]:
    """Gunicorn serving the portal until the block ends; its log is printed then
    (pytest shows it for a failed test only). `database_url` replaces the test
    database's own URL (to reach it through a `DatabaseProxy`)."""
    server = PortalServer(
        workdir=workdir,
        workers=workers,
        extra_env=extra_env or {},
        database_url=database_url,
    )
    try:
        server.start()
        yield server
    finally:
        server.stop()
        print(f"--- gunicorn log ({server.log_path}), last part ---")
        print(server.log_tail())


def let_sign_in_on_the_server(users, password: str) -> None:
    """Give `users` a password hash the server accepts.

    The suite hashes passwords with MD5 for speed (tests/conftest.py), which the
    production settings do not list; one PBKDF2 hash, made once, serves them all.
    """
    encoded = PBKDF2PasswordHasher().encode(password, PBKDF2PasswordHasher().salt())
    get_user_model().objects.filter(pk__in=[user.pk for user in users]).update(
        password=encoded
    )
