"""API test helpers (the token client and the world are in tests/conftest.py)."""

from __future__ import annotations


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}
