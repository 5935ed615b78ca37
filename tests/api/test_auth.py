"""Token and session authentication, 401 without credentials, 429 when locked out."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.personas import PASSWORD

TOKEN_URL = "/api/v1/auth/token/"


def test_a_token_is_issued_for_good_credentials_and_opens_the_api(world):
    client = APIClient()

    response = client.post(
        TOKEN_URL, {"username": "manager_a", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/blkks/").json()["count"] == 1


def test_each_sign_in_gets_its_own_token_stored_only_as_a_hash(world):
    client = APIClient()
    credentials = {"username": "ministry", "password": PASSWORD}
    first = client.post(TOKEN_URL, credentials, format="json").json()
    second = client.post(TOKEN_URL, credentials, format="json").json()

    assert first["token"] != second["token"]
    assert first["expiry"]
    stored = AuthToken.objects.filter(user=world.users["ministry"])
    assert stored.count() == 2
    assert not stored.filter(digest__in=[first["token"], second["token"]]).exists()


def test_logout_revokes_only_the_token_it_was_sent_with(world):
    credentials = {"username": "manager_a", "password": PASSWORD}
    tokens = [
        APIClient().post(TOKEN_URL, credentials, format="json").json()["token"]
        for _ in range(2)
    ]
    kept, revoked = APIClient(), APIClient()
    kept.credentials(HTTP_AUTHORIZATION=f"Token {tokens[0]}")
    revoked.credentials(HTTP_AUTHORIZATION=f"Token {tokens[1]}")

    assert revoked.post("/api/v1/auth/logout/").status_code == 204

    assert revoked.get("/api/v1/blkks/").status_code == 401
    assert kept.get("/api/v1/blkks/").status_code == 200


def test_an_expired_token_answers_401(world, api):
    client = api(world.users["manager_a"])
    AuthToken.objects.filter(user=world.users["manager_a"]).update(
        expiry=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert client.get("/api/v1/blkks/").status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        {"username": "manager_a", "password": "wrong-password"},
        {"username": "nobody", "password": PASSWORD},
        {"username": "manager_a"},
        {},
        {"username": "x" * 300, "password": "a"},
        {"username": "nul\x00byte", "password": "a"},
    ],
)
def test_bad_credentials_answer_400_field_by_field(world, body):
    response = APIClient().post(TOKEN_URL, body, format="json")
    assert response.status_code == 400
    assert "token" not in response.json()


def test_a_locked_out_account_answers_429_even_with_the_right_password(world, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = APIClient()
    for _attempt in range(3):
        client.post(
            TOKEN_URL, {"username": "manager_a", "password": "nope"}, format="json"
        )

    response = client.post(
        TOKEN_URL, {"username": "manager_a", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 429
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "path", ["/api/v1/trainees/", "/api/v1/blkks/", "/api/v1/mentoring-sessions/"]
)
def test_no_credentials_answer_401_with_www_authenticate(db, path):
    response = APIClient().get(path)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_bad_token_answers_401(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/v1/trainees/").status_code == 401


def test_an_inactive_users_token_stops_working(world, api):
    user = world.users["manager_a"]
    client = api(user)
    user.is_active = False
    user.save()
    assert client.get("/api/v1/trainees/").status_code == 401


def test_session_auth_works_and_enforces_csrf_on_writes(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.users["ministry"])

    assert client.get("/api/v1/blkks/").status_code == 200
    response = client.post(
        "/api/v1/vocational-fields/", {"code": "baru", "name": "Baru"}, format="json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_schema_and_offline_docs_are_served(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert "/api/v1/trainees/" in schema.json()["paths"]

    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    page = docs.content.decode()
    # Swagger UI comes from the sidecar package under /static/, never from a CDN.
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn" not in page.lower()


def test_a_token_can_be_asked_for_with_a_form_body_too(world):
    """`curl -d username=... -d password=...` sends a form, not JSON."""
    response = APIClient().post(
        TOKEN_URL, {"username": "manager_a", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert response.json()["token"]
