"""The doors issue #13's assistance opened, tried as an attacker would: another BLKK's
assistance through the API, the pages and the admin; a manager approving,
cancelling or proposing; a manager changing the value, the handover number or the
dates; an assistance moved to another BLKK's venture; province staff writing; a
mentor (even one assigned to the venture receiving it) reading; a forged status
history; what the answers and filters reveal; CSRF on the new forms. Each refusal
has its control: the same door, used by the role it is for, works.

The world (`tests/world.py`): A's assistance goes to A's venture, B's to BLKK B;
both are delivered."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from incubator.models import Assistance, AssistanceStatusChange, Venture
from tests.admin_forms import EN, admin_url, form_data, form_errors
from tests.api.resources import url
from training.models import Blkk

pytestmark = pytest.mark.django_db


def a_(world, model):
    return world.objects[model]["a"]


def b_(world, model):
    return world.objects[model]["b"]


def snapshot(obj) -> dict:
    """The row as the database holds it now, with its status history."""
    row = type(obj).objects.filter(pk=obj.pk).values().get()
    if isinstance(obj, Assistance):
        row["history"] = list(
            AssistanceStatusChange.objects.filter(assistance_id=obj.pk)
            .order_by("pk")
            .values_list("from_status", "to_status", "on", "by", "note")
        )
    return row


POST_ONLY = {"assistance-move", "assistance-check"}
GET_ONLY = {"assistance-detail"}
MINISTRY_PAGES = {"assistance-update"}


def status_url(pk) -> str:
    return f"{url('assistance', pk)}status/"


def pages_of(assistance, code: str) -> dict[str, str]:
    """The portal paths of `assistance` under the BLKK `code`."""
    return {
        name: reverse(name, args=[code, assistance.pk])
        for name in (
            "assistance-detail",
            "assistance-update",
            "assistance-move",
            "assistance-check",
        )
    }


# --- 1. another BLKK's assistance is not found, through every door -------------------


@pytest.mark.parametrize(("persona", "side"), [("manager_b", "a"), ("manager_a", "b")])
def test_another_blkks_assistance_is_404_to_every_api_door(world, api, persona, side):
    client = api(world.users[persona])
    target = world.objects[Assistance][side]
    before = snapshot(target)
    path = url("assistance", target.pk)
    assert client.get(path, **EN).status_code == 404
    for method, body in (
        ("patch", {"last_checked_on": "2026-05-01", "condition": "good"}),
        ("put", {"description": "X"}),
        ("delete", {}),
    ):
        response = getattr(client, method)(path, body, format="json", **EN)
        assert response.status_code == 404, (method, response.content)
    response = client.post(status_url(target.pk), {"to_status": "in_use"}, **EN)
    assert response.status_code == 404
    assert target.pk not in {
        r["id"] for r in client.get(url("assistance")).json()["results"]
    }
    assert snapshot(target) == before
    # Control: the BLKK's own manager records the same check and the same move.
    own = api(world.users["manager_a" if side == "a" else "manager_b"])
    assert (
        own.patch(
            path, {"last_checked_on": "2026-05-01", "condition": "good"}, format="json"
        ).status_code
        == 200
    )
    assert own.post(status_url(target.pk), {"to_status": "in_use"}).status_code == 201


def test_a_missing_id_and_another_blkks_answer_alike(world, api):
    client = api(world.users["manager_a"])
    missing = Assistance.objects.latest("pk").pk + 1000
    for path_of in (lambda pk: url("assistance", pk), status_url):
        elsewhere = client.post(path_of(b_(world, Assistance).pk), {}, **EN)
        nowhere = client.post(path_of(missing), {}, **EN)
        assert elsewhere.status_code == nowhere.status_code
        assert elsewhere.content == nowhere.content
        elsewhere = client.get(path_of(b_(world, Assistance).pk), **EN)
        nowhere = client.get(path_of(missing), **EN)
        assert (elsewhere.status_code, elsewhere.content) == (
            nowhere.status_code,
            nowhere.content,
        )


def test_another_blkks_assistance_is_404_on_every_page(world, client):
    client.force_login(world.users["manager_b"])
    target = a_(world, Assistance)
    before = snapshot(target)
    code_a, code_b = a_(world, Blkk).code, b_(world, Blkk).code
    body = {
        "to_status": "in_use",
        "on": "2026-05-01",
        "last_checked_on": "2026-05-01",
        "condition": "good",
    }
    for code in (code_a, code_b):  # under A's path, and under B's own
        for name, path in pages_of(target, code).items():
            # A page answers a method it never takes with 405, and the edit page
            # a manager with 403 (the edit is ministry staff's), whatever the id.
            not_found = 403 if name in MINISTRY_PAGES and code == code_b else 404
            got, posted = client.get(path), client.post(path, body)
            assert got.status_code == (405 if name in POST_ONLY else not_found), name
            assert posted.status_code == (405 if name in GET_ONLY else not_found), name
    missing = Assistance.objects.latest("pk").pk + 1000
    nowhere = reverse("assistance-update", args=[code_b, missing])
    assert client.get(nowhere).status_code == 403
    assert client.get(reverse("assistance-list", args=[code_a])).status_code == 404
    assert snapshot(target) == before
    # Control: under B's own path, B's assistance opens and takes the same check.
    own = b_(world, Assistance)
    own_pages = pages_of(own, code_b)
    assert client.get(own_pages["assistance-detail"]).status_code == 200
    response = client.post(own_pages["assistance-check"], body)
    assert response.status_code == 303
    assert Assistance.objects.get(pk=own.pk).condition == "good"


def test_another_blkks_assistance_is_not_found_in_the_admin(world, client):
    """As for #12's records: the change and delete pages answer another BLKK's
    assistance as they answer an id that is no assistance (a redirect to the admin
    index; the delete page 403 for both, a manager deleting no assistance at all),
    the history 404."""
    client.force_login(world.users["manager_b"])
    target = a_(world, Assistance)
    before = snapshot(target)
    missing = Assistance.objects.latest("pk").pk + 1000
    for view in ("change", "delete"):
        path, nowhere = (admin_url(Assistance, view, pk) for pk in (target.pk, missing))
        for method, data in (("get", {}), ("post", {"post": "yes", "condition": "x"})):
            response = getattr(client, method)(path, data)
            expected = getattr(client, method)(nowhere, data)
            assert response.status_code == expected.status_code, (view, method)
            if response.status_code == 302:
                assert response["Location"] == expected["Location"]
                assert response["Location"] == reverse("admin:index")
            else:
                assert (view, response.status_code) == ("delete", 403)
    assert client.get(admin_url(Assistance, "history", target.pk)).status_code == 404
    change = a_(world, AssistanceStatusChange)
    assert (
        client.get(admin_url(AssistanceStatusChange, "change", change.pk)).status_code
        == 302
    )
    listed = client.get(admin_url(Assistance, "changelist"))
    assert target.description not in listed.content.decode()
    assert snapshot(target) == before
    # Control: B's own assistance opens for B's manager.
    own = client.get(admin_url(Assistance, "change", b_(world, Assistance).pk))
    assert own.status_code == 200


# --- 2. the ministry's moves and proposals ------------------------------------------


def _proposed(world, api) -> int:
    response = api(world.users["ministry"]).post(
        url("assistance"),
        {
            "blkk": a_(world, Blkk).pk,
            "year": 2026,
            "kind": "equipment",
            "description": "Mesin obras 2 unit",
            "value": 9_000_000,
            "proposed_on": "2026-05-04",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


@pytest.mark.parametrize("to_status", ["approved", "cancelled"])
def test_a_manager_approving_or_cancelling_is_403_through_api_and_page(
    world, api, client, to_status
):
    pk = _proposed(world, api)
    proposal = Assistance.objects.get(pk=pk)
    before = snapshot(proposal)
    response = api(world.users["manager_a"]).post(
        status_url(pk), {"to_status": to_status}, format="json", **EN
    )
    assert response.status_code == 403, response.content
    client.force_login(world.users["manager_a"])
    page = pages_of(proposal, a_(world, Blkk).code)["assistance-move"]
    assert client.post(
        page, {"to_status": to_status, "on": "2026-05-05"}
    ).status_code == (403)
    assert snapshot(proposal) == before
    # Control: ministry staff make the move through the same page.
    client.force_login(world.users["ministry"])
    assert client.post(
        page, {"to_status": to_status, "on": "2026-05-05"}
    ).status_code == (303)
    assert Assistance.objects.get(pk=pk).status == to_status


def test_a_manager_proposes_through_no_door(world, api, client):
    count = Assistance.objects.count()
    body = {
        "blkk": a_(world, Blkk).pk,
        "year": 2026,
        "kind": "equipment",
        "description": "X",
        "value": 1,
    }
    assert (
        api(world.users["manager_a"])
        .post(url("assistance"), body, format="json")
        .status_code
        == 403
    )
    client.force_login(world.users["manager_a"])
    new = reverse("assistance-create", args=[a_(world, Blkk).code])
    assert client.get(new).status_code == 403
    assert client.post(new, {**body, "blkk": ""}).status_code == 403
    assert client.get(admin_url(Assistance, "add")).status_code == 403
    assert client.post(admin_url(Assistance, "add"), body).status_code == 403
    assert Assistance.objects.count() == count
    # Control: ministry staff propose through the page.
    client.force_login(world.users["ministry"])
    response = client.post(
        new, {**body, "venture": "", "proposed_on": "2026-05-04", "value": "1"}
    )
    assert response.status_code == 303
    assert Assistance.objects.count() == count + 1


# --- 3. a manager's PATCH: the check, and nothing else ------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"value": 1},
        {"handover_number": "BAST/PALSU"},
        {"delivered_on": "2026-04-30"},
        {"approved_on": "2026-04-09"},
        {"proposed_on": "2026-04-02"},
        {"status": "in_use"},
        {"value": 1, "last_checked_on": "2026-05-01", "condition": "good"},
    ],
)
def test_a_manager_changes_no_value_handover_number_or_date(world, api, changes):
    target = a_(world, Assistance)
    before = snapshot(target)
    client = api(world.users["manager_a"])
    response = client.patch(url("assistance", target.pk), changes, format="json", **EN)
    assert response.status_code == 400, response.content
    refused = set(changes) - {"last_checked_on", "condition"}
    assert set(response.json()) == refused
    read = client.get(url("assistance", target.pk)).json()
    response = client.put(
        url("assistance", target.pk), {**read, **changes}, format="json"
    )
    assert response.status_code == 400
    assert snapshot(target) == before
    # Control: the check alone is taken.
    response = client.patch(
        url("assistance", target.pk),
        {"last_checked_on": "2026-05-01", "condition": "damaged"},
        format="json",
    )
    assert response.status_code == 200


def test_a_manager_changes_no_value_or_bast_in_the_admin(world, client):
    target = a_(world, Assistance)
    before = snapshot(target)
    client.force_login(world.users["manager_a"])
    path = admin_url(Assistance, "change", target.pk)
    page = client.get(path)
    for changes in (
        {"value": "1"},
        {"handover_number": "BAST/PALSU"},
        {"delivered_on": "2026-04-30"},
        {"status": "in_use"},
    ):
        response = client.post(path, form_data(page, **changes))
        assert response.status_code == 200, changes
        assert form_errors(response), changes
    assert snapshot(target) == before
    # Control: the check is taken.
    response = client.post(
        path, form_data(page, last_checked_on="2026-05-01", condition="good")
    )
    assert response.status_code == 302, form_errors(response)


def test_no_one_forges_the_status_history(world, api):
    target = a_(world, Assistance)
    before = snapshot(target)
    forged = [{"from": "", "to": "in_use", "on": "2026-01-01", "by": 1, "note": "x"}]
    client = api(world.users["ministry"])
    response = client.patch(
        url("assistance", target.pk), {"status_history": forged}, format="json"
    )
    assert response.status_code == 200  # read-only, as a venture's stage history
    assert snapshot(target) == before
    # No resource writes history rows of its own.
    assert (
        client.post("/api/v1/assistance-status-changes/", forged[0]).status_code == 404
    )
    # Control: a move adds exactly one entry, naming its maker.
    client.post(status_url(target.pk), {"to_status": "in_use"}, format="json")
    after = snapshot(target)["history"]
    assert after[:-1] == before["history"]
    assert after[-1][0:2] == ("delivered", "in_use")
    assert after[-1][3] == world.users["ministry"].pk


# --- 4. moving an assistance out of its BLKK ----------------------------------------


def test_a_manager_moves_no_assistance_to_another_blkks_venture(world, api):
    target = a_(world, Assistance)  # to A's venture
    before = snapshot(target)
    client = api(world.users["manager_a"])
    missing = Venture.objects.latest("pk").pk + 1000

    def attempt(venture_id):
        return client.patch(
            url("assistance", target.pk), {"venture": venture_id}, format="json", **EN
        )

    elsewhere, nowhere = attempt(b_(world, Venture).pk), attempt(missing)
    assert elsewhere.status_code == nowhere.status_code == 400
    # B's venture reads as no venture at all.
    text = elsewhere.content.decode().replace(str(b_(world, Venture).pk), "ID")
    assert text == nowhere.content.decode().replace(str(missing), "ID")
    for changes in (
        {"blkk": b_(world, Blkk).pk, "venture": None},
        {"blkk": a_(world, Blkk).pk, "venture": None},
    ):
        response = client.patch(url("assistance", target.pk), changes, format="json")
        assert response.status_code == 400, changes
    assert snapshot(target) == before


def test_a_delivered_assistance_stays_and_a_page_takes_no_other_blkks_venture(
    world, api, client
):
    target = a_(world, Assistance)
    before = snapshot(target)
    response = api(world.users["ministry"]).patch(
        url("assistance", target.pk), {"venture": b_(world, Venture).pk}, format="json"
    )
    assert response.status_code == 400  # settled by its delivery
    assert snapshot(target) == before
    # A proposal on A's page: only A's ventures are offered or taken.
    client.force_login(world.users["ministry"])
    new = reverse("assistance-create", args=[a_(world, Blkk).code])
    assert client.get(new, {"venture": b_(world, Venture).pk}).status_code == 404
    count = Assistance.objects.count()
    body = {
        "year": "2026",
        "kind": "equipment",
        "description": "X",
        "value": "1",
        "proposed_on": "2026-05-04",
    }
    response = client.post(new, {**body, "venture": b_(world, Venture).pk})
    assert response.status_code == 200
    assert "venture" in response.context["form"].errors
    assert Assistance.objects.count() == count
    # Control: A's own venture is taken, and a proposal may be moved by the API.
    assert (
        client.post(new, {**body, "venture": a_(world, Venture).pk}).status_code == 303
    )
    created = Assistance.objects.latest("pk")
    response = api(world.users["ministry"]).patch(
        url("assistance", created.pk), {"venture": b_(world, Venture).pk}, format="json"
    )
    assert response.status_code == 200
    assert Assistance.objects.get(pk=created.pk).venture_id == b_(world, Venture).pk


# --- 5. province staff read, and write nothing ---------------------------------------


def test_province_staff_write_through_no_door(world, api, client):
    target = a_(world, Assistance)
    before = snapshot(target)
    rest = api(world.users["province_32"])
    assert rest.get(url("assistance", target.pk)).status_code == 200  # control
    assert rest.post(url("assistance"), {"blkk": a_(world, Blkk).pk}).status_code == 403
    for method in ("patch", "put", "delete"):
        response = getattr(rest, method)(
            url("assistance", target.pk), {"condition": "good"}, format="json"
        )
        assert response.status_code == 403, method
    assert rest.post(status_url(target.pk), {"to_status": "in_use"}).status_code == 403
    client.force_login(world.users["province_32"])
    code = a_(world, Blkk).code
    paths = pages_of(target, code)
    shown = client.get(paths["assistance-detail"])
    assert shown.status_code == 200  # control
    assert (shown.context["moves"], shown.context["check_form"]) == ([], None)
    for name in ("assistance-move", "assistance-check", "assistance-update"):
        response = client.post(
            paths[name],
            {
                "to_status": "in_use",
                "last_checked_on": "2026-05-01",
                "condition": "good",
            },
        )
        assert response.status_code == 403, name
    assert client.post(reverse("assistance-create", args=[code]), {}).status_code == 403
    response = client.post(
        admin_url(Assistance, "change", target.pk), {"condition": "good"}
    )
    assert response.status_code == 403
    assert snapshot(target) == before


# --- 6. mentors -----------------------------------------------------------------------


def test_a_mentor_of_the_receiving_venture_sees_no_assistance(world, api, client):
    """Maya mentors A's venture, which receives A's assistance: she still sees none
    of it (assistance is read by staff), through the API, the pages or the admin."""
    mentor = world.users["mentor_a"]
    rest = api(mentor)
    assert rest.get(url("assistance")).json()["results"] == []
    for side in ("a", "b"):
        target = world.objects[Assistance][side]
        assert rest.get(url("assistance", target.pk)).status_code == 404
        response = rest.post(status_url(target.pk), {"to_status": "in_use"})
        assert response.status_code == 404
    client.force_login(mentor)
    code = a_(world, Blkk).code
    assert client.get(reverse("assistance-list", args=[code])).status_code == 404
    for path in pages_of(a_(world, Assistance), code).values():
        assert client.get(path).status_code in (404, 405)
    assert client.get(admin_url(Assistance, "changelist")).status_code == 302  # login
    # Control: the mentor reads the venture itself through the API.
    assert rest.get(url("ventures", a_(world, Venture).pk)).status_code == 200


# --- 7. what the filters reveal ------------------------------------------------------


def test_the_filters_naming_another_blkks_objects_list_none_of_its_assistance(
    world, api
):
    client = api(world.users["manager_a"])
    for query in (
        {"blkk": b_(world, Blkk).pk},
        {"venture": b_(world, Venture).pk},
        {"search": b_(world, Assistance).handover_number},
    ):
        response = client.get(url("assistance"), query)
        assert response.status_code == 200
        assert response.json()["results"] == [], query
    # Control: the same filters find A's.
    found = client.get(url("assistance"), {"blkk": a_(world, Blkk).pk}).json()
    assert [r["id"] for r in found["results"]] == [a_(world, Assistance).pk]


# --- 8. CSRF on the new forms --------------------------------------------------------


def test_every_new_portal_post_needs_the_csrf_token(world):
    code = a_(world, Blkk).code
    target = a_(world, Assistance)
    paths = pages_of(target, code)
    body = {
        "to_status": "in_use",
        "on": "2026-05-01",
        "last_checked_on": "2026-05-01",
        "condition": "good",
    }
    before = snapshot(target)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.users["manager_a"])
    for name in ("assistance-move", "assistance-check"):
        assert strict.post(paths[name], body).status_code == 403, name
    ministry = Client(enforce_csrf_checks=True)
    ministry.force_login(world.users["ministry"])
    count = Assistance.objects.count()
    proposal = {
        "year": "2026",
        "kind": "equipment",
        "description": "X",
        "value": "1",
        "proposed_on": "2026-05-04",
    }
    new = reverse("assistance-create", args=[code])
    assert ministry.post(new, proposal).status_code == 403
    assert ministry.post(paths["assistance-update"], proposal).status_code == 403
    assert snapshot(target) == before
    assert Assistance.objects.count() == count
    # Control: without the checks, the same POSTs reach the forms.
    plain = Client()
    plain.force_login(world.users["manager_a"])
    assert plain.post(paths["assistance-check"], body).status_code == 303
    assert plain.post(paths["assistance-move"], body).status_code == 303
    plain.force_login(world.users["ministry"])
    assert plain.post(new, proposal).status_code == 303
