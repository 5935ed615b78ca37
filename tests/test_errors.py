"""What a request that fails on the server's side answers (blkk_portal/errors.py).

The real outage (a database that refuses connections under gunicorn) is
tests/faults/test_database_connections.py; here the views raise what the database
driver raises, so that the answer's shape is checked in every `make test`.
"""

from __future__ import annotations

import pytest
from django.db import InterfaceError, OperationalError
from django.urls import reverse
from django.utils import translation

from reports import dashboards
from training.api import views as training_views

UNREACHABLE = "The portal cannot reach its database just now. Try again shortly."
OUTAGES = [
    OperationalError("connection to server failed: Connection refused"),
    InterfaceError("connection already closed"),
]


@pytest.fixture
def client_that_answers(client):
    client.raise_request_exception = False
    return client


def raising(error: Exception):
    def fail(*args, **kwargs):
        raise error

    return fail


@pytest.mark.parametrize("error", OUTAGES)
def test_a_page_answers_503_with_retry_after_when_the_database_is_unreachable(
    client_that_answers, world, monkeypatch, error
):
    # The ministry's dashboard reads the country's figures.
    client_that_answers.force_login(world.users["ministry"])
    monkeypatch.setattr(dashboards, "dashboard", raising(error))

    response = client_that_answers.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    page = response.content.decode()
    # In the portal's language, whatever the browser asks; the error pages' layout.
    with translation.override("id"):
        assert translation.gettext(UNREACHABLE) in page
    assert 'lang="id"' in page
    assert 'class="error-page"' in page


@pytest.mark.parametrize("error", OUTAGES)
def test_the_api_answers_503_in_json_when_the_database_is_unreachable(
    client_that_answers, world, monkeypatch, error
):
    client_that_answers.force_login(world.users["manager_a"])
    viewset = training_views.TraineeViewSet
    monkeypatch.setattr(viewset, "list", raising(error))

    response = client_that_answers.get("/api/v1/trainees/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "cannot reach its database" in response.json()["detail"]


def test_any_other_error_is_still_a_500(client_that_answers, world, monkeypatch):
    client_that_answers.force_login(world.users["ministry"])
    monkeypatch.setattr(dashboards, "dashboard", raising(RuntimeError("a bug")))

    response = client_that_answers.get(reverse("dashboard"))

    assert response.status_code == 500
    assert "Retry-After" not in response
