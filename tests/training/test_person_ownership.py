"""A person is shared, not co-owned (DESIGN.md, "Roles and scoping").

Alice (`manager_a`) registered Peserta A; Bob (`manager_b`) enrolls her in his batch by
her NIK, which lets him read her and her records. From then on he may change only her
phone, never move or erase her, and never change a certification or outcome that
Alice's BLKK recorded; what he records himself is his BLKK's to keep. These are the
writes an outside test found open (issue #9, hole 2), through the API, the admin and
the services.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from blkk_portal.accounts.models import User
from tests.admin_forms import EN, admin_url, form_errors, post_change
from tests.api.resources import url
from tests.training.factories import BlkkFactory, regency
from training import services
from training.models import (
    Blkk,
    Certification,
    GraduateOutcome,
    Trainee,
    TrainingBatch,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(world, api):
    """Peserta A, registered at A, enrolled at B by Bob through the API."""
    person = world.objects[Trainee]["a"]
    response = api(world.users["manager_b"]).post(
        url("enrollments"),
        {"trainee_nik": person.nik, "batch": world.objects[TrainingBatch]["b"].pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    return person


def test_enrolling_manager_cannot_move_the_person_to_their_blkk(world, api, shared):
    bob = api(world.users["manager_b"])
    response = bob.patch(
        url("trainees", shared.pk), {"blkk": world.objects[Blkk]["b"].pk}, format="json"
    )
    assert response.status_code == 400
    assert "blkk" in response.json()
    shared.refresh_from_db()
    assert shared.blkk == world.objects[Blkk]["a"]
    alice = api(world.users["manager_a"])
    assert alice.get(url("trainees", shared.pk)).status_code == 200


def test_registering_manager_cannot_move_the_person_either(world, api):
    person = world.objects[Trainee]["a"]
    second = BlkkFactory(regency=regency("32.73"))
    second.managers.add(world.users["manager_a"])
    response = api(User.objects.get(username=world.users["manager_a"].username)).patch(
        url("trainees", person.pk), {"blkk": second.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["blkk"]
    person.refresh_from_db()
    assert person.blkk == world.objects[Blkk]["a"]


def test_ministry_moves_a_person_to_another_blkk(world, api, shared):
    response = api(world.users["ministry"]).patch(
        url("trainees", shared.pk), {"blkk": world.objects[Blkk]["b"].pk}, format="json"
    )
    assert response.status_code == 200, response.content
    shared.refresh_from_db()
    assert shared.blkk == world.objects[Blkk]["b"]


def test_enrolling_manager_changes_only_the_phone(world, api, shared):
    bob = api(world.users["manager_b"])
    refused = bob.patch(
        url("trainees", shared.pk),
        {"full_name": "Nama Lain"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 400
    assert "only their phone number" in refused.json()["full_name"][0]
    allowed = bob.patch(
        url("trainees", shared.pk), {"phone": "081234567890"}, format="json"
    )
    assert allowed.status_code == 200, allowed.content
    shared.refresh_from_db()
    assert (shared.full_name, shared.phone) == ("Peserta A", "081234567890")


def test_registering_manager_changes_the_whole_record(world, api, shared):
    alice = api(world.users["manager_a"])
    response = alice.patch(
        url("trainees", shared.pk), {"full_name": "Peserta A Baru"}, format="json"
    )
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("persona", ["manager_a", "manager_b"])
def test_no_manager_erases_a_person(world, api, shared, persona):
    response = api(world.users[persona]).delete(url("trainees", shared.pk))
    assert response.status_code == 403
    assert Trainee.objects.filter(pk=shared.pk).exists()
    assert Certification.objects.filter(trainee=shared).exists()


def test_ministry_erases_a_person_with_their_records(world, api, shared):
    response = api(world.users["ministry"]).delete(url("trainees", shared.pk))
    assert response.status_code == 204
    assert not Trainee.objects.filter(pk=shared.pk).exists()
    assert not Certification.objects.filter(trainee_id=shared.pk).exists()


def test_erase_service_refuses_a_manager(world, shared):
    with pytest.raises(PermissionDenied):
        services.trainee_erase(trainee=shared, by=world.users["manager_a"])
    assert Trainee.objects.filter(pk=shared.pk).exists()


@pytest.mark.parametrize(
    ("resource", "model", "change"),
    [
        ("certifications", Certification, {"result": "not_yet"}),
        ("graduate-outcomes", GraduateOutcome, {"status": "unemployed"}),
    ],
)
def test_enrolling_manager_reads_but_cannot_change_the_other_blkks_records(
    world, api, shared, resource, model, change
):
    record = world.objects[model]["a"]
    bob = api(world.users["manager_b"])
    assert bob.get(url(resource, record.pk)).status_code == 200
    assert bob.patch(url(resource, record.pk), change, format="json").status_code == 403
    assert bob.delete(url(resource, record.pk)).status_code == 403
    assert model.objects.filter(pk=record.pk, **change).exists() is False
    alice = api(world.users["manager_a"])
    assert alice.patch(url(resource, record.pk), change, format="json").status_code == (
        200
    )


def _certification(trainee, **fields) -> dict:
    return {
        "trainee": trainee.pk,
        "scheme": "Menjahit Busana",
        "lsp_name": "LSP Garmen",
        "issued_on": "2026-04-10",
        "result": "competent",
        **fields,
    }


def test_a_record_made_by_the_enrolling_blkk_is_kept_by_it(world, api, shared):
    bob = api(world.users["manager_b"])
    response = bob.post(url("certifications"), _certification(shared), format="json")
    assert response.status_code == 201, response.content
    record = response.json()
    assert record["recorded_by_blkk"] == world.objects[Blkk]["b"].pk
    alice = api(world.users["manager_a"])
    assert alice.get(url("certifications", record["id"])).status_code == 200
    change = {"result": "not_yet"}
    assert (
        alice.patch(url("certifications", record["id"]), change, format="json")
    ).status_code == 403
    assert (
        bob.patch(url("certifications", record["id"]), change, format="json")
    ).status_code == 200


def test_a_manager_cannot_file_a_record_under_a_blkk_that_does_not_reach_the_person(
    world, api, shared
):
    """Bob names Alice's BLKK (not his) for a record about the shared person."""
    bob = api(world.users["manager_b"])
    response = bob.post(
        url("certifications"),
        _certification(shared, recorded_by_blkk=world.objects[Blkk]["a"].pk),
        format="json",
    )
    assert response.status_code == 400
    assert "recorded_by_blkk" in response.json()


