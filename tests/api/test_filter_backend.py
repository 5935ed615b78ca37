"""The API's filter backend (`blkk_portal.api.filters.PortalFilterBackend`): a
request that names no filter skips building the FilterSet and gets the same rows;
a filter, valid or not, is still read and validated."""

from __future__ import annotations

import pytest

from blkk_portal.api import filters
from training.models import Blkk

pytestmark = pytest.mark.django_db

TRAINEES = "/api/v1/trainees/"


@pytest.fixture
def filtersets_built(monkeypatch) -> list[str]:
    built: list[str] = []
    original = filters.DjangoFilterBackend.get_filterset

    def spy(self, request, queryset, view):
        built.append(request.get_full_path())
        return original(self, request, queryset, view)

    monkeypatch.setattr(filters.DjangoFilterBackend, "get_filterset", spy)
    return built


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.parametrize("query", ["", "?page=1", "?search=a&ordering=full_name"])
def test_a_list_that_names_no_filter_builds_no_filterset(
    world, api, filtersets_built, query
):
    client = api(world.users["ministry"])

    listed = ids(client.get(TRAINEES + query))

    assert filtersets_built == []
    assert listed  # the world's people, whatever the order asked
    assert set(listed) <= set(ids(client.get(TRAINEES + "?blkk=")))


def test_a_named_filter_is_still_applied(world, api, filtersets_built):
    client = api(world.users["ministry"])
    blkk_a = world.objects[Blkk]["a"]

    listed = ids(client.get(f"{TRAINEES}?blkk={blkk_a.pk}"))

    assert filtersets_built == [f"{TRAINEES}?blkk={blkk_a.pk}"]
    assert listed
    everyone = ids(client.get(TRAINEES))
    assert set(listed) < set(everyone)


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999999999"])
def test_a_bad_filter_value_is_still_a_400(world, api, value):
    response = api(world.users["ministry"]).get(f"{TRAINEES}?blkk={value}")

    assert response.status_code == 400
    assert "blkk" in response.json()
