"""Instructors and their qualifications through the API (DESIGN.md, "REST API
contract": `instructors/` and `instructor-qualifications/`)."""

from __future__ import annotations

import pytest

from tests.training.factories import (
    InstructorFactory,
    InstructorQualificationFactory,
    trade,
)
from training.models import Blkk, Instructor, InstructorQualification

from .conftest import ids

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
INSTRUCTOR_FIELDS = {
    "id",
    "blkk",
    "full_name",
    "gender",
    "phone",
    "vocational_fields",
    "employment",
    "is_active",
    "qualifications",
}
QUALIFICATION_FIELDS = {
    "id",
    "instructor",
    "kind",
    "title",
    "issuer",
    "number",
    "issued_on",
    "valid_until",
}


def new_instructor(**overrides) -> dict:
    return {
        "full_name": "Bambang Sutrisno",
        "gender": "M",
        "phone": "081311112222",
        "vocational_fields": ["menjahit", "las"],
        "employment": "permanent",
        **overrides,
    }


def new_qualification(instructor, **overrides) -> dict:
    return {
        "instructor": instructor.pk,
        "kind": "competency",
        "title": "Penjahit Pakaian Wanita",
        "issuer": "BNSP",
        "number": "BNSP-API-1",
        "issued_on": "2025-03-01",
        "valid_until": "2028-02-28",
        **overrides,
    }


# --- instructors ------------------------------------------------------------------


def test_an_instructor_has_exactly_the_designed_fields(world, api):
    instructor = world.objects[Instructor]["a"]
    qualification = world.objects[InstructorQualification]["a"]

    body = api(world.users["manager_a"]).get(f"/api/v1/instructors/{instructor.pk}/")

    assert body.status_code == 200
    data = body.json()
    assert set(data) == INSTRUCTOR_FIELDS
    assert data["blkk"] == instructor.blkk_id
    assert data["vocational_fields"] == [
        field.code for field in instructor.vocational_fields.all()
    ]
    assert data["qualifications"] == [
        {
            "id": qualification.pk,
            "instructor": instructor.pk,
            "kind": "competency",
            "title": qualification.title,
            "issuer": qualification.issuer,
            "number": qualification.number,
            "issued_on": qualification.issued_on.isoformat(),
            "valid_until": None,
        }
    ]


