"""Assistance in the admin: proposed and changed by ministry staff through the same
services as the API and the pages, the status history shown read-only, the
status, dates and handover number read-only (moves are made on the portal page,
linked from the change page); a manager of the BLKK it counts at changes only its
check; province staff read."""

from __future__ import annotations

import datetime

import pytest

from incubator.models import Assistance, AssistanceStatusChange, Venture
from tests.admin_forms import admin_url, form_errors, post_change
from training.models import Blkk

pytestmark = pytest.mark.django_db


# The status history inline's (empty) management form, as the add page posts it.
NO_HISTORY_ROWS = {"status_changes-TOTAL_FORMS": 0, "status_changes-INITIAL_FORMS": 0}


def snapshot(obj) -> dict:
    return type(obj).objects.filter(pk=obj.pk).values().get()


def test_ministry_staff_propose_in_the_admin_through_the_service(
    admin_client_for, world
):
    client = admin_client_for("ministry")
    form = client.get(admin_url(Assistance, "add")).context["adminform"].form
    assert set(form.fields) == {
        "blkk",
        "venture",
        "year",
        "kind",
        "description",
        "value",
        "proposed_on",
    }
    response = client.post(
        admin_url(Assistance, "add"),
        {
            "venture": world.objects[Venture]["b"].pk,
            "year": "2026",
            "kind": "operational",
            "description": "Biaya operasional inkubator",
            "value": "5000000",
            "proposed_on": "2026-05-04",
            **NO_HISTORY_ROWS,
        },
    )
    assert response.status_code == 302, form_errors(response)
    created = Assistance.objects.get(description="Biaya operasional inkubator")
    assert created.status == "proposed"
    change = created.status_changes.get()
    assert (change.to_status, change.on, change.by) == (
        "proposed",
        datetime.date(2026, 5, 4),
        world.users["ministry"],
    )


def test_the_admin_refuses_what_the_service_refuses(admin_client_for, world, english):
    client = admin_client_for("ministry")
    response = client.post(
        admin_url(Assistance, "add"),
        {
            "blkk": world.objects[Blkk]["a"].pk,
            "venture": world.objects[Venture]["a"].pk,
            "year": "2026",
            "kind": "operational",
            "description": "Dua penerima",
            "value": "5000000",
            "proposed_on": "2026-05-04",
            **NO_HISTORY_ROWS,
        },
    )
    assert response.status_code == 200
    assert form_errors(response) == {
        "__all__": ["Give the assistance to a BLKK or to a venture, not both."]
    }
    assert not Assistance.objects.filter(description="Dua penerima").exists()


def test_the_change_page_shows_the_status_read_only_with_history_and_a_way_on(
    admin_client_for, world
):
    assistance = world.objects[Assistance]["a"]
    client = admin_client_for("ministry")
    response = client.get(admin_url(Assistance, "change", assistance.pk))
    form = response.context["adminform"].form
    # Settled by the delivery: only the description and the check remain.
    assert set(form.fields) == {"description", "last_checked_on", "condition"}
    inline = response.context["inline_admin_formsets"][0].formset
    assert [c.to_status for c in inline.queryset] == [
        "proposed",
        "approved",
        "delivered",
    ]
    content = response.content.decode()
    assert (
        f"/blkk/{world.objects[Blkk]['a'].code}/assistance/{assistance.pk}/" in content
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [("status", "in_use"), ("handover_number", "BAST/LAIN"), ("value", "1")],
)
def test_status_fields_and_settled_ones_posted_anyway_are_refused(
    admin_client_for, world, field, value
):
    assistance = world.objects[Assistance]["a"]
    before = snapshot(assistance)
    response = post_change(admin_client_for("ministry"), assistance, **{field: value})
    assert response.status_code == 200
    assert form_errors(response)["__all__"]
    assert snapshot(assistance) == before


def test_a_manager_records_a_check_and_changes_nothing_else(admin_client_for, world):
    assistance = world.objects[Assistance]["a"]
    client = admin_client_for("manager_a")
    page = client.get(admin_url(Assistance, "change", assistance.pk))
    assert set(page.context["adminform"].form.fields) == {
        "last_checked_on",
        "condition",
    }
    before = snapshot(assistance)
    refused = post_change(client, assistance, value="1", description="Lain")
    assert refused.status_code == 200
    assert snapshot(assistance) == before

    response = post_change(
        client, assistance, last_checked_on="2026-05-01", condition="good"
    )
    assert response.status_code == 302, form_errors(response)
    row = Assistance.objects.get(pk=assistance.pk)
    assert (row.last_checked_on, row.condition) == (datetime.date(2026, 5, 1), "good")
    latest = row.history.order_by("-history_id").first()
    assert latest.history_user == world.users["manager_a"]


def test_a_manager_adds_and_deletes_no_assistance_in_the_admin(admin_client_for, world):
    client = admin_client_for("manager_a")
    assistance = world.objects[Assistance]["a"]
    assert client.get(admin_url(Assistance, "add")).status_code == 403
    assert (
        client.post(
            admin_url(Assistance, "delete", assistance.pk), {"post": "yes"}
        ).status_code
        == 403
    )
    assert Assistance.objects.filter(pk=assistance.pk).exists()


def test_province_staff_read_an_assistance_in_the_admin(admin_client_for, world):
    assistance = world.objects[Assistance]["a"]
    client = admin_client_for("province_32")
    path = admin_url(Assistance, "change", assistance.pk)
    response = client.get(path)
    assert response.status_code == 200
    assert not response.context["adminform"].form.fields
    before = snapshot(assistance)
    assert client.post(path, {"last_checked_on": "2026-05-01"}).status_code == 403
    assert snapshot(assistance) == before


def test_the_status_history_is_never_written_in_the_admin(admin_client_for, world):
    change = world.objects[AssistanceStatusChange]["a"]
    client = admin_client_for("ministry")
    assert (
        client.get(admin_url(AssistanceStatusChange, "changelist")).status_code == 200
    )
    assert client.get(admin_url(AssistanceStatusChange, "add")).status_code == 403
    page = client.get(admin_url(AssistanceStatusChange, "change", change.pk))
    assert page.status_code == 200
    assert not page.context["adminform"].form.fields
    assert (
        client.post(
            admin_url(AssistanceStatusChange, "delete", change.pk), {"post": "yes"}
        ).status_code
        == 403
    )
    assert AssistanceStatusChange.objects.filter(pk=change.pk).exists()
