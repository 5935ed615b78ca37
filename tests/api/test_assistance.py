"""`/api/v1/assistance/` and `assistance/{id}/status/`: ministry staff propose,
approve, cancel, change and delete assistance; the managers of the BLKK it counts at
record its delivery, its use and its checks; province staff read; mentors see none.
A move the rules forbid answers 400, one the role may not make 403, outside the
caller's scope 404. The world (`tests/world.py`) gives A an assistance to its
venture and B one to the BLKK, both delivered."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from incubator.models import Assistance, AssistanceStatusChange, Venture
from tests.admin_forms import EN
from tests.incubator.factories import AssistanceFactory
from training.models import Blkk

from .conftest import ids
from .resources import url

FIELDS = [
    "id",
    "blkk",
    "venture",
    "year",
    "kind",
    "description",
    "value",
    "proposed_on",
    "status",
    "approved_on",
    "delivered_on",
    "handover_number",
    "last_checked_on",
    "condition",
    "status_history",
]
MINISTRY_ONLY = (
    "Only ministry staff change this; a BLKK's managers record the checks (last "
    "checked on, condition)."
)
BY_MOVE = "This changes only with a status move (the assistance's status endpoint)."
PROPOSAL_FIXED = "The proposal date opens the status history and cannot be changed."


def a_(world, model):
    return world.objects[model]["a"]


def b_(world, model):
    return world.objects[model]["b"]


def snapshot(obj) -> dict:
    return type(obj).objects.filter(pk=obj.pk).values().get()


def proposal(**overrides) -> dict:
    return {
        "year": 2026,
        "kind": "working_capital",
        "description": "Modal kerja usaha konveksi",
        "value": 15_000_000,
        "proposed_on": "2026-04-06",
        **overrides,
    }


def status_url(assistance_id) -> str:
    return f"{url('assistance', assistance_id)}status/"


def propose(world, api, **overrides) -> dict:
    response = api(world.users["ministry"]).post(
        url("assistance"),
        proposal(blkk=a_(world, Blkk).pk, **overrides),
        format="json",
        **EN,
    )
    assert response.status_code == 201, response.content
    return response.json()


def post_move(client, assistance_id, to_status, **extra):
    return client.post(
        status_url(assistance_id),
        {"to_status": to_status, **extra},
        format="json",
        **EN,
    )


# --- proposing ------------------------------------------------------------------------


def test_ministry_staff_propose_assistance_with_its_first_history_entry(world, api):
    answer = propose(world, api)

    assert list(answer) == FIELDS
    assert (answer["blkk"], answer["venture"], answer["status"]) == (
        a_(world, Blkk).pk,
        None,
        "proposed",
    )
    assert (
        answer["approved_on"],
        answer["delivered_on"],
        answer["handover_number"],
    ) == (
        None,
        None,
        "",
    )
    assert answer["status_history"] == [
        {
            "from": "",
            "to": "proposed",
            "on": "2026-04-06",
            "by": world.users["ministry"].pk,
            "note": "",
        }
    ]


def test_a_proposal_to_a_venture_and_its_default_date(world, api):
    response = api(world.users["ministry"]).post(
        url("assistance"),
        {
            k: v
            for k, v in proposal(venture=a_(world, Venture).pk).items()
            if k != "proposed_on"
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    answer = response.json()
    assert (answer["blkk"], answer["venture"]) == (None, a_(world, Venture).pk)
    assert answer["proposed_on"] == timezone.localdate().isoformat()


def test_a_proposal_names_one_recipient(world, api):
    client = api(world.users["ministry"])
    count = Assistance.objects.count()
    for recipients in (
        {},
        {"blkk": a_(world, Blkk).pk, "venture": a_(world, Venture).pk},
    ):
        response = client.post(
            url("assistance"), proposal(**recipients), format="json", **EN
        )
        assert response.status_code == 400, response.content
        assert response.json() == {
            "non_field_errors": [
                "Give the assistance to a BLKK or to a venture, not both."
            ]
        }
    assert Assistance.objects.count() == count


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("status", "delivered", BY_MOVE),
        ("approved_on", "2026-04-07", BY_MOVE),
        ("delivered_on", "2026-04-08", BY_MOVE),
        ("handover_number", "BAST/9", BY_MOVE),
        ("last_checked_on", "2026-04-09", "Only a delivered assistance is checked."),
        ("condition", "good", "Only a delivered assistance is checked."),
        ("approved_on", "bukan tanggal", BY_MOVE),
    ],
)
def test_a_proposal_carries_no_status_date_handover_or_check(
    world, api, field, value, message
):
    count = Assistance.objects.count()
    response = api(world.users["ministry"]).post(
        url("assistance"),
        proposal(blkk=a_(world, Blkk).pk, **{field: value}),
        format="json",
        **EN,
    )
    assert response.status_code == 400, response.content
    assert response.json() == {field: [message]}
    assert Assistance.objects.count() == count


def test_a_proposal_may_echo_a_new_proposals_values(world, api):
    answer = propose(
        world,
        api,
        status="proposed",
        approved_on=None,
        handover_number="",
        condition="",
        status_history=[{"to": "in_use"}],
    )
    assert answer["status"] == "proposed"
    assert len(answer["status_history"]) == 1


@pytest.mark.parametrize("persona", ["manager_a", "province_32", "mentor_a"])
def test_no_one_but_ministry_staff_proposes(world, api, persona):
    count = Assistance.objects.count()
    response = api(world.users[persona]).post(
        url("assistance"), proposal(blkk=a_(world, Blkk).pk), format="json"
    )
    assert response.status_code == 403, response.content
    assert Assistance.objects.count() == count


# --- status moves ---------------------------------------------------------------------


def test_the_moves_answer_201_with_the_assistance_as_it_now_is(world, api):
    created = propose(world, api)
    ministry, manager = (api(world.users[p]) for p in ("ministry", "manager_a"))

    approved = post_move(
        ministry, created["id"], "approved", on="2026-04-07", note="OK"
    )
    assert approved.status_code == 201, approved.content
    answer = approved.json()
    assert list(answer) == FIELDS
    assert (answer["status"], answer["approved_on"]) == ("approved", "2026-04-07")

    handed = post_move(
        manager, created["id"], "delivered", on="2026-04-10", handover_number="BAST/12"
    )
    assert handed.status_code == 201, handed.content
    assert (
        handed.json()["status"],
        handed.json()["delivered_on"],
        handed.json()["handover_number"],
    ) == ("delivered", "2026-04-10", "BAST/12")

    used = post_move(manager, created["id"], "in_use")
    assert used.status_code == 201, used.content
    manager_id = world.users["manager_a"].pk
    assert [
        (e["from"], e["to"], e["on"], e["by"], e["note"])
        for e in used.json()["status_history"]
    ] == [
        ("", "proposed", "2026-04-06", world.users["ministry"].pk, ""),
        ("proposed", "approved", "2026-04-07", world.users["ministry"].pk, "OK"),
        ("approved", "delivered", "2026-04-10", manager_id, ""),
        ("delivered", "in_use", timezone.localdate().isoformat(), manager_id, ""),
    ]


@pytest.mark.parametrize("to_status", ["approved", "cancelled"])
def test_a_manager_approving_or_cancelling_is_403(world, api, to_status):
    created = propose(world, api)
    response = post_move(api(world.users["manager_a"]), created["id"], to_status)
    assert response.status_code == 403, response.content
    assert response.json() == {
        "detail": "Only ministry staff approve or cancel assistance."
    }
    assert Assistance.objects.get(pk=created["id"]).status == "proposed"
    # The same move by ministry staff is made.
    response = post_move(api(world.users["ministry"]), created["id"], to_status)
    assert response.status_code == 201, response.content


def test_a_move_the_rules_forbid_is_400(world, api):
    assistance = a_(world, Assistance)  # delivered
    before = snapshot(assistance)
    for persona, to_status in (("ministry", "cancelled"), ("manager_a", "delivered")):
        response = post_move(
            api(world.users[persona]), assistance.pk, to_status, handover_number="B/2"
        )
        assert response.status_code == 400, response.content
        assert list(response.json()) == ["to_status"]
    assert snapshot(assistance) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"to_status": "in_use", "on": "2026-04-01"}, "on"),  # before the delivery
        ({"to_status": "in_use", "on": "2999-01-01"}, "on"),  # in the future
        ({"to_status": "in_use", "on": "01/05/2026"}, "on"),
        ({"to_status": "in_use", "handover_number": "BAST/LAIN"}, "handover_number"),
        ({"to_status": "dipakai"}, "to_status"),
        ({}, "to_status"),
    ],
)
def test_a_move_with_bad_input_is_400_on_its_field(world, api, body, field):
    assistance = a_(world, Assistance)
    before = snapshot(assistance)
    response = api(world.users["manager_a"]).post(
        status_url(assistance.pk), body, format="json", **EN
    )
    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]
    assert snapshot(assistance) == before


def test_a_delivery_without_its_handover_number_is_400(world, api):
    created = propose(world, api)
    post_move(api(world.users["ministry"]), created["id"], "approved")
    response = post_move(api(world.users["manager_a"]), created["id"], "delivered")
    assert response.status_code == 400
    assert response.json() == {
        "handover_number": ["Give the handover number (BAST) of the delivery."]
    }


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("province_32", 403), ("manager_b", 404), ("mentor_a", 404), ("manager_a", 201)],
)
def test_who_records_a_use(world, api, persona, expected):
    assistance = a_(world, Assistance)
    response = post_move(api(world.users[persona]), assistance.pk, "in_use")
    assert response.status_code == expected, response.content
    assert Assistance.objects.get(pk=assistance.pk).status == (
        "in_use" if expected == 201 else "delivered"
    )


def test_a_missing_assistance_and_one_out_of_scope_answer_alike(world, api):
    client = api(world.users["manager_a"])
    missing = Assistance.objects.latest("pk").pk + 1000
    elsewhere = post_move(client, b_(world, Assistance).pk, "in_use")
    nowhere = post_move(client, missing, "in_use")
    assert elsewhere.status_code == nowhere.status_code == 404
    assert elsewhere.json() == nowhere.json()


# --- changes --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("value", 1, MINISTRY_ONLY),
        ("description", "Lain", MINISTRY_ONLY),
        ("year", 2027, MINISTRY_ONLY),
        ("kind", "operational", MINISTRY_ONLY),
        ("venture", None, MINISTRY_ONLY),
        ("handover_number", "BAST/LAIN", BY_MOVE),
        ("delivered_on", "2026-04-20", BY_MOVE),
        ("approved_on", "2026-04-09", BY_MOVE),
        ("status", "in_use", BY_MOVE),
        ("proposed_on", "2026-04-02", PROPOSAL_FIXED),
    ],
)
def test_a_manager_patching_anything_but_the_check_gets_400_on_the_field(
    world, api, field, value, message
):
    assistance = a_(world, Assistance)
    before = snapshot(assistance)
    response = api(world.users["manager_a"]).patch(
        url("assistance", assistance.pk), {field: value}, format="json", **EN
    )
    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]
    assert response.json()[field] == [message]
    assert snapshot(assistance) == before


def test_a_manager_records_a_check_by_patching_it(world, api):
    assistance = a_(world, Assistance)
    response = api(world.users["manager_a"]).patch(
        url("assistance", assistance.pk),
        {"last_checked_on": "2026-05-01", "condition": "damaged"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert (response.json()["last_checked_on"], response.json()["condition"]) == (
        "2026-05-01",
        "damaged",
    )
    stored = Assistance.objects.get(pk=assistance.pk)
    assert (stored.last_checked_on, stored.condition) == (
        datetime.date(2026, 5, 1),
        "damaged",
    )


def test_a_check_before_the_delivery_is_400(world, api):
    assistance = a_(world, Assistance)  # delivered on 15 April 2026
    response = api(world.users["manager_a"]).patch(
        url("assistance", assistance.pk),
        {"last_checked_on": "2026-04-14", "condition": "good"},
        format="json",
        **EN,
    )
    assert response.status_code == 400
    assert response.json() == {
        "last_checked_on": ["A check cannot be before the delivery (15 April 2026)."]
    }


def test_ministry_staff_change_a_proposal_but_no_status_field(world, api):
    created = propose(world, api)
    client = api(world.users["ministry"])
    path = url("assistance", created["id"])

    response = client.patch(
        path,
        {"value": 17_500_000, "venture": a_(world, Venture).pk, "blkk": None},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert (response.json()["value"], response.json()["venture"]) == (
        17_500_000,
        a_(world, Venture).pk,
    )
    response = client.patch(path, {"status": "approved"}, format="json", **EN)
    assert response.status_code == 400
    assert response.json() == {"status": [BY_MOVE]}


def test_a_put_of_what_was_read_changes_nothing_and_is_taken(world, api):
    assistance = a_(world, Assistance)
    before = snapshot(assistance)
    client = api(world.users["ministry"])
    read = client.get(url("assistance", assistance.pk)).json()
    response = client.put(url("assistance", assistance.pk), read, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == read
    assert snapshot(assistance) == before


def test_deletion_is_the_ministrys_and_only_before_approval_or_once_cancelled(
    world, api
):
    delivered = a_(world, Assistance)
    assert (
        api(world.users["manager_a"])
        .delete(url("assistance", delivered.pk))
        .status_code
        == 403
    )
    response = api(world.users["ministry"]).delete(
        url("assistance", delivered.pk), **EN
    )
    assert response.status_code == 400
    assert Assistance.objects.filter(pk=delivered.pk).exists()
    created = propose(world, api)
    response = api(world.users["ministry"]).delete(url("assistance", created["id"]))
    assert response.status_code == 204
    assert not AssistanceStatusChange.objects.filter(assistance_id=created["id"])


# --- reading and filtering ------------------------------------------------------------


def test_the_blkk_filter_counts_a_ventures_assistance_at_its_cohorts_blkk(world, api):
    client = api(world.users["ministry"])
    to_venture, to_blkk = a_(world, Assistance), b_(world, Assistance)
    assert to_venture.venture_id
    assert to_blkk.blkk_id
    assert ids(client.get(url("assistance"), {"blkk": a_(world, Blkk).pk})) == {
        to_venture.pk
    }
    assert ids(client.get(url("assistance"), {"blkk": b_(world, Blkk).pk})) == {
        to_blkk.pk
    }
    assert ids(client.get(url("assistance"), {"venture": a_(world, Venture).pk})) == {
        to_venture.pk
    }


def test_the_other_filters(world, api):
    client = api(world.users["ministry"])
    extra = AssistanceFactory.create(
        blkk=a_(world, Blkk), year=2024, kind="operational"
    )
    assert ids(client.get(url("assistance"), {"year": 2024})) == {extra.pk}
    assert ids(client.get(url("assistance"), {"kind": "operational"})) == {extra.pk}
    assert ids(client.get(url("assistance"), {"status": "proposed"})) == {extra.pk}
    assert ids(client.get(url("assistance"), {"status": "delivered"})) == {
        a_(world, Assistance).pk,
        b_(world, Assistance).pk,
    }
    for bad in ({"year": "dua ribu"}, {"status": "lost"}, {"blkk": "x"}):
        assert client.get(url("assistance"), bad).status_code == 400, bad


def test_a_managers_blkk_filter_naming_another_blkk_lists_nothing(world, api):
    client = api(world.users["manager_a"])
    assert ids(client.get(url("assistance"), {"blkk": b_(world, Blkk).pk})) == set()
    assert (
        ids(client.get(url("assistance"), {"venture": b_(world, Venture).pk})) == set()
    )


def test_the_list_reads_every_status_history_in_one_query(
    world, api, django_assert_max_num_queries
):
    client = api(world.users["ministry"])
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("assistance")).status_code == 200
    for _n in range(10):
        AssistanceFactory.create(blkk=a_(world, Blkk))
    with django_assert_max_num_queries(len(few)):
        response = client.get(url("assistance"))
    assert len(response.json()["results"]) == 12
    history_queries = [
        q for q in few.captured_queries if "assistancestatuschange" in q["sql"]
    ]
    assert len(history_queries) == 1