def test_a_manager_of_one_blkk_records_an_instructor_there_by_default(world, api):
    response = api(world.users["manager_a"]).post(
        "/api/v1/instructors/", new_instructor(), format="json"
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["blkk"] == world.objects[Blkk]["a"].pk
    assert sorted(body["vocational_fields"]) == ["las", "menjahit"]
    assert body["is_active"] is True
    assert body["qualifications"] == []


def test_qualifications_are_read_only_on_an_instructor(world, api):
    instructor = world.objects[Instructor]["a"]
    client = api(world.users["manager_a"])

    response = client.patch(
        f"/api/v1/instructors/{instructor.pk}/",
        {"qualifications": [], "is_active": False},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert len(response.json()["qualifications"]) == 1
    assert instructor.qualifications.count() == 1
    instructor.refresh_from_db()
    assert instructor.is_active is False


def test_a_manager_cannot_record_an_instructor_at_another_blkk(world, api):
    other = world.objects[Blkk]["b"]
    response = api(world.users["manager_a"]).post(
        "/api/v1/instructors/", new_instructor(blkk=other.pk), format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["blkk"]
    assert not Instructor.objects.filter(full_name="Bambang Sutrisno").exists()


def test_a_manager_cannot_move_an_instructor_to_another_blkk(world, api):
    instructor = world.objects[Instructor]["a"]
    response = api(world.users["manager_a"]).patch(
        f"/api/v1/instructors/{instructor.pk}/",
        {"blkk": world.objects[Blkk]["b"].pk},
        format="json",
    )
    assert response.status_code == 400
    assert "blkk" in response.json()
    instructor.refresh_from_db()
    assert instructor.blkk == world.objects[Blkk]["a"]


def test_bad_instructor_input_is_refused_field_by_field(world, api):
    body = new_instructor(
        full_name="",
        gender="X",
        phone="12",
        vocational_fields=["no-such-trade"],
        employment="intern",
        is_active="maybe",
    )

    response = api(world.users["manager_a"]).post(
        "/api/v1/instructors/", body, format="json", **EN
    )

    assert response.status_code == 400
    assert set(response.json()) == {
        "full_name",
        "gender",
        "phone",
        "vocational_fields",
        "employment",
        "is_active",
    }
    assert Instructor.objects.count() == 2


@pytest.mark.parametrize("persona", ["province_32", "mentor_a"])
def test_read_only_roles_cannot_record_instructors(world, api, persona):
    body = new_instructor(blkk=world.objects[Blkk]["a"].pk)
    response = api(world.users[persona]).post(
        "/api/v1/instructors/", body, format="json"
    )
    assert response.status_code == 403
    assert Instructor.objects.count() == 2


def test_instructors_filter_by_blkk_trade_and_activity_and_search_by_name(world, api):
    blkk = world.objects[Blkk]["a"]
    seeded = world.objects[Instructor]["a"]
    welder = InstructorFactory(
        blkk=blkk, full_name="Slamet Riyadi", vocational_fields=[trade("las")]
    )
    retired = InstructorFactory(blkk=blkk, full_name="Sri Wahyuni", is_active=False)
    client = api(world.users["ministry"])

    def listed(**params):
        return ids(client.get("/api/v1/instructors/", params))

    assert listed(blkk=blkk.pk) == {seeded.pk, welder.pk, retired.pk}
    assert listed(blkk=blkk.pk, vocational_field="las") == {welder.pk}
    assert listed(blkk=blkk.pk, is_active="false") == {retired.pk}
    assert listed(blkk=blkk.pk, is_active="true") == {seeded.pk, welder.pk}
    assert listed(search="slamet") == {welder.pk}


def test_a_filter_naming_another_blkk_lists_nothing(world, api):
    other = world.objects[Blkk]["b"]
    client = api(world.users["manager_a"])
    assert ids(client.get("/api/v1/instructors/", {"blkk": other.pk})) == set()
    theirs = world.objects[Instructor]["b"]
    assert (
        ids(client.get("/api/v1/instructor-qualifications/", {"instructor": theirs.pk}))
        == set()
    )


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"blkk": "abc"}, "blkk"),
        ({"is_active": "maybe"}, "is_active"),
        ({"vocational_field": "x" * 41}, "vocational_field"),
    ],
)
def test_bad_instructor_filters_answer_400(world, api, params, field):
    response = api(world.users["ministry"]).get("/api/v1/instructors/", params)
    assert response.status_code == 400
    assert field in response.json()


# --- qualifications ---------------------------------------------------------------


def test_a_qualification_has_exactly_the_designed_fields(world, api):
    qualification = world.objects[InstructorQualification]["a"]
    response = api(world.users["province_32"]).get(
        f"/api/v1/instructor-qualifications/{qualification.pk}/"
    )
    assert response.status_code == 200
    assert set(response.json()) == QUALIFICATION_FIELDS


