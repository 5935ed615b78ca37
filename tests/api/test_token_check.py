"""The token check (`blkk_portal.api.authentication`): one query per request, and
every refusal and refresh knox's check made."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from knox.models import AuthToken
from knox.signals import token_expired
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.test import APIClient, APIRequestFactory

from blkk_portal.api.authentication import TokenAuthentication
from tests.accounts.factories import UserFactory

TTL = datetime.timedelta(days=30)
PROVINCES = "/api/v1/provinces/"


def _request(token: str | bytes):
    header = token if isinstance(token, str) else token.decode("latin-1")
    return APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Token {header}")


def _client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def user(db):
    return UserFactory(ministry=True)


@pytest.fixture
def issued(user):
    """A fresh token (its row, its text)."""
    return AuthToken.objects.create(user=user)


@pytest.fixture
def expired_signals():
    sent = []

    def receiver(sender, username, source, **kwargs):
        sent.append((username, source))

    token_expired.connect(receiver)
    yield sent
    token_expired.disconnect(receiver)


def _age(row: AuthToken, seconds: int) -> None:
    """Make `row` look last refreshed `seconds` ago."""
    AuthToken.objects.filter(pk=row.pk).update(
        expiry=timezone.now() + TTL - datetime.timedelta(seconds=seconds)
    )


def test_a_valid_token_is_checked_in_one_query_with_its_user(
    issued, user, django_assert_num_queries
):
    row, token = issued
    with django_assert_num_queries(1):
        found_user, found_token = TokenAuthentication().authenticate(_request(token))

    assert found_user == user
    assert found_token.pk == row.pk
    # The user came with the token: reading it costs nothing more.
    with django_assert_num_queries(0):
        assert found_user.role == user.role


def test_a_request_with_many_tokens_of_the_user_still_checks_one(
    issued, user, django_assert_num_queries
):
    for _n in range(5):
        AuthToken.objects.create(user=user)
    _row, token = issued

    with django_assert_num_queries(1):
        TokenAuthentication().authenticate(_request(token))


def _statements(queries) -> list[str]:
    return [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]


def test_an_api_request_spends_one_query_on_the_token(issued):
    _row, token = issued
    with CaptureQueriesContext(connection) as queries:
        response = _client(token).get(PROVINCES)

    assert response.status_code == 200
    # The token with its user, then the page of provinces (not full: no count).
    statements = _statements(queries)
    assert len(statements) == 2
    assert "knox_authtoken" in statements[0]
    assert "accounts_user" in statements[0]


def test_a_wrong_token_with_a_real_key_answers_401_and_writes_nothing(
    issued, django_assert_num_queries
):
    row, token = issued
    forged = token[:15] + ("0" if token[15] != "0" else "1") + token[16:]

    with django_assert_num_queries(1), pytest.raises(AuthenticationFailed):
        TokenAuthentication().authenticate(_request(forged))
    assert _client(forged).get(PROVINCES).status_code == 401
    assert AuthToken.objects.get(pk=row.pk).expiry == row.expiry


@pytest.mark.parametrize(
    "token", ["not-a-real-token", "0" * 64, "\u00e9t\u00e9" * 20, "x"]
)
def test_a_made_up_token_answers_401(db, token):
    response = _client(token).get(PROVINCES)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_token_that_is_not_utf8_answers_401_not_500(db):
    with pytest.raises(AuthenticationFailed):
        TokenAuthentication().authenticate(_request(b"\xe9" * 64))


def test_an_expired_token_answers_401_and_is_deleted_for_good(
    issued, user, expired_signals
):
    row, token = issued
    AuthToken.objects.filter(pk=row.pk).update(
        expiry=timezone.now() - datetime.timedelta(seconds=1)
    )

    response = _client(token).get(PROVINCES)

    assert response.status_code == 401
    # The request failed, and its transaction still kept the deletion.
    assert not AuthToken.objects.filter(pk=row.pk).exists()
    assert expired_signals == [(user.username, "auth_token")]
    assert _client(token).get(PROVINCES).status_code == 401


def test_an_inactive_users_token_answers_401_and_is_not_refreshed(issued, user):
    row, token = issued
    _age(row, 3600)
    before = AuthToken.objects.get(pk=row.pk).expiry
    user.is_active = False
    user.save()

    assert _client(token).get(PROVINCES).status_code == 401
    assert AuthToken.objects.get(pk=row.pk).expiry == before


def test_a_token_used_within_the_refresh_interval_is_not_written(
    issued, django_assert_num_queries
):
    row, token = issued
    _age(row, 30)
    before = AuthToken.objects.get(pk=row.pk).expiry

    with django_assert_num_queries(1):
        TokenAuthentication().authenticate(_request(token))
    assert AuthToken.objects.get(pk=row.pk).expiry == before


def test_a_token_used_after_the_refresh_interval_slides_its_expiry(
    issued, django_assert_num_queries
):
    row, token = issued
    _age(row, 3600)
    start = timezone.now()

    # The token; then its new expiry, and the user's expired tokens cleared.
    with django_assert_num_queries(3):
        TokenAuthentication().authenticate(_request(token))
    expiry = AuthToken.objects.get(pk=row.pk).expiry
    assert start + TTL <= expiry <= timezone.now() + TTL


def test_the_refresh_clears_the_users_other_expired_tokens(
    issued, user, expired_signals
):
    row, token = issued
    _age(row, 3600)
    stale = [AuthToken.objects.create(user=user)[0] for _n in range(2)]
    AuthToken.objects.filter(pk__in=[s.pk for s in stale]).update(
        expiry=timezone.now() - datetime.timedelta(days=1)
    )
    alive, _text = AuthToken.objects.create(user=user)
    someone_elses, _text = AuthToken.objects.create(user=UserFactory())
    AuthToken.objects.filter(pk=someone_elses.pk).update(
        expiry=timezone.now() - datetime.timedelta(days=1)
    )

    assert _client(token).get(PROVINCES).status_code == 200

    left = set(AuthToken.objects.values_list("pk", flat=True))
    assert left == {row.pk, alive.pk, someone_elses.pk}
    assert expired_signals == [(user.username, "other_token")] * 2


def test_the_refresh_stops_at_the_maximum_lifetime(issued, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "AUTO_REFRESH_MAX_TTL": TTL}
    row, token = issued
    created = timezone.now() - datetime.timedelta(days=10)
    AuthToken.objects.filter(pk=row.pk).update(
        created=created, expiry=timezone.now() + datetime.timedelta(days=1)
    )

    TokenAuthentication().authenticate(_request(token))

    assert AuthToken.objects.get(pk=row.pk).expiry == created + TTL


def test_without_auto_refresh_a_token_is_never_written(
    issued, settings, django_assert_num_queries
):
    settings.REST_KNOX = {**settings.REST_KNOX, "AUTO_REFRESH": False}
    row, token = issued
    _age(row, 3600)
    before = AuthToken.objects.get(pk=row.pk).expiry

    with django_assert_num_queries(1):
        TokenAuthentication().authenticate(_request(token))
    assert AuthToken.objects.get(pk=row.pk).expiry == before


def test_a_token_revoked_during_its_refresh_stays_revoked(issued):
    row, _token = issued
    _age(row, 3600)
    found = AuthToken.objects.select_related("user").get(pk=row.pk)
    AuthToken.objects.filter(pk=row.pk).delete()

    TokenAuthentication().renew_token(found)

    assert not AuthToken.objects.filter(pk=row.pk).exists()


def test_logout_checks_the_token_the_same_way(issued):
    row, token = issued
    client = _client(token)

    with CaptureQueriesContext(connection) as queries:
        assert client.post("/api/v1/auth/logout/").status_code == 204

    token_reads = [
        sql
        for sql in _statements(queries)
        if sql.startswith("SELECT") and "knox_authtoken" in sql
    ]
    assert len(token_reads) == 1
    assert not AuthToken.objects.filter(pk=row.pk).exists()
    assert client.get(PROVINCES).status_code == 401


def test_the_schema_still_names_the_token_scheme(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    scheme = schema["components"]["securitySchemes"]["knoxApiToken"]
    assert scheme["type"] == "apiKey"
    assert scheme["name"] == "Authorization"
    operation = schema["paths"]["/api/v1/trainees/"]["get"]
    assert {"knoxApiToken": []} in operation["security"]
