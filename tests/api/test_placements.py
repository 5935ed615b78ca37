"""`/api/v1/placements/`: the contract's fields and filters, the rules of the service
as 400s field by field, and the scope of the partnership a manager may name."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest

from tests.training.factories import (
    EnrollmentFactory,
    PartnerFactory,
    PartnershipFactory,
    PlacementFactory,
    TraineeFactory,
    TrainingBatchFactory,
)
from training.models import Blkk, Partner, Partnership, Placement, Trainee

from .conftest import ids
from .resources import url

pytestmark = pytest.mark.django_db

FIELDS = {
    "id",
    "trainee",
    "partner",
    "partnership",
    "kind",
    "position",
    "start_date",
    "end_date",
    "monthly_pay",
    "status",
    "recorded_by_blkk",
}
# Peserta A and B completed their training on 1 April 2026 (tests/world.py).
GRADUATED = "2026-04-01"


def body(world, side: str = "a", **fields) -> dict:
    partnership = world.objects[Partnership][side]
    return {
        "trainee": world.objects[Trainee][side].pk,
        "partner": partnership.partner_id,
        "partnership": partnership.pk,
        "kind": "apprenticeship",
        "position": "Magang operator jahit",
        "start_date": "2026-05-04",
        "monthly_pay": 1_500_000,
        **fields,
    }


def post(client, data):
    return client.post(
        url("placements"), data, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )


def test_a_manager_records_a_placement_kept_by_their_blkk(world, api):
    response = post(api(world.users["manager_a"]), body(world))
    assert response.status_code == 201, response.content
    record = response.json()
    assert set(record) == FIELDS
    assert record["recorded_by_blkk"] == world.objects[Blkk]["a"].pk
    assert record["status"] == "planned"
    assert record["end_date"] is None
    stored = Placement.objects.get(pk=record["id"])
    assert stored.history.get().history_user == world.users["manager_a"]


def test_a_national_partnership_or_none_may_be_named(world, api):
    client = api(world.users["manager_a"])
    national = PartnershipFactory(blkk=None)
    response = post(
        client,
        body(world, partner=national.partner_id, partnership=national.pk),
    )
    assert response.status_code == 201, response.content
    response = post(client, body(world, partnership=None, kind="employment"))
    assert response.status_code == 201, response.content


def test_a_placement_before_graduation_answers_400_on_start_date(world, api):
    response = post(
        api(world.users["manager_a"]),
        body(world, kind="employment", start_date="2026-03-31"),
    )
    assert response.status_code == 400
    assert list(response.json()) == ["start_date"]
    assert "graduate" in response.json()["start_date"][0]


def test_a_partnership_with_another_partner_answers_400(world, api):
    response = post(
        api(world.users["manager_a"]),
        body(world, partner=world.objects[Partner]["b"].pk),
    )
    assert response.status_code == 400
    assert response.json() == {
        "partnership": ["This partnership is with another partner."]
    }


def test_another_blkks_partnership_is_unknown_to_a_manager(world, api):
    theirs = world.objects[Partnership]["b"]
    response = post(
        api(world.users["manager_a"]),
        body(world, partner=theirs.partner_id, partnership=theirs.pk),
    )
    assert response.status_code == 400
    assert "does not exist" in response.json()["partnership"][0]


def test_a_person_the_manager_does_not_reach_is_unknown(world, api):
    response = post(
        api(world.users["manager_a"]),
        body(world, trainee=world.objects[Trainee]["b"].pk),
    )
    assert response.status_code == 400
    assert "does not exist" in response.json()["trainee"][0]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"monthly_pay": -1}, "monthly_pay"),
        ({"kind": "internship"}, "kind"),
        ({"status": "paused"}, "status"),
        ({"position": ""}, "position"),
        ({"start_date": "04-05-2026"}, "start_date"),
    ],
)
def test_bad_values_answer_400_on_their_field(world, api, fields, field):
    response = post(api(world.users["manager_a"]), body(world, **fields))
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "completed"},
        {"status": "ended_early"},
        {"end_date": "2026-05-03"},
    ],
)
def test_dates_and_status_that_disagree_answer_400(world, api, fields):
    response = post(api(world.users["manager_a"]), body(world, **fields))
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert not Placement.objects.filter(position="Magang operator jahit").exists()


def test_the_person_of_a_placement_cannot_be_changed(world, api):
    placement = world.objects[Placement]["a"]
    other = TraineeFactory(blkk=world.objects[Blkk]["a"], graduate=True)
    response = api(world.users["ministry"]).patch(
        url("placements", placement.pk),
        {"trainee": other.pk},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json() == {
        "trainee": ["The person of a placement cannot be changed."]
    }


def test_the_manager_updates_the_status_and_end(world, api):
    placement = world.objects[Placement]["a"]
    response = api(world.users["manager_a"]).patch(
        url("placements", placement.pk),
        {"status": "ended_early", "end_date": "2026-06-30"},
        format="json",
    )
    assert response.status_code == 200, response.content
    placement.refresh_from_db()
    assert (placement.status, placement.end_date) == (
        "ended_early",
        datetime.date(2026, 6, 30),
    )


def test_a_manager_cannot_hand_the_placement_to_another_blkk(world, api):
    placement = world.objects[Placement]["a"]
    EnrollmentFactory(
        trainee=placement.trainee,
        batch=TrainingBatchFactory(blkk=world.objects[Blkk]["b"], name="Angkatan B2"),
    )
    second = world.objects[Blkk]["b"]
    second.managers.add(world.users["manager_a"])
    response = api(world.users["manager_a"]).patch(
        url("placements", placement.pk),
        {"recorded_by_blkk": second.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "recorded_by_blkk" in response.json()


@pytest.mark.parametrize("persona", ["province_32", "mentor_a"])
def test_province_staff_and_mentors_record_no_placement(world, api, persona):
    response = post(api(world.users[persona]), body(world))
    assert response.status_code == 403
    assert Placement.objects.count() == 2


def test_what_only_the_database_catches_answers_400_not_500(world, api):
    """The person's training changed between the service's check and the write:
    the trigger's refusal is the same 400 on `start_date`."""
    with mock.patch.object(Placement, "trainee_may_start", return_value=True):
        response = post(
            api(world.users["manager_a"]),
            body(world, kind="employment", start_date="2026-03-31"),
        )
    assert response.status_code == 400
    assert list(response.json()) == ["start_date"]


