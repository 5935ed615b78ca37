"""The broker stops, then hangs, then comes back (hole 4 of issue #9). The broker is
a redis-server of the test's own with append-only persistence; the portal answers
in this process (Django's test client, the full middleware stack) and publishes to
it; a real worker starts once the broker is back.

While the broker is stopped or hung, pages, sign-in, the API's reads and the health
check answer as usual; asking for a report answers 503 within 5 s (the bound of the
issue; the settings allow a publish 3.5 s at most) and leaves no run queued. Work
queued before the outage is still in the broker when it is back, and is done."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from reports.models import ProgressReport, ReportRun
from tests.faults.harness import Worker, wait_until
from tests.personas import PASSWORD
from training.models import Blkk

pytestmark = [
    pytest.mark.faults,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# What the issue asks of a refused generation.
ANSWER_WITHIN_SECONDS = 5
# A bound, not an expectation: a wait gives up (and fails the test) after this long.
WAIT_SECONDS = 90


def generate(client, blkk_code: str):
    body = {"scope": "blkk", "scope_code": blkk_code, "period": "2026-04"}
    started = time.monotonic()
    response = client.post("/api/v1/reports/generate/", body, format="json")
    return response, time.monotonic() - started


def assert_refused_in_time(client, blkk_code: str) -> None:
    response, seconds = generate(client, blkk_code)
    assert response.status_code == 503, response.content
    assert seconds < ANSWER_WITHIN_SECONDS
    assert "Retry-After" in response


def assert_the_portal_answers() -> None:
    """Pages, sign-in (the form and the API's token), API reads, the health check,
    each for a visitor who just arrived."""
    client, api_client = Client(), APIClient()
    assert client.get(reverse("login")).status_code == 200
    signed_in = client.post(
        reverse("login"), {"username": "manager_a", "password": PASSWORD}
    )
    assert signed_in.status_code == 302
    # A manager's home is their BLKK's page (a redirect, then the page).
    assert client.get(reverse("home"), follow=True).status_code == 200
    token = api_client.post(
        "/api/v1/auth/token/",
        {"username": "manager_b", "password": PASSWORD},
        format="json",
    )
    assert token.status_code == 200, token.content
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    assert api_client.get("/api/v1/reports/").status_code == 200
    assert api_client.get("/api/v1/trainees/").status_code == 200
    health = client.get(reverse("healthz"))
    assert (health.status_code, health.json()["broker"]) == (200, "down")


def test_a_broker_outage_is_answered_and_work_queued_before_it_is_done_after(
    world, api, tmp_path, redis_server, celery_broker
):
    celery_broker(redis_server.url)
    manager = api(world.users["manager_a"])
    blkk_code = world.objects[Blkk]["a"].code

    # Queued while the broker is up; no worker yet.
    accepted, _seconds = generate(manager, blkk_code)
    assert accepted.status_code == 202, accepted.content
    queued_before = ReportRun.objects.get()
    assert redis_server.client().llen("celery") == 1

    redis_server.stop()
    assert_the_portal_answers()
    assert_refused_in_time(manager, blkk_code)

    redis_server.start()  # the same append-only file: what was queued is back
    redis_server.freeze()
    assert_the_portal_answers()
    assert_refused_in_time(manager, blkk_code)
    redis_server.thaw()

    # Nothing was left queued by the refused requests: they are failed.
    statuses = dict(ReportRun.objects.values_list("pk", "status"))
    assert statuses.pop(queued_before.pk) == "queued"
    assert set(statuses.values()) == {"failed"}
    assert len(statuses) == 2

    worker = Worker("worker", tmp_path, broker_url=redis_server.url)
    try:
        worker.start()
        wait_until(
            lambda: ReportRun.objects.get(pk=queued_before.pk).status == "done",
            seconds=WAIT_SECONDS,
            what="the run queued before the outage",
            watching=[worker],
        )
    finally:
        worker.stop()
    report = ProgressReport.objects.get(
        scope="blkk", scope_code=blkk_code, period=queued_before.period
    )
    assert report.run_id == queued_before.pk
    assert report.xlsx_file
    assert worker.received("reports.tasks.report_run_execute") == 1
