"""The portal's generate page when the broker does not answer: 503 with the
message, and no run left queued. Transactional, as in production (and in a module
of its own: transactional tests empty the database for the tests after them)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reports.models import ReportRun

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_queue_that_does_not_answer_is_a_message_and_queues_nothing(
    client, ministry_user, english, celery_broker, dead_broker_url
):
    celery_broker(dead_broker_url)
    client.force_login(ministry_user)

    response = client.post(
        reverse("report-generate"),
        {"scope": "national", "scope_code": "", "period": "2026-04"},
    )

    assert response.status_code == 503
    assert (
        "Reports cannot be queued right now: the task queue is not answering."
        in response.content.decode()
    )
    assert list(ReportRun.objects.values_list("status", flat=True)) == ["failed"]
