"""API test helpers: a client signed in with a token, and the two-BLKK world."""

from __future__ import annotations

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        _instance, token = AuthToken.objects.create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def api():
    """`api(user)`: a client that authenticates as `user` with a token."""
    return client_for


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}
