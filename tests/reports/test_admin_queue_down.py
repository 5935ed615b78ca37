"""The reports' admin when the broker does not answer (hole 4 of issue #9): the
*Generate reports* page answers 503 with the message, the *Regenerate* action says
so, and no run is left queued. Transactional, as in production (and in a module of
its own: transactional tests empty the database for the tests after them)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reports.models import ReportRun

from .factories import ProgressReportFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CHANGELIST = "admin:reports_progressreport_changelist"
GENERATE = "admin:reports_progressreport_generate"


@pytest.fixture
def ministry_client(client, ministry_user, english):
    client.force_login(ministry_user)
    return client


QUEUE_DOWN = (
    "Reports cannot be queued right now: the task queue is not answering. "
    "Try again in a few minutes."
)


@pytest.mark.parametrize("scope", ["", "national"])
def test_generate_page_answers_503_and_queues_nothing_when_the_broker_is_down(
    ministry_client, celery_broker, dead_broker_url, scope
):
    celery_broker(dead_broker_url)

    response = ministry_client.post(
        reverse(GENERATE), {"period": "2026-04", "scope": scope}
    )

    assert response.status_code == 503
    assert QUEUE_DOWN in response.content.decode()
    assert list(ReportRun.objects.values_list("status", flat=True)) == ["failed"]


def test_regenerate_action_says_the_queue_is_down_and_queues_nothing(
    ministry_client, blkk_a, celery_broker, dead_broker_url
):
    reports = [
        ProgressReportFactory(scope="blkk", scope_code=blkk_a.code),
        ProgressReportFactory(),
    ]
    celery_broker(dead_broker_url)

    response = ministry_client.post(
        reverse(CHANGELIST),
        {"action": "regenerate", "_selected_action": [r.pk for r in reports]},
        follow=True,
    )

    assert QUEUE_DOWN in response.content.decode()
    assert "queued for regeneration" not in response.content.decode()
    assert list(ReportRun.objects.values_list("status", flat=True)) == ["failed"]
