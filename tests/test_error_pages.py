"""The portal's error pages (blkk_portal/errors.py, templates/4xx.html, 5xx.html):
in the portal's language whatever the browser asks, with a way back, under the
strict CSP; the API answers JSON. The 429 page of a locked sign-in is tested with
the lockout (tests/accounts/test_signin.py); the 503 of a database outage in
tests/test_errors.py."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from blkk_portal import errors
from reports import dashboards
from tests.personas import PASSWORD
from tests.test_content_policy import assert_strict_policy, inline_scripts
from training.api import views as training_views
from training.models import Blkk

ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en"}


def indonesian(message: str) -> str:
    with translation.override("id"):
        return translation.gettext(message)


def assert_error_page(response, status: int, template: str, title: str) -> str:
    assert response.status_code == status
    assert template in [t.name for t in response.templates]
    page = response.content.decode()
    assert 'lang="id"' in page
    assert indonesian(title) in page
    assert f'href="{reverse("home")}"' in page
    assert_strict_policy(response)
    assert inline_scripts(response) == []
    assert 'style="' not in page
    return page


@pytest.fixture
def answering(client):
    client.raise_request_exception = False
    return client


def raising(error: Exception):
    def fail(*args, **kwargs):
        raise error

    return fail


def test_a_missing_page_answers_the_portals_404(client, db):
    response = client.get("/no-such-page/", **ENGLISH_BROWSER)

    assert_error_page(response, 404, "404.html", "Page not found")


def test_an_object_outside_scope_answers_the_same_404(client, world):
    client.force_login(world.users["manager_a"])
    other = world.objects[Blkk]["b"]

    response = client.get(reverse("blkk-home", args=[other.code]))

    page = assert_error_page(response, 404, "404.html", "Page not found")
    assert other.name not in page


def test_the_404_page_speaks_english_to_a_user_who_chose_it(client, world):
    client.force_login(world.users["mentor_a"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert 'lang="en"' in response.content.decode()
    assert "Page not found" in response.content.decode()


def test_a_page_for_another_role_answers_the_portals_403(client, world):
    client.force_login(world.users["mentor_a"])

    response = client.get(reverse("blkk-list"), **ENGLISH_BROWSER)

    page = assert_error_page(response, 403, "403.html", "You cannot open this page")
    # The reason the page gave.
    assert indonesian("This page is not for your role.") in page


def test_a_refused_csrf_token_answers_the_portals_page(db, manager_a):
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(
        reverse("login"),
        {"username": "manager_a", "password": PASSWORD},
        **ENGLISH_BROWSER,
    )

    page = assert_error_page(response, 403, "403_csrf.html", "The form has expired")
    # Django's reason ("CSRF cookie not set.") stays in the log.
    assert "CSRF cookie" not in page
    assert not browser.get(reverse("home")).wsgi_request.user.is_authenticated


def test_a_bug_answers_the_portals_500(answering, world, monkeypatch):
    answering.force_login(world.users["ministry"])
    monkeypatch.setattr(dashboards, "dashboard", raising(RuntimeError("a bug")))

    response = answering.get(reverse("dashboard"), **ENGLISH_BROWSER)

    page = assert_error_page(response, 500, "500.html", "Something went wrong")
    assert "a bug" not in page
    assert "Retry-After" not in response


def test_the_500_page_renders_without_a_database_or_a_request_context():
    # No `db` fixture: any query raises. Django renders 500.html without the
    # request's context processors, as handler500 does.
    request = RequestFactory().get("/blkk/")
    with translation.override("id"):
        response = errors.server_error(request)

    assert response.status_code == 500
    page = response.content.decode()
    assert indonesian("Something went wrong") in page
    assert 'class="error-page"' in page


# --- The API answers JSON ------------------------------------------------------------


def test_the_api_answers_404_in_json(client, db):
    response = client.get("/api/v1/no-such-resource/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_the_api_answers_500_in_json(answering, world, monkeypatch):
    answering.force_login(world.users["manager_a"])
    monkeypatch.setattr(
        training_views.TraineeViewSet, "list", raising(RuntimeError("a bug"))
    )

    response = answering.get("/api/v1/trainees/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 500
    assert response.json() == {"detail": "A server error occurred."}


def test_a_permission_denied_under_the_api_answers_json(db):
    request = RequestFactory().get("/api/v1/trainees/")
    with translation.override("en"):
        response = errors.permission_denied(request, PermissionError())

    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"


def test_a_csrf_failure_under_the_api_answers_json(db):
    request = RequestFactory().post("/api/v1/trainees/")

    response = errors.csrf_failure(request, reason="CSRF cookie not set.")

    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
