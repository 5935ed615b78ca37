"""End to end: a real Celery worker process, on the real Redis broker and the test
database, runs the monthly fan-out as beat would start it; every report is stored
with its files and each BLKK's managers get their mail.

The worker listens on a queue of its own (a fresh name per run) on
TEST_CELERY_BROKER_URL, so two checkouts testing at once never take each other's
tasks. It writes mail to files (EMAIL_URL=filemail://) in a temporary folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from email import message_from_bytes
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from blkk_portal.months import Month
from reports.models import ProgressReport, ReportRun
from tests.accounts.factories import UserFactory
from tests.training.factories import BlkkFactory, TraineeFactory, regency

BROKER_URL = os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/7")
# Bounds, not expectations: the test stops waiting after this long.
WAIT_SECONDS = 120
POLL_SECONDS = 0.5


def test_database_url() -> str:
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


class Worker:
    def __init__(self, tmp_path: Path):
        self.queue = f"blkk-e2e-{uuid.uuid4().hex}"
        self.mail_dir = tmp_path / "mail"
        self.media_dir = tmp_path / "media"
        self.log_path = tmp_path / "worker.log"
        self.mail_dir.mkdir()
        self.env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": "e2e-worker-secret-key",
            "DATABASE_URL": test_database_url(),
            "CONN_MAX_AGE": "0",
            "CELERY_BROKER_URL": BROKER_URL,
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,
            # Four slashes: django-environ drops the first of the path's.
            "EMAIL_URL": f"filemail:///{self.mail_dir}",
            "MEDIA_ROOT": str(self.media_dir),
        }
        self.process: subprocess.Popen | None = None

    def celery(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "celery", "-A", "blkk_portal", *args]

    def start(self) -> None:
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 (our own command line)
                self.celery(
                    "worker",
                    "--pool=solo",
                    "--queues",
                    self.queue,
                    "--hostname",
                    f"{self.queue}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "--loglevel=INFO",
                ),
                cwd=settings.BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def call(self, task_name: str) -> None:
        """Send a task through the broker, as beat does (`celery call`)."""
        subprocess.run(  # noqa: S603 (our own command line)
            self.celery("call", task_name, "--queue", self.queue),
            cwd=settings.BASE_DIR,
            env=self.env,
            check=True,
            capture_output=True,
            timeout=60,
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()  # warm shutdown: finishes the task in hand
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        client = redis.Redis.from_url(BROKER_URL)
        client.delete(self.queue, f"_kombu.binding.{self.queue}")
        client.close()

    def sent_mail(self) -> list:
        return [message_from_bytes(p.read_bytes()) for p in self.mail_dir.iterdir()]


@pytest.fixture
def worker(tmp_path):
    worker = Worker(tmp_path)
    worker.start()
    yield worker
    worker.stop()


def wait_until(condition, worker: Worker) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert worker.process.poll() is None, f"the worker died:\n{worker.log()}"
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting after {WAIT_SECONDS} s:\n{worker.log()}")
        time.sleep(POLL_SECONDS)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_runs_the_monthly_fan_out_stores_reports_and_mails(worker):
    last_month = Month.last_completed()
    blkk_a = BlkkFactory(regency=regency("32.73"))
    blkk_b = BlkkFactory(regency=regency("35.78"))
    for blkk, people in ((blkk_a, 2), (blkk_b, 1)):
        for _ in range(people):
            TraineeFactory(blkk=blkk, registered_on=last_month.first_day)
    manager_a = UserFactory(blkk_manager=True, managed_blkks=[blkk_a])
    manager_b = UserFactory(blkk_manager=True, managed_blkks=[blkk_b])

    worker.call("reports.tasks.reports_generate_last_month")

    def finished() -> bool:
        run = ReportRun.objects.first()
        return run is not None and run.status in ("done", "failed")

    wait_until(finished, worker)
    run = ReportRun.objects.get()
    assert run.status == "done", run.error
    # The country, Jawa Barat, Jawa Timur and the two BLKKs.
    reports = ProgressReport.objects.filter(period=last_month.first_day)
    assert reports.count() == run.reports_total == 5
    assert not reports.filter(xlsx_file="").exists()
    assert not reports.filter(csv_file="").exists()
    national = reports.get(scope="national")
    assert national.kpis["trainees_registered"] == 3
    assert (worker.media_dir / national.xlsx_file.name).is_file()

    wait_until(lambda: len(list(worker.mail_dir.iterdir())) >= 2, worker)
    mail = worker.sent_mail()
    assert sorted(m["To"] for m in mail) == sorted([manager_a.email, manager_b.email])
    for message in mail:
        attached = [p.get_filename() for p in message.walk() if p.get_filename()]
        assert sorted(name.rsplit(".", 1)[1] for name in attached) == ["csv", "xlsx"]