# --- filters ----------------------------------------------------------------------


def graduate_of(blkk, batch_name: str) -> Trainee:
    person = TraineeFactory(blkk=blkk)
    batch = TrainingBatchFactory(blkk=blkk, name=batch_name)
    EnrollmentFactory(trainee=person, batch=batch, completed=True)
    return person


@pytest.fixture
def more(world):
    """Besides the world's employment at A: an apprenticeship of a graduate of A
    with another partner (ended early), and one recorded by B about a person
    registered at A and enrolled at B."""
    blkk_a, blkk_b = world.objects[Blkk]["a"], world.objects[Blkk]["b"]
    apprentice = PlacementFactory(
        trainee=graduate_of(blkk_a, "Angkatan Magang"),
        kind="apprenticeship",
        status="ended_early",
        end_date=datetime.date(2025, 5, 1),
    )
    shared = graduate_of(blkk_a, "Angkatan Bersama")
    EnrollmentFactory(
        trainee=shared, batch=TrainingBatchFactory(blkk=blkk_b, name="Angkatan B2")
    )
    by_b = PlacementFactory(
        trainee=shared,
        partnership=None,
        partner=PartnerFactory(),
        recorded_by_blkk=blkk_b,
    )
    return {"apprentice": apprentice, "by_b": by_b}


def test_filters_by_trainee_partner_kind_and_status(world, api, more):
    client = api(world.users["ministry"])
    ours = world.objects[Placement]["a"]
    apprentice = more["apprentice"]

    def listed(**params) -> set[int]:
        return ids(client.get(url("placements"), params))

    assert listed(trainee=ours.trainee_id) == {ours.pk}
    assert listed(partner=apprentice.partner_id) == {apprentice.pk}
    assert listed(kind="apprenticeship") == {apprentice.pk}
    assert listed(status="ended_early") == {apprentice.pk}
    assert listed(kind="employment", status="active") == {
        ours.pk,
        world.objects[Placement]["b"].pk,
        more["by_b"].pk,
    }


def test_the_blkk_filter_is_the_trainees_registering_blkk(world, api, more):
    blkk_a, blkk_b = world.objects[Blkk]["a"], world.objects[Blkk]["b"]
    client = api(world.users["ministry"])
    listed = ids(client.get(url("placements"), {"blkk": blkk_a.pk}))
    # Recorded by B, about a person registered at A: counted at A.
    assert listed == {
        world.objects[Placement]["a"].pk,
        more["apprentice"].pk,
        more["by_b"].pk,
    }
    assert ids(client.get(url("placements"), {"blkk": blkk_b.pk})) == {
        world.objects[Placement]["b"].pk
    }


def test_a_filter_outside_the_managers_scope_gives_an_empty_list(world, api):
    client = api(world.users["manager_a"])
    theirs = world.objects[Placement]["b"]
    assert ids(client.get(url("placements"), {"trainee": theirs.trainee_id})) == set()
    blkk_b = world.objects[Blkk]["b"]
    assert ids(client.get(url("placements"), {"blkk": blkk_b.pk})) == set()


@pytest.mark.parametrize(
    "params", [{"kind": "internship"}, {"status": "x"}, {"trainee": "abc"}]
)
def test_a_bad_filter_answers_400(world, api, params):
    response = api(world.users["ministry"]).get(url("placements"), params)
    assert response.status_code == 400