def test_a_manager_records_a_qualification_and_the_instructor_shows_it(world, api):
    instructor = world.objects[Instructor]["a"]
    client = api(world.users["manager_a"])

    response = client.post(
        "/api/v1/instructor-qualifications/",
        new_qualification(instructor),
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["valid_until"] == "2028-02-28"
    shown = client.get(f"/api/v1/instructors/{instructor.pk}/").json()
    assert response.json()["id"] in {row["id"] for row in shown["qualifications"]}


def test_a_manager_cannot_record_a_qualification_of_another_blkks_instructor(
    world, api
):
    theirs = world.objects[Instructor]["b"]
    response = api(world.users["manager_a"]).post(
        "/api/v1/instructor-qualifications/",
        new_qualification(theirs),
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["instructor"]
    assert theirs.qualifications.count() == 1


def test_bad_qualification_input_is_refused_field_by_field(world, api):
    body = new_qualification(
        world.objects[Instructor]["a"],
        kind="diploma",
        title="",
        issuer="",
        issued_on="01-03-2025",
        valid_until="2028-02-30",
    )

    response = api(world.users["manager_a"]).post(
        "/api/v1/instructor-qualifications/", body, format="json", **EN
    )

    assert response.status_code == 400
    assert set(response.json()) == {
        "kind",
        "title",
        "issuer",
        "issued_on",
        "valid_until",
    }


def test_the_services_rules_answer_400_on_their_fields(world, api):
    instructor = world.objects[Instructor]["a"]
    taken = world.objects[InstructorQualification]["b"]  # another BLKK's number
    client = api(world.users["manager_a"])

    early = client.post(
        "/api/v1/instructor-qualifications/",
        new_qualification(instructor, valid_until="2025-02-28"),
        format="json",
        **EN,
    )
    duplicate = client.post(
        "/api/v1/instructor-qualifications/",
        new_qualification(instructor, issuer=taken.issuer, number=taken.number),
        format="json",
        **EN,
    )

    assert early.status_code == 400
    assert early.json() == {
        "valid_until": ["The end date cannot be before the start date."]
    }
    assert duplicate.status_code == 400
    assert duplicate.json() == {
        "number": ["This issuer already issued a qualification with this number."]
    }
    assert instructor.qualifications.count() == 1


def test_a_qualifications_instructor_cannot_be_changed(world, api):
    qualification = world.objects[InstructorQualification]["a"]
    other = InstructorFactory(blkk=world.objects[Blkk]["a"])

    response = api(world.users["manager_a"]).patch(
        f"/api/v1/instructor-qualifications/{qualification.pk}/",
        {"instructor": other.pk},
        format="json",
        **EN,
    )

    assert response.status_code == 400
    assert response.json() == {
        "instructor": ["The instructor of a qualification cannot be changed."]
    }
    qualification.refresh_from_db()
    assert qualification.instructor_id == world.objects[Instructor]["a"].pk


def test_qualifications_filter_by_instructor_and_kind(world, api):
    instructor = world.objects[Instructor]["a"]
    seeded = world.objects[InstructorQualification]["a"]
    tot = InstructorQualificationFactory(instructor=instructor, kind="tot")
    elsewhere = InstructorQualificationFactory(instructor__blkk=instructor.blkk)
    client = api(world.users["manager_a"])

    def listed(**params):
        return ids(client.get("/api/v1/instructor-qualifications/", params))

    assert listed(instructor=instructor.pk) == {seeded.pk, tot.pk}
    assert listed(instructor=instructor.pk, kind="tot") == {tot.pk}
    assert listed(kind="competency") == {seeded.pk, elsewhere.pk}
    bad = client.get("/api/v1/instructor-qualifications/", {"kind": "diploma"})
    assert bad.status_code == 400
    assert "kind" in bad.json()


@pytest.mark.parametrize(
    ("persona", "expected"),
    # A mentor and another BLKK's manager reach no instructor here: not found.
    [("province_32", 403), ("mentor_a", 404), ("manager_b", 404)],
)
def test_only_the_blkks_managers_delete_a_qualification(world, api, persona, expected):
    qualification = world.objects[InstructorQualification]["a"]
    url = f"/api/v1/instructor-qualifications/{qualification.pk}/"

    response = api(world.users[persona]).delete(url)

    assert response.status_code == expected
    assert InstructorQualification.objects.filter(pk=qualification.pk).exists()
    assert api(world.users["manager_a"]).delete(url).status_code == 204
    assert not InstructorQualification.objects.filter(pk=qualification.pk).exists()
