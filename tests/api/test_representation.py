"""The fast reading of rows (`blkk_portal.api.representation`) gives DRF's JSON.

Every API test compares each row it reads with DRF's own reading (the autouse
fixture in tests/api/conftest.py); here every list and every object of the world
is read by every persona, so each serializer of the API is compared at least once,
and the plain columns are shown to take the fast path.
"""

from __future__ import annotations

import datetime
import json

import pytest
from rest_framework.test import APIRequestFactory

from blkk_portal.api.representation import _PLANS, FastRepresentation
from blkk_portal.api.urls import router
from incubator.api.serializers import VentureSerializer
from mentoring.api.serializers import MentoringSessionSerializer
from reports.models import ReportRun
from tests.training.factories import TraineeFactory
from training.api.serializers import CertificationSerializer, TraineeSerializer
from training.models import Trainee

from .conftest import COMPARED, drf_reading
from .resources import CONTRACT_RESOURCES, url

PERSONAS = ["ministry", "province_32", "manager_a", "mentor_a"]


def _serializer_classes() -> set[type]:
    found = set()
    pending = [viewset.serializer_class for _p, viewset, _b in router.registry]
    while pending:
        cls = pending.pop()
        if cls in found or not issubclass(cls, FastRepresentation):
            continue
        found.add(cls)
        for field in cls(context={}).get_fields().values():
            nested = getattr(field, "child", field)
            pending.append(type(nested))
    return found


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_list_and_object_reads_as_drf_reads_it(world, api, persona):
    client = api(world.users[persona])
    for resource in CONTRACT_RESOURCES:
        response = client.get(url(resource), {"page_size": 200})
        assert response.status_code == 200, (resource, response.content)
        for row in response.json()["results"][:5]:
            detail = client.get(url(resource, row["id"]))
            assert detail.status_code == 200, (resource, detail.content)
            assert detail.json() == row


def test_every_serializer_of_the_api_was_compared(world, api):
    ReportRun.objects.create(period=datetime.date(2026, 2, 1), task_id="t1")
    COMPARED.clear()
    for persona in PERSONAS:
        client = api(world.users[persona])
        for resource in CONTRACT_RESOURCES:
            client.get(url(resource))

    assert _serializer_classes() <= COMPARED


def test_plain_columns_are_read_without_drfs_field_machinery():
    def slow(cls) -> set[str]:
        plan = cls(context={})._plan()
        return {entry.name for entry in plan.entries if entry.read is None}

    assert slow(TraineeSerializer) == set()
    # A property of the model, and a column of the related assignment.
    assert slow(CertificationSerializer) == {"valid_until"}
    assert slow(MentoringSessionSerializer) == {"mentor"}
    assert slow(VentureSerializer) == {"founders", "stage_history"}
    assert TraineeSerializer in _PLANS


def test_values_as_a_service_leaves_them_read_the_same(db):
    """A row just written holds what the code put in it (an enum member, a date
    given as such), not yet what the database gives back."""
    trainee = TraineeFactory.build(
        gender=Trainee.Gender.FEMALE,
        has_disability=True,
        registered_on=datetime.date(2026, 3, 1),
        consent_on=datetime.date(2026, 3, 1),
    )
    trainee.pk = 7
    trainee.full_nik_visible = True
    request = APIRequestFactory().get("/")
    serializer = TraineeSerializer(context={"request": request})

    mine = FastRepresentation.to_representation(serializer, trainee)

    assert json.dumps(mine) == json.dumps(drf_reading(serializer, trainee))
    assert mine["gender"] == "F"


def test_a_mapping_is_read_by_drfs_own_code(db):
    serializer = CertificationSerializer(context={})
    data = {
        "id": 1,
        "trainee": None,
        "scheme": "Menjahit",
        "lsp_name": "LSP",
        "issued_on": datetime.date(2026, 1, 2),
        "result": "competent",
        "number": "1",
        "valid_until": None,
        "recorded_by_blkk": None,
    }

    assert FastRepresentation.to_representation(serializer, data)["issued_on"] == (
        "2026-01-02"
    )
