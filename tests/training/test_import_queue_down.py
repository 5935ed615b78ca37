"""Confirming an import when the broker does not answer: the page says so, the
preview stays to be confirmed later, nothing is written. Transactional, as in
production: the confirmation commits, then publishes within the request. (In a
module of its own: transactional tests empty the database for the tests after
them.)"""

from __future__ import annotations

import pytest
from django.urls import reverse

from blkk_portal.imports.models import ImportJob, ImportStatus
from tests.imports.sheets import xlsx_upload
from tests.training.test_import import COLUMNS, person
from training.models import Trainee

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_queue_that_does_not_answer_leaves_the_preview_to_confirm_later(
    client, blkk_a, manager_a, english, celery_broker, dead_broker_url
):
    client.force_login(manager_a)
    upload = xlsx_upload([list(COLUMNS), person(1)])
    response = client.post(
        reverse("trainee-import", args=[blkk_a.code]), {"file": upload}
    )
    job = ImportJob.objects.get()
    celery_broker(dead_broker_url)

    response = client.post(
        reverse("trainee-import-confirm", args=[blkk_a.code, job.pk])
    )

    assert response.status_code == 303
    job.refresh_from_db()
    assert (job.status, job.task_id) == (ImportStatus.PREVIEWED, "")
    page = client.get(response["Location"]).content.decode()
    assert "the task queue is not answering" in page
    assert reverse("trainee-import-confirm", args=[blkk_a.code, job.pk]) in page
    assert not Trainee.objects.exists()
