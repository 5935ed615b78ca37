"""`GET /healthz/`, as DESIGN.md's "Settings and commands" shapes it: 200 while the
database answers, whatever the broker does (reported, never waited on), 503 when the
database does not answer. The faults are real: a port where nothing listens, a
redis-server of the test's own frozen with SIGSTOP."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from tests.faults.harness import free_port
from tests.threads import run_together


def health(client) -> tuple[int, dict]:
    response = client.get(reverse("healthz"))
    return response.status_code, response.json()


def test_health_check_says_tasks_run_in_process_without_a_broker(client, db):
    assert health(client) == (
        200,
        {"status": "ok", "database": "up", "broker": "in-process"},
    )


def test_health_check_says_the_broker_is_up_when_it_answers(
    client, db, celery_broker, redis_server
):
    celery_broker(redis_server.url)
    assert health(client) == (200, {"status": "ok", "database": "up", "broker": "up"})


def test_a_stopped_broker_leaves_the_health_check_ok(
    client, db, celery_broker, dead_broker_url
):
    celery_broker(dead_broker_url)
    assert health(client) == (
        200,
        {"status": "ok", "database": "up", "broker": "down"},
    )


def test_a_hung_broker_leaves_the_health_check_ok_and_answering(
    client, db, celery_broker, redis_server
):
    celery_broker(redis_server.url)
    redis_server.freeze()

    # run_together fails the test if the check is still waiting after 10 s.
    [outcome] = run_together(lambda: health(client))

    assert outcome == (200, {"status": "ok", "database": "up", "broker": "down"})


@pytest.fixture
def database_down(django_db_blocker):
    """The default connection points at a port where no database listens."""
    with django_db_blocker.unblock():
        connection.close()
        saved = connection.settings_dict["PORT"]
        connection.settings_dict["PORT"] = str(free_port())
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict["PORT"] = saved


def test_health_check_answers_503_when_the_database_does_not_answer(
    client, database_down
):
    status, body = health(client)
    assert status == 503
    assert body == {"status": "error", "database": "down", "broker": "in-process"}
