"""API test helpers (the token client and the world are in tests/conftest.py)."""

from __future__ import annotations

import pytest
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from blkk_portal.api.representation import FastRepresentation

# Every serializer class whose reading was compared with DRF's in this session.
COMPARED: set[type] = set()


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def drf_reading(serializer, instance) -> dict:
    """DRF's own `Serializer.to_representation` of `instance`, by a fresh
    serializer of the same class and context (its fields built as DRF builds them)."""
    fresh = type(serializer)(context=serializer.context)
    return serializers.ModelSerializer.to_representation(fresh, instance)


@pytest.fixture(autouse=True)
def _readings_compared_with_drf(monkeypatch):
    """Every API test also checks that the fast reading of each row
    (`blkk_portal.api.representation`) renders to DRF's bytes exactly."""
    fast = FastRepresentation.to_representation

    def compared(self, instance):
        mine = fast(self, instance)
        theirs = drf_reading(self, instance)
        assert JSONRenderer().render(mine) == JSONRenderer().render(theirs), (
            type(self).__name__,
            mine,
            theirs,
        )
        COMPARED.add(type(self))
        return mine

    monkeypatch.setattr(FastRepresentation, "to_representation", compared)
