"""Every resource for every role: list, retrieve, change and delete by scope and role.

The expected scope is the same table the queryset tests use (`tests/test_scoping`):
the API must show exactly what `visible_to` reaches, answer 404 outside it, and 403
for a write the role may not make on an object it can see.
"""

from __future__ import annotations

import pytest

from blkk_portal.api.urls import router
from tests.test_scoping import EXPECTED

from .conftest import ids
from .resources import (
    CONTRACT_RESOURCES,
    MANAGER_WRITES,
    MENTOR_WRITES,
    OWN_RULES,
    REFERENCE_DATA,
    SCOPED_RESOURCES,
    WRITES,
    url,
)

PERSONAS = ["ministry", "province_32", "manager_a", "manager_b", "mentor_a"]


def test_every_scoped_resource_has_expected_writes():
    """The router serves DESIGN.md's resources, the matrix covers every scoped one,
    and its write table names only those: a new resource fails here until its
    expectations are written."""
    assert [prefix for prefix, _viewset, _name in router.registry] == list(
        CONTRACT_RESOURCES
    )
    assert set(SCOPED_RESOURCES) == set(CONTRACT_RESOURCES) - REFERENCE_DATA - OWN_RULES
    assert set(SCOPED_RESOURCES) >= MANAGER_WRITES | MENTOR_WRITES


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("resource", list(SCOPED_RESOURCES))
def test_list_shows_exactly_the_callers_scope(world, api, persona, resource):
    model = SCOPED_RESOURCES[resource]
    expected_sides = EXPECTED[persona][model]

    listed = ids(api(world.users[persona]).get(url(resource)))

    assert listed == {world.objects[model][side].pk for side in expected_sides}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("resource", list(SCOPED_RESOURCES))
def test_retrieve_answers_404_outside_scope(world, api, persona, resource):
    model = SCOPED_RESOURCES[resource]
    client = api(world.users[persona])
    for side, obj in world.objects[model].items():
        response = client.get(url(resource, obj.pk))
        visible = side in EXPECTED[persona][model]
        assert response.status_code == (200 if visible else 404), (side, response)
        if visible:
            assert response.json()["id"] == obj.pk


@pytest.mark.parametrize("persona", list(WRITES))
@pytest.mark.parametrize("resource", list(SCOPED_RESOURCES))
def test_change_follows_the_roles_table(world, api, persona, resource):
    """PATCH with no change isolates the permission from validation: 200 where the
    role writes, 403 on a visible object it may only read, 404 outside its scope."""
    model = SCOPED_RESOURCES[resource]
    client = api(world.users[persona])
    for side, obj in world.objects[model].items():
        response = client.patch(url(resource, obj.pk), {}, format="json")
        if side not in EXPECTED[persona][model]:
            expected = 404
        elif (resource in WRITES[persona] and side == "a") or persona == "ministry":
            expected = 200
        else:
            expected = 403
        assert response.status_code == expected, (side, response.content)


@pytest.mark.parametrize(
    ("persona", "resource", "expected"),
    [
        ("province_32", "milestones", 403),
        ("manager_a", "milestones", 204),
        ("manager_b", "milestones", 404),
        ("mentor_a", "milestones", 403),
        ("mentor_a", "venture-metrics", 403),  # mentors report figures, not erase them
        ("manager_a", "venture-metrics", 204),
        ("manager_a", "mentoring-sessions", 403),
        ("mentor_a", "mentoring-sessions", 204),
        ("ministry", "mentoring-sessions", 204),
        ("manager_a", "trainees", 403),  # erasing a person is the ministry's act
        # Peserta A applied to a cohort (tests/world.py): erasure takes the
        # application with the person.
        ("ministry", "trainees", 204),
        ("manager_a", "partners", 403),  # managers add partners, never remove them
        ("mentor_a", "partners", 403),
        ("ministry", "partners", 400),  # a partnership and a placement refer to it
        ("province_32", "partnerships", 403),
        ("manager_b", "partnerships", 404),
        ("manager_a", "partnerships", 400),  # a placement was made through it
    ],
)
def test_delete_follows_the_roles_table(world, api, persona, resource, expected):
    obj = world.objects[SCOPED_RESOURCES[resource]]["a"]

    response = api(world.users[persona]).delete(url(resource, obj.pk))

    assert response.status_code == expected, response.content
    still_there = type(obj).objects.filter(pk=obj.pk).exists()
    assert still_there is (expected != 204)


@pytest.mark.parametrize("resource", ["provinces", "regencies", "vocational-fields"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_reference_data_is_readable_by_everyone(world, api, persona, resource):
    response = api(world.users[persona]).get(url(resource), {"page_size": 200})
    assert response.status_code == 200
    assert response.json()["results"]
