"""Real processes for the fault and end-to-end tests: a Redis server of the test's
own, Celery workers and beats, all against the test database.

Nothing here touches the shared Redis or PostgreSQL: a `RedisServer` listens on a
free port with its own append-only file in a temporary folder, and the processes
are told the test database's address. Every process runs in a session of its own,
so `kill()` sends SIGKILL to a worker's main process and its pool children at once.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

REDIS_SERVER = "/usr/bin/redis-server"
# Bounds, not expectations: a wait gives up (and fails the test) after this long.
START_SECONDS = 30
POLL_SECONDS = 0.2
# What django.core.mail.backends.filebased writes after each message.
MAIL_SEPARATOR = b"\n" + b"-" * 79 + b"\n"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_database_url() -> str:
    """The address of the database pytest-django made, for child processes."""
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


def wait_until(
    condition: Callable[[], object],
    *,
    seconds: float,
    what: str,
    watching: Sequence[ManagedProcess] = (),
) -> None:
    """Poll `condition` until it is true; fail with the processes' logs if one of
    them dies or `seconds` pass."""
    deadline = time.monotonic() + seconds
    while not condition():
        for process in watching:
            if not process.running():
                pytest.fail(f"{process.name} died waiting for {what}:\n{process.log()}")
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {p.name}\n{p.log()}" for p in watching)
            pytest.fail(f"gave up waiting for {what} after {seconds} s\n{logs}")
        time.sleep(POLL_SECONDS)


class ManagedProcess:
    """A child process with a log file, in a session of its own."""

    def __init__(self, name: str, log_path: Path):
        self.name = name
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def _spawn(self, command: list[str], *, env: dict | None = None) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 (our own command line)
                command,
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        assert self.process is not None, f"{self.name} was never started"
        return self.process.pid

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        if not self.log_path.exists():
            return ""
        return self.log_path.read_text(errors="replace")

    def signal(self, signum: int) -> None:
        os.kill(self.pid, signum)

    def kill(self) -> None:
        """SIGKILL to the process and every child of it (its process group)."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM (a warm shutdown), then SIGKILL if it does not end in time."""
        if not self.running():
            return
        self.signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)  # type: ignore[union-attr]
        except subprocess.TimeoutExpired:
            self.kill()


class RedisServer(ManagedProcess):
    """A redis-server of the test's own, persisting to an append-only file, so a
    stop and a start keep what was queued (as a production broker should)."""

    def __init__(self, directory: Path):
        directory.mkdir(parents=True, exist_ok=True)
        super().__init__("redis-server", directory / "redis.log")
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self._spawn(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.directory),
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--save",
                "",
            ]
        )
        wait_until(self.answers, seconds=START_SECONDS, what="redis", watching=[self])

    def answers(self) -> bool:
        client = self.client()
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_timeout=2)

    def freeze(self) -> None:
        """The broker hangs: connections open, nothing answers."""
        self.signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.signal(signal.SIGCONT)


class Celery(ManagedProcess):
    """`celery -A blkk_portal ...` with the environment of a deployed worker, on
    the test database and the given broker; mail goes to files in `mail_dir`."""

    def __init__(
        self,
        name: str,
        directory: Path,
        *,
        broker_url: str,
        queue: str = "celery",
        extra_env: dict[str, str] | None = None,
    ):
        super().__init__(name, directory / f"{name}.log")
        self.queue = queue
        self.mail_dir = directory / "mail"
        self.media_dir = directory / "media"
        self.mail_dir.mkdir(parents=True, exist_ok=True)
        self.env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": "faults-worker-secret-key",
            "DATABASE_URL": test_database_url(),
            "CONN_MAX_AGE": "0",
            "CELERY_BROKER_URL": broker_url,
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            # Four slashes: django-environ drops the first of the path's.
            "EMAIL_URL": f"filemail:///{self.mail_dir}",
            "MEDIA_ROOT": str(self.media_dir),
            **(extra_env or {}),
        }

    @staticmethod
    def command(*args: str) -> list[str]:
        return [sys.executable, "-m", "celery", "-A", "blkk_portal", *args]

    def call(self, task_name: str) -> None:
        """Send a task through the broker, as beat does (`celery call`)."""
        subprocess.run(  # noqa: S603 (our own command line)
            self.command("call", task_name, "--queue", self.queue),
            cwd=settings.BASE_DIR,
            env=self.env,
            check=True,
            capture_output=True,
            timeout=60,
        )

    def sent_mail(self) -> list[Message]:
        """Every message written to `mail_dir`. Django's file backend names a file
        by the second and a connection's id, which can come again: one file may
        hold several messages, each followed by a line of 79 dashes."""
        return [
            message_from_bytes(raw)
            for path in sorted(self.mail_dir.iterdir())
            for raw in path.read_bytes().split(MAIL_SEPARATOR)
            if raw.strip()
        ]


class Worker(Celery):
    def start(self, *, pool: str = "solo", concurrency: int = 1) -> None:
        self._spawn(
            self.command(
                "worker",
                f"--pool={pool}",
                f"--concurrency={concurrency}",
                "--queues",
                self.queue,
                "--hostname",
                f"{self.name}-{self.queue}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
            ),
            env=self.env,
        )
        wait_until(
            lambda: "ready." in self.log(),
            seconds=START_SECONDS,
            what=f"{self.name} to be ready",
            watching=[self],
        )

    def received(self, task_name: str) -> int:
        """How many messages of `task_name` this worker took from the broker."""
        return len(
            re.findall(rf"Task {re.escape(task_name)}\[[^]]+\] received", self.log())
        )


class Beat(Celery):
    def start(self) -> None:
        self._spawn(
            self.command(
                "beat",
                "--loglevel=INFO",
                # Two beats on one machine: each its own pid file, as two hosts.
                f"--pidfile={self.log_path.with_suffix('.pid')}",
            ),
            env=self.env,
        )
        wait_until(
            lambda: "beat: Starting..." in self.log(),
            seconds=START_SECONDS,
            what=f"{self.name} to start",
            watching=[self],
        )
