"""`reports/generate/` when the broker does not answer (hole 4 of issue #9): 503
within the publish's bounds, and no run left queued. Transactional, as in
production: the run commits and its task is published within the request. (In a
module of its own: transactional tests empty the database for the tests after them,
so `make test` keeps them apart from the others.)"""

from __future__ import annotations

import pytest

from reports.models import ReportRun
from tests.threads import run_together

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

QUEUE_DOWN = (
    "Reports cannot be queued right now: the task queue is not answering. "
    "Try again in a few minutes."
)


def generate_as_ministry(world, api):
    body = {"scope": "national", "scope_code": "", "period": "2026-04"}
    return api(world.users["ministry"]).post(
        "/api/v1/reports/generate/", body, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )


def assert_refused_and_no_run_queued(response) -> None:
    assert response.status_code == 503, response.content
    assert response.json() == {"detail": QUEUE_DOWN}
    assert int(response["Retry-After"]) > 0
    run = ReportRun.objects.get()
    assert run.status == "failed"
    assert "task queue did not answer" in run.error
    assert run.finished_at is not None


def test_generation_answers_503_and_queues_nothing_when_the_broker_is_down(
    world, api, celery_broker, dead_broker_url
):
    celery_broker(dead_broker_url)
    assert_refused_and_no_run_queued(generate_as_ministry(world, api))


def test_generation_answers_503_when_the_broker_hangs(
    world, api, celery_broker, redis_server
):
    celery_broker(redis_server.url)
    redis_server.freeze()

    # run_together fails the test if the request is still waiting after 10 s.
    [response] = run_together(lambda: generate_as_ministry(world, api))

    assert_refused_and_no_run_queued(response)


def test_generation_queues_the_task_on_a_broker_that_answers(
    world, api, celery_broker, redis_server
):
    celery_broker(redis_server.url)

    response = generate_as_ministry(world, api)

    assert response.status_code == 202, response.content
    run = ReportRun.objects.get()
    assert run.status == "queued"
    [message] = redis_server.client().lrange("celery", 0, -1)
    assert run.task_id.encode() in message
