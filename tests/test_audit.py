"""The audit trail of personal data (issue #9): every whole-NIK view by anyone but
the registering BLKK's managers and every erasure of a person is logged (who, what,
how many rows, when; never the NIK itself) and read by ministry staff in the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from blkk_portal.audit.models import AuditAction, PersonalDataEvent
from blkk_portal.audit.services import masked_query
from tests.admin_forms import EN, admin_url
from tests.api.resources import url
from training.models import Trainee, TrainingBatch

pytestmark = pytest.mark.django_db


def _events(**filters) -> list[PersonalDataEvent]:
    return list(PersonalDataEvent.objects.filter(**filters).order_by("pk"))


def _no_nik_in(event: PersonalDataEvent, world) -> None:
    stored = " ".join(str(value) for value in vars(event).values())
    for person in Trainee.objects.all():
        assert person.nik not in stored


def test_ministry_listing_trainees_is_logged_with_the_rows_shown(world, api):
    ministry = world.users["ministry"]
    response = api(ministry).get(url("trainees"))
    assert response.status_code == 200

    (event,) = _events(action=AuditAction.FULL_NIK_VIEW)
    assert (event.user, event.username) == (ministry, ministry.username)
    assert event.subject == "training.trainee"
    assert event.rows == len(response.json()["results"]) == 2
    assert event.query == "/api/v1/trainees/"
    assert event.record_id is None


def test_a_nik_searched_for_is_not_kept_in_the_trail(world, api):
    person = world.objects[Trainee]["b"]
    api(world.users["ministry"]).get(url("trainees"), {"search": person.nik})
    (event,) = _events(action=AuditAction.FULL_NIK_VIEW)
    assert event.rows == 1
    assert "*" * 16 in event.query
    _no_nik_in(event, world)


def test_one_persons_page_is_logged_with_its_id(world, api):
    person = world.objects[Trainee]["a"]
    api(world.users["ministry"]).get(url("trainees", person.pk))
    (event,) = _events(action=AuditAction.FULL_NIK_VIEW)
    assert (event.record_id, event.rows) == (person.pk, 1)


def test_the_registering_blkks_manager_is_not_logged(world, api):
    assert api(world.users["manager_a"]).get(url("trainees")).status_code == 200
    assert _events() == []


def test_masked_views_are_not_logged(world, api):
    for persona in ("province_32", "mentor_a"):
        assert api(world.users[persona]).get(url("trainees")).status_code == 200
    assert _events() == []


def test_an_enrolling_blkks_manager_is_logged_for_the_persons_it_did_not_register(
    world, api
):
    person = world.objects[Trainee]["a"]
    bob = api(world.users["manager_b"])
    bob.post(
        url("enrollments"),
        {"trainee_nik": person.nik, "batch": world.objects[TrainingBatch]["b"].pk},
        format="json",
    )
    bob.get(url("trainees"))
    (event,) = _events(action=AuditAction.FULL_NIK_VIEW)
    # Bob sees his own person and Alice's; only Alice's is logged.
    assert (event.username, event.rows) == (world.users["manager_b"].username, 1)


def test_ministry_in_the_admin_is_logged_for_the_list_and_the_page(client, world):
    client.force_login(world.users["ministry"])
    person = world.objects[Trainee]["a"]
    assert client.get(admin_url(Trainee, "changelist"), **EN).status_code == 200
    assert client.get(admin_url(Trainee, "change", person.pk), **EN).status_code == 200
    listed, page = _events(action=AuditAction.FULL_NIK_VIEW)
    assert (listed.rows, listed.record_id) == (2, None)
    assert (page.rows, page.record_id) == (1, person.pk)


def test_erasing_a_person_is_logged_without_their_nik(world, api):
    person = world.objects[Trainee]["a"]
    response = api(world.users["ministry"]).delete(url("trainees", person.pk))
    assert response.status_code == 204
    (event,) = _events(action=AuditAction.ERASURE)
    # The person, their enrollment, certification and outcome.
    assert (event.record_id, event.rows) == (person.pk, 4)
    assert event.username == world.users["ministry"].username
    _no_nik_in(event, world)


def test_a_refused_erasure_is_not_logged(world, api):
    person = world.objects[Trainee]["a"]
    assert api(world.users["manager_a"]).delete(url("trainees", person.pk)).status_code
    assert _events(action=AuditAction.ERASURE) == []


def test_ministry_reads_the_trail_in_the_admin(client, world, api):
    api(world.users["ministry"]).get(url("trainees"))
    client.force_login(world.users["ministry"])
    response = client.get(admin_url(PersonalDataEvent, "changelist"), **EN)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 1
    event = PersonalDataEvent.objects.get()
    page = client.get(admin_url(PersonalDataEvent, "change", event.pk), **EN)
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert client.get(admin_url(PersonalDataEvent, "add"), **EN).status_code == 403
    deleted = client.post(
        admin_url(PersonalDataEvent, "delete", event.pk), {"post": "yes"}, **EN
    )
    assert deleted.status_code == 403
    assert PersonalDataEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize("persona", ["province_32", "manager_a"])
def test_nobody_else_reads_the_trail(client, world, persona):
    client.force_login(world.users[persona])
    response = client.get(admin_url(PersonalDataEvent, "changelist"), **EN)
    assert response.status_code == 403
    index = client.get(reverse("admin:index"), **EN)
    assert "personaldataevent" not in index.content.decode()


def test_long_runs_of_digits_are_masked_in_filters():
    assert masked_query("/x/?search=3273014708990001&page=2") == (
        "/x/?search=****************&page=2"
    )
