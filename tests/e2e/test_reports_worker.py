"""End to end: a real Celery worker process, on the real Redis broker and the test
database, runs the monthly fan-out as beat would start it; every report is stored
with its files and each BLKK's managers get their mail.

The worker (`tests/faults/harness.py`, shared with the fault tests) listens on a
queue of its own (a fresh name per run) on TEST_CELERY_BROKER_URL, so two checkouts
testing at once never take each other's tasks. It writes mail to files
(EMAIL_URL=filemail://) in a temporary folder.
"""

from __future__ import annotations

import os
import uuid

import pytest
import redis

from blkk_portal.months import Month
from reports.models import ProgressReport, ReportRun
from tests.accounts.factories import UserFactory
from tests.faults.harness import Worker, wait_until
from tests.training.factories import BlkkFactory, TraineeFactory, regency

BROKER_URL = os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/7")
# A bound, not an expectation: the test stops waiting after this long.
WAIT_SECONDS = 120


@pytest.fixture
def worker(tmp_path):
    queue = f"blkk-e2e-{uuid.uuid4().hex}"
    worker = Worker("worker", tmp_path, broker_url=BROKER_URL, queue=queue)
    worker.start()
    yield worker
    worker.stop()
    client = redis.Redis.from_url(BROKER_URL)
    client.delete(queue, f"_kombu.binding.{queue}")
    client.close()


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

    wait_until(finished, seconds=WAIT_SECONDS, what="the run", watching=[worker])
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

    wait_until(
        lambda: len(worker.sent_mail()) >= 2,
        seconds=WAIT_SECONDS,
        what="the mail",
        watching=[worker],
    )
    mail = worker.sent_mail()
    assert sorted(m["To"] for m in mail) == sorted([manager_a.email, manager_b.email])
    for message in mail:
        attached = [p.get_filename() for p in message.walk() if p.get_filename()]
        assert sorted(name.rsplit(".", 1)[1] for name in attached) == ["csv", "xlsx"]
