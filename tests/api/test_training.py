"""Trainees, enrollments and training records through the API."""

from __future__ import annotations

import datetime

import pytest

from training.models import Enrollment, Trainee, TrainingBatch

from .conftest import ids

TODAY = datetime.date(2026, 5, 4)


def new_person(world, **overrides) -> dict:
    body = {
        "nik": "3273014708990002",  # woman born 7 August 1999
        "full_name": "Siti Rahmawati",
        "gender": "F",
        "birth_date": "1999-08-07",
        "phone": "081234567890",
        "regency": "32.73",
        "education": "smk",
        "has_disability": False,
        "prior_status": "unemployed",
        "blkk": world.objects[TrainingBatch]["a"].blkk_id,
        "registered_on": "2026-05-04",
    }
    return {**body, **overrides}


def test_a_manager_registers_a_person_and_sees_the_whole_nik(world, api):
    client = api(world.users["manager_a"])

    response = client.post("/api/v1/trainees/", new_person(world), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["nik"] == "3273014708990002"
    assert body["consent_on"] == "2026-05-04"  # consent defaults to registration
    assert Trainee.objects.get(pk=body["id"]).blkk_id == body["blkk"]


def test_registering_an_existing_nik_points_to_enrolling_and_reveals_nothing(
    world, api
):
    existing = world.objects[Trainee]["b"]  # registered at BLKK B
    client = api(world.users["manager_a"])
    body = new_person(
        world,
        nik=existing.nik,
        birth_date=existing.birth_date.isoformat(),
        gender=existing.gender,
    )

    response = client.post("/api/v1/trainees/", body, format="json")

    assert response.status_code == 400
    message = " ".join(response.json()["nik"])
    assert "sudah terdaftar" in message  # "already registered"
    assert "angkatan" in message  # "enroll them in a batch"
    other_blkk = existing.blkk
    assert other_blkk.name not in response.content.decode()
    assert other_blkk.code not in response.content.decode()
    assert existing.full_name not in response.content.decode()


def test_a_nik_that_disagrees_with_birth_date_and_gender_is_refused(world, api):
    client = api(world.users["manager_a"])
    body = new_person(world, birth_date="1999-08-08", gender="M")

    response = client.post("/api/v1/trainees/", body, format="json")

    assert response.status_code == 400
    assert {"birth_date", "gender"} <= set(response.json())


def test_a_manager_cannot_register_people_at_another_blkk(world, api):
    client = api(world.users["manager_a"])
    body = new_person(world, blkk=world.objects[TrainingBatch]["b"].blkk_id)

    response = client.post("/api/v1/trainees/", body, format="json")

    assert response.status_code == 400
    assert "blkk" in response.json()
    assert not Trainee.objects.filter(nik=body["nik"]).exists()


@pytest.mark.parametrize("persona", ["province_32", "mentor_a"])
def test_read_only_roles_cannot_register_people(world, api, persona):
    response = api(world.users[persona]).post(
        "/api/v1/trainees/", new_person(world), format="json"
    )
    assert response.status_code == 403


def test_nik_is_masked_for_provincial_staff_and_mentors(world, api):
    trainee = world.objects[Trainee]["a"]
    masked = f"{trainee.nik[:4]}********{trainee.nik[12:]}"

    province = api(world.users["province_32"]).get(f"/api/v1/trainees/{trainee.pk}/")
    mentor = api(world.users["mentor_a"]).get(f"/api/v1/trainees/{trainee.pk}/")
    ministry = api(world.users["ministry"]).get(f"/api/v1/trainees/{trainee.pk}/")

    assert province.json()["nik"] == masked
    assert province.json()["birth_date"] == trainee.birth_date.isoformat()
    assert mentor.json() == {
        "id": trainee.pk,
        "nik": masked,
        "full_name": trainee.full_name,
        "phone": trainee.phone,
    }
    assert ministry.json()["nik"] == trainee.nik


def test_nik_is_masked_in_lists_too(world, api):
    trainee = world.objects[Trainee]["a"]
    rows = api(world.users["mentor_a"]).get("/api/v1/trainees/").json()["results"]
    assert [row["nik"] for row in rows] == [
        f"{trainee.nik[:4]}********{trainee.nik[12:]}"
    ]


def test_enrolling_a_person_from_another_blkk_by_exact_nik(world, api):
    person_b = world.objects[Trainee]["b"]
    batch_a = world.objects[TrainingBatch]["a"]
    client = api(world.users["manager_a"])
    assert client.get(f"/api/v1/trainees/{person_b.pk}/").status_code == 404

    response = client.post(
        "/api/v1/enrollments/",
        {"trainee_nik": person_b.nik, "batch": batch_a.pk},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["trainee"] == person_b.pk
    assert "trainee_nik" not in response.json()
    # From now on BLKK A sees the person, with the whole NIK.
    shown = client.get(f"/api/v1/trainees/{person_b.pk}/").json()
    assert shown["nik"] == person_b.nik


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"trainee_nik": "3273014708990009"}, "trainee_nik"),  # nobody has it
        ({"trainee_nik": "32730147"}, "trainee_nik"),
        ({}, "trainee"),
    ],
)
def test_enrolling_needs_a_known_person(world, api, body, field):
    batch_a = world.objects[TrainingBatch]["a"]
    response = api(world.users["manager_a"]).post(
        "/api/v1/enrollments/", {**body, "batch": batch_a.pk}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()


def test_a_full_batch_refuses_one_more(world, api):
    batch_a = world.objects[TrainingBatch]["a"]
    batch_a.capacity = 1  # the world's trainee already holds the only place
    batch_a.save()
    person_b = world.objects[Trainee]["b"]

    response = api(world.users["manager_a"]).post(
        "/api/v1/enrollments/",
        {"trainee_nik": person_b.nik, "batch": batch_a.pk},
        format="json",
    )

    assert response.status_code == 400
    assert "batch" in response.json()
    assert not Enrollment.objects.filter(trainee=person_b, batch=batch_a).exists()


def test_completing_an_enrollment_needs_its_date(world, api):
    enrollment = world.objects[Enrollment]["a"]
    client = api(world.users["manager_a"])

    response = client.patch(
        f"/api/v1/enrollments/{enrollment.pk}/",
        {"status": "completed", "completed_on": None},
        format="json",
    )

    assert response.status_code == 400


def test_trainee_list_filters_and_search(world, api):
    client = api(world.users["ministry"])
    trainee_a = world.objects[Trainee]["a"]

    assert ids(client.get("/api/v1/trainees/", {"province": "32"})) == {trainee_a.pk}
    assert ids(client.get("/api/v1/trainees/", {"blkk": trainee_a.blkk_id})) == {
        trainee_a.pk
    }
    assert ids(client.get("/api/v1/trainees/", {"search": trainee_a.nik})) == {
        trainee_a.pk
    }
    assert len(ids(client.get("/api/v1/trainees/", {"search": "peserta"}))) == 2
    assert ids(client.get("/api/v1/trainees/", {"search": "Rahmat"})) == set()


def test_a_filter_naming_another_blkk_gives_an_empty_list(world, api):
    blkk_b = world.objects[TrainingBatch]["b"].blkk_id
    client = api(world.users["manager_a"])
    assert ids(client.get("/api/v1/trainees/", {"blkk": blkk_b})) == set()
    assert ids(client.get("/api/v1/training-batches/", {"blkk": blkk_b})) == set()


def test_trainee_lists_page_with_a_cursor_and_no_count(world, api):
    response = api(world.users["ministry"]).get("/api/v1/trainees/", {"page_size": 1})
    body = response.json()
    assert "count" not in body
    assert len(body["results"]) == 1
    assert "cursor=" in body["next"]
    second = api(world.users["ministry"]).get(body["next"]).json()
    assert second["results"][0]["id"] != body["results"][0]["id"]


def test_certification_valid_until_is_computed_and_read_only(world, api):
    trainee = world.objects[Trainee]["a"]
    client = api(world.users["manager_a"])
    response = client.post(
        "/api/v1/certifications/",
        {
            "trainee": trainee.pk,
            "scheme": "Menjahit Pakaian",
            "lsp_name": "LSP Garmen",
            "issued_on": "2024-02-29",
            "result": "competent",
            "number": "GRM-001",
            "valid_until": "2099-01-01",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["valid_until"] == "2027-02-28"


def test_an_outcome_needs_a_completed_training(world, api):
    trainee = world.objects[Trainee]["a"]  # completed on 2026-04-01
    client = api(world.users["manager_a"])
    before = client.post(
        "/api/v1/graduate-outcomes/",
        {"trainee": trainee.pk, "surveyed_on": "2026-03-15", "status": "employed"},
        format="json",
    )
    after = client.post(
        "/api/v1/graduate-outcomes/",
        {"trainee": trainee.pk, "surveyed_on": "2026-06-15", "status": "employed"},
        format="json",
    )
    assert before.status_code == 400
    assert "surveyed_on" in before.json()
    assert after.status_code == 201


def test_a_manager_changes_contact_details_but_not_the_grade(world, api):
    blkk = world.objects[TrainingBatch]["a"].blkk
    client = api(world.users["manager_a"])

    contact = client.patch(
        f"/api/v1/blkks/{blkk.pk}/", {"address": "Jl. Cibaduyut 12"}, format="json"
    )
    grade = client.patch(
        f"/api/v1/blkks/{blkk.pk}/", {"grade": "mandiri"}, format="json"
    )

    assert contact.status_code == 200
    assert grade.status_code == 400
    assert "grade" in grade.json()
    blkk.refresh_from_db()
    assert (blkk.address, blkk.grade) == ("Jl. Cibaduyut 12", "tumbuh")


def test_blkk_filters(world, api):
    client = api(world.users["ministry"])
    blkk_a = world.objects[TrainingBatch]["a"].blkk
    assert ids(client.get("/api/v1/blkks/", {"province": "32"})) == {blkk_a.pk}
    assert ids(client.get("/api/v1/blkks/", {"regency": "32.73"})) == {blkk_a.pk}
    assert len(ids(client.get("/api/v1/blkks/", {"vocational_field": "menjahit"})))
    assert ids(client.get("/api/v1/blkks/", {"search": blkk_a.code})) == {blkk_a.pk}
    assert ids(client.get("/api/v1/blkks/", {"is_incubator": "true"})) == set()
    assert ids(client.get("/api/v1/blkks/", {"grade": "mandiri"})) == set()


def test_a_search_of_digits_is_a_whole_nik(world, api):
    trainee = world.objects[Trainee]["a"]
    client = api(world.users["ministry"])
    assert ids(client.get("/api/v1/trainees/", {"search": trainee.nik})) == {trainee.pk}
    # A part of a NIK finds nobody: NIKs are looked up whole, by their index.
    assert ids(client.get("/api/v1/trainees/", {"search": trainee.nik[:6]})) == set()


def test_a_manager_of_one_blkk_need_not_name_it(world, api):
    body = new_person(world)
    del body["blkk"]

    mine = api(world.users["manager_a"]).post("/api/v1/trainees/", body, format="json")
    ministry = api(world.users["ministry"]).post(
        "/api/v1/trainees/", {**body, "nik": "3273014708990003"}, format="json"
    )

    assert mine.status_code == 201, mine.content
    assert mine.json()["blkk"] == world.objects[TrainingBatch]["a"].blkk_id
    # Ministry staff write for every BLKK: they must say which.
    assert ministry.status_code == 400
    assert "blkk" in ministry.json()
