"""Placements in the admin: scoped like the API, written through the same service
with the same messages, history kept."""

from __future__ import annotations

import pytest

from tests.admin_forms import EN, admin_url, form_errors, post_change
from tests.training.factories import (
    EnrollmentFactory,
    PartnershipFactory,
    TrainingBatchFactory,
)
from training.models import Blkk, Partnership, Placement, Trainee

pytestmark = pytest.mark.django_db


def new_placement(world, side: str = "a", **changes) -> dict:
    partnership = world.objects[Partnership][side]
    return {
        "trainee": world.objects[Trainee][side].pk,
        "partner": partnership.partner_id,
        "partnership": partnership.pk,
        "kind": "employment",
        "position": "Penjahit",
        "start_date": "2026-05-04",
        "monthly_pay": "3000000",
        "status": "active",
        **changes,
    }


def test_a_manager_adds_a_placement_kept_by_their_blkk(admin_client_for, world):
    client = admin_client_for("manager_a")
    response = client.post(admin_url(Placement, "add"), new_placement(world))
    assert response.status_code == 302, form_errors(response)
    placement = Placement.objects.get(position="Penjahit")
    assert placement.recorded_by_blkk == world.objects[Blkk]["a"]
    assert placement.history.get().history_user == world.users["manager_a"]
    history = client.get(admin_url(Placement, "history", placement.pk))
    assert history.status_code == 200


def test_the_admin_gives_the_services_message_on_start_date(
    admin_client_for, world, english
):
    client = admin_client_for("manager_a")
    response = client.post(
        admin_url(Placement, "add"), new_placement(world, start_date="2026-03-01")
    )
    assert response.status_code == 200
    assert "has no training completed" in form_errors(response)["start_date"][0]
    assert not Placement.objects.filter(position="Penjahit").exists()


def test_a_manager_is_offered_their_and_national_partnerships_only(
    admin_client_for, world
):
    national = PartnershipFactory(blkk=None)
    client = admin_client_for("manager_a")
    form = client.get(admin_url(Placement, "add")).context["adminform"].form
    offered = set(form.fields["partnership"].queryset)
    assert offered == {world.objects[Partnership]["a"], national}
    forged = client.post(
        admin_url(Placement, "add"),
        new_placement(
            world,
            partner=world.objects[Partnership]["b"].partner_id,
            partnership=world.objects[Partnership]["b"].pk,
        ),
    )
    assert "partnership" in form_errors(forged)


def test_the_person_and_the_keeping_blkk_are_read_only_for_a_manager(
    admin_client_for, world
):
    placement = world.objects[Placement]["a"]
    client = admin_client_for("manager_a")
    page = client.get(admin_url(Placement, "change", placement.pk))
    fields = set(page.context["adminform"].form.fields)
    assert "trainee" not in fields
    assert "recorded_by_blkk" not in fields
    response = post_change(
        client, placement, status="ended_early", end_date="2026-06-30"
    )
    assert response.status_code == 302, form_errors(response)
    placement.refresh_from_db()
    assert placement.status == "ended_early"
    assert placement.history.count() == 2


def test_another_blkk_reads_the_placement_but_cannot_change_it(admin_client_for, world):
    placement = world.objects[Placement]["a"]
    # Bob's BLKK enrolls the person too: he reads her records.
    EnrollmentFactory(
        trainee=placement.trainee,
        batch=TrainingBatchFactory(blkk=world.objects[Blkk]["b"], name="Angkatan B2"),
    )
    client = admin_client_for("manager_b")
    page = client.get(admin_url(Placement, "change", placement.pk), **EN)
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    response = client.post(
        admin_url(Placement, "change", placement.pk), {"position": "Kasir"}, **EN
    )
    assert response.status_code == 403
    placement.refresh_from_db()
    assert placement.position == "Operator jahit"


def test_a_placement_of_someone_not_reached_is_not_there(admin_client_for, world):
    client = admin_client_for("manager_a")
    listed = client.get(admin_url(Placement, "changelist")).context["cl"].result_list
    assert set(listed) == {world.objects[Placement]["a"]}
    theirs = world.objects[Placement]["b"]
    response = client.get(admin_url(Placement, "change", theirs.pk), follow=True)
    assert response.redirect_chain
    assert client.get(admin_url(Placement, "history", theirs.pk)).status_code == 404


def test_province_staff_cannot_find_a_placement_by_nik(admin_client_for, world):
    client = admin_client_for("province_32")
    nik = world.objects[Trainee]["a"].nik
    response = client.get(admin_url(Placement, "changelist"), {"q": nik})
    assert response.status_code == 400
    by_name = client.get(admin_url(Placement, "changelist"), {"q": "Peserta A"})
    assert set(by_name.context["cl"].result_list) == {world.objects[Placement]["a"]}