def test_a_manager_cannot_hand_a_record_to_another_blkk(world, api, shared):
    record = world.objects[Certification]["a"]
    response = api(world.users["manager_a"]).patch(
        url("certifications", record.pk),
        {"recorded_by_blkk": world.objects[Blkk]["b"].pk},
        format="json",
    )
    # Bob's BLKK is not among Alice's choices: the same 400 as an unknown id.
    assert response.status_code == 400
    record.refresh_from_db()
    assert record.recorded_by_blkk == world.objects[Blkk]["a"]


def test_the_ministrys_own_record_is_changed_by_the_ministry_only(world, api, shared):
    ministry = api(world.users["ministry"])
    response = ministry.post(
        url("graduate-outcomes"),
        {"trainee": shared.pk, "surveyed_on": "2026-05-01", "status": "employed"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["recorded_by_blkk"] is None
    alice = api(world.users["manager_a"])
    outcome = response.json()["id"]
    assert alice.get(url("graduate-outcomes", outcome)).status_code == 200
    patch = {"status": "unemployed"}
    assert (
        alice.patch(url("graduate-outcomes", outcome), patch, format="json")
    ).status_code == 403


def test_a_manager_of_two_blkks_names_the_one_that_keeps_the_record(world, shared):
    """Bob also manages a second BLKK that enrolled nobody: he may file under the
    BLKK that enrolled the person, not under the other one."""
    bob = world.users["manager_b"]
    idle = BlkkFactory(regency=regency("35.78"))
    idle.managers.add(bob)
    fields = {
        "trainee": shared,
        "scheme": "Menjahit",
        "lsp_name": "LSP Garmen",
        "issued_on": datetime.date(2026, 4, 10),
        "result": "competent",
    }
    with pytest.raises(ValidationError) as refused:
        services.certification_create(**fields, recorded_by_blkk=idle, by=bob)
    assert "recorded_by_blkk" in refused.value.message_dict
    kept = services.certification_create(**fields, by=bob)
    assert kept.recorded_by_blkk == world.objects[Blkk]["b"]


def test_commands_file_records_under_the_registering_blkk(world):
    person = world.objects[Trainee]["a"]
    outcome = services.outcome_create(
        trainee=person,
        surveyed_on=datetime.date(2026, 5, 1),
        status="employed",
        by=None,
    )
    assert outcome.recorded_by_blkk == world.objects[Blkk]["a"]


# --- the admin: the same rules through the other door --------------------------------


def test_admin_shows_an_enrolled_persons_record_read_only_but_the_phone(
    client, world, shared
):
    client.force_login(world.users["manager_b"])
    page = client.get(admin_url(Trainee, "change", shared.pk), **EN)
    assert page.status_code == 200
    assert set(page.context["adminform"].form.fields) == {"phone"}

    response = post_change(client, shared, phone="081298765432")
    assert response.status_code == 302, form_errors(response)
    shared.refresh_from_db()
    assert shared.phone == "081298765432"


def test_admin_refuses_a_forged_post_moving_the_person(client, world, shared, english):
    client.force_login(world.users["manager_b"])
    response = post_change(client, shared, blkk=world.objects[Blkk]["b"].pk)
    assert response.status_code == 200
    assert "Only ministry staff can move a person" in str(form_errors(response))
    shared.refresh_from_db()
    assert shared.blkk == world.objects[Blkk]["a"]


def test_admin_offers_no_erasure_to_managers(client, world, shared):
    client.force_login(world.users["manager_a"])
    response = client.post(
        admin_url(Trainee, "delete", shared.pk), {"post": "yes"}, **EN
    )
    assert response.status_code == 403
    assert Trainee.objects.filter(pk=shared.pk).exists()


def test_admin_refuses_another_blkks_certification(client, world, shared):
    client.force_login(world.users["manager_b"])
    record = world.objects[Certification]["a"]
    page = client.get(admin_url(Certification, "change", record.pk), **EN)
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    response = client.post(
        admin_url(Certification, "change", record.pk),
        {"result": "not_yet"},
        **EN,
    )
    assert response.status_code == 403
    record.refresh_from_db()
    assert record.result == "competent"


def test_the_data_migration_gives_existing_records_to_the_registering_blkk(world):
    """Rows stored before `recorded_by_blkk` existed are left empty by the schema
    step; the data migration hands them to the BLKK that registered the person."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "training.migrations.0007_fill_recorded_by_blkk"
    )
    Certification.objects.update(recorded_by_blkk=None)
    GraduateOutcome.objects.update(recorded_by_blkk=None)

    migration.fill(apps, None)

    for model in (Certification, GraduateOutcome):
        for side in ("a", "b"):
            record = model.objects.get(pk=world.objects[model][side].pk)
            assert record.recorded_by_blkk == world.objects[Blkk][side]
