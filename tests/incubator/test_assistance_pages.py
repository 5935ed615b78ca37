"""A BLKK's assistance pages (`/blkk/CODE/assistance/`): the list of its own and its
ventures' assistance, an assistance's page with its status history, the moves the
user's role makes and the check form, the proposal and edit forms of ministry
staff, and the section on a venture's page. Who opens what: managers of the BLKK
and ministry staff write, province staff read, mentors and other BLKKs' managers
find nothing."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incubator import services
from incubator.models import Assistance, AssistanceStatusChange
from tests.incubator.conftest import page
from tests.incubator.factories import AssistanceFactory
from tests.test_content_policy import assert_strict_policy, inline_scripts

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 7, 3, 0, tzinfo=datetime.UTC)  # 10:00 in Jakarta
S = Assistance.Status


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def proposed(blkk_a, ministry_user):
    return services.assistance_create(
        blkk=blkk_a,
        year=2026,
        kind="equipment",
        description="Mesin jahit high speed 5 unit",
        value=1_250_000,
        proposed_on=datetime.date(2026, 9, 1),
        by=ministry_user,
    )


@pytest.fixture
def approved(proposed, ministry_user):
    services.assistance_move(
        assistance=proposed,
        to_status=S.APPROVED,
        on=datetime.date(2026, 9, 8),
        by=ministry_user,
    )
    return Assistance.objects.get(pk=proposed.pk)


@pytest.fixture
def handed_over(approved, manager_a):
    services.assistance_move(
        assistance=approved,
        to_status=S.DELIVERED,
        on=datetime.date(2026, 9, 15),
        handover_number="BAST/15/2026",
        by=manager_a,
    )
    return Assistance.objects.get(pk=approved.pk)


def detail(assistance, blkk=None) -> str:
    blkk = blkk or assistance.blkk or assistance.venture.cohort.blkk
    return page("assistance-detail", blkk, assistance.pk)


def moved(assistance, blkk=None) -> str:
    blkk = blkk or assistance.blkk or assistance.venture.cohort.blkk
    return page("assistance-move", blkk, assistance.pk)


def checked(assistance) -> str:
    return page("assistance-check", assistance.blkk, assistance.pk)


def status_of(assistance) -> str:
    return Assistance.objects.get(pk=assistance.pk).status


def offered_moves(response) -> list[str]:
    return [move["form"].move for move in response.context["moves"]]


# --- the list -------------------------------------------------------------------------


@pytest.mark.usefixtures("english")
def test_the_list_shows_the_blkks_and_its_ventures_assistance_and_no_other(
    client, manager_a, blkk_a, venture_a, venture_b, proposed
):
    to_venture = AssistanceFactory.create(
        blkk=None, venture=venture_a, delivered=True, description="Modal kerja Ayu"
    )
    elsewhere = AssistanceFactory.create(
        blkk=None, venture=venture_b, description="Modal kerja Budi"
    )
    client.force_login(manager_a)

    response = client.get(page("assistance-list", blkk_a))

    assert response.status_code == 200
    listed = {item.pk for item in response.context["page"].object_list}
    assert listed == {proposed.pk, to_venture.pk}
    assert elsewhere.pk not in listed
    content = response.content.decode()
    assert "Konveksi Ayu" in content  # the venture receiving it
    assert "The BLKK itself" in content
    assert "Rp\xa01,250,000" in content  # English grouping on an English page
    assert "Modal kerja Budi" not in content


def test_values_read_the_indonesian_way_on_an_indonesian_page(
    client, manager_a, blkk_a, proposed
):
    client.force_login(manager_a)
    content = client.get(page("assistance-list", blkk_a)).content.decode()
    assert "Rp\xa01.250.000" in content


@pytest.mark.usefixtures("english")
def test_assistance_not_checked_for_six_months_is_flagged(client, manager_a, blkk_a):
    # Today is 7 December 2026: six months before is 7 June.
    overdue = AssistanceFactory.create(
        blkk=blkk_a,
        delivered=True,
        delivered_on=datetime.date(2026, 5, 4),
        last_checked_on=datetime.date(2026, 6, 6),
        condition="good",
    )
    fresh = AssistanceFactory.create(
        blkk=blkk_a,
        delivered=True,
        delivered_on=datetime.date(2026, 5, 4),
        last_checked_on=datetime.date(2026, 6, 7),
        condition="damaged",
    )
    client.force_login(manager_a)

    response = client.get(page("assistance-list", blkk_a))
    flags = {i.pk: i.check_overdue for i in response.context["page"].object_list}
    assert flags == {overdue.pk: True, fresh.pk: False}
    content = response.content.decode()
    assert content.count("Not checked for more than 6 months") == 1
    assert "Last checked 7 June 2026: Damaged" in content

    due = client.get(page("assistance-list", blkk_a), {"due": "1"})
    assert [i.pk for i in due.context["page"].object_list] == [overdue.pk]
    assert (
        "Not checked for more than 6 months"
        in client.get(detail(overdue)).content.decode()
    )


def test_the_list_filters_by_status_and_kind(client, manager_a, blkk_a, proposed):
    other = AssistanceFactory.create(blkk=blkk_a, kind="operational", approved=True)
    client.force_login(manager_a)
    url = page("assistance-list", blkk_a)

    def listed(**query):
        return {i.pk for i in client.get(url, query).context["page"].object_list}

    assert listed(status="approved") == {other.pk}
    assert listed(kind="equipment") == {proposed.pk}
    assert listed(status="nonsense") == {proposed.pk, other.pk}


def test_the_list_queries_do_not_grow_with_rows(
    client, manager_a, blkk_a, venture_a, django_assert_max_num_queries
):
    client.force_login(manager_a)
    url = page("assistance-list", blkk_a)
    AssistanceFactory.create(blkk=None, venture=venture_a)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _n in range(6):
        AssistanceFactory.create(blkk=None, venture=venture_a, delivered=True)
        AssistanceFactory.create(blkk=blkk_a)
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 13


def test_the_blkk_menu_leads_to_its_assistance(client, manager_a, blkk_a):
    client.force_login(manager_a)
    response = client.get(page("assistance-list", blkk_a))
    sections = {s["url"]: s for s in response.context["here"].sections}
    assert sections[page("assistance-list", blkk_a)]["current"] is True


# --- who opens what -------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["manager_a", "ministry_user", "province_user"])
def test_staff_who_open_the_blkk_read_its_assistance(
    request, client, persona, handed_over
):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(page("assistance-list", handed_over.blkk)).status_code == 200
    assert client.get(detail(handed_over)).status_code == 200


@pytest.mark.parametrize("persona", ["manager_b", "mentor_a"])
def test_mentors_and_other_blkks_managers_find_nothing(
    request, client, persona, handed_over, blkk_b
):
    client.force_login(request.getfixturevalue(persona))
    blkk = handed_over.blkk
    for path in (
        page("assistance-list", blkk),
        detail(handed_over),
        page("assistance-create", blkk),
        page("assistance-update", blkk, handed_over.pk),
    ):
        assert client.get(path).status_code == 404, path
    assert client.post(moved(handed_over), {"to_status": "in_use"}).status_code == 404
    assert client.post(checked(handed_over), {"condition": "good"}).status_code == 404
    assert status_of(handed_over) == S.DELIVERED


def test_another_blkks_assistance_under_ones_own_code_is_404(
    client, manager_b, blkk_b, handed_over
):
    client.force_login(manager_b)
    assert client.get(detail(handed_over, blkk_b)).status_code == 404
    response = client.post(moved(handed_over, blkk_b), {"to_status": "in_use"})
    assert response.status_code == 404
    assert status_of(handed_over) == S.DELIVERED


@pytest.mark.parametrize("persona", ["manager_a", "ministry_user"])
def test_every_page_keeps_the_content_policy(
    request, client, persona, blkk_a, venture_a, handed_over
):
    client.force_login(request.getfixturevalue(persona))
    paths = [
        page("assistance-list", blkk_a),
        detail(handed_over),
        page("venture-detail", blkk_a, venture_a.pk),
    ]
    if persona == "ministry_user":
        paths += [
            page("assistance-create", blkk_a),
            page("assistance-update", blkk_a, handed_over.pk),
        ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_strict_policy(response)
        assert inline_scripts(response) == [], path
        assert 'style="' not in response.content.decode(), path


# --- an assistance's page: history and moves ------------------------------------------


@pytest.mark.usefixtures("english")
def test_the_page_shows_the_status_history_with_who_and_when(
    client, manager_a, handed_over
):
    client.force_login(manager_a)
    response = client.get(detail(handed_over))
    content = response.content.decode()
    assert [(c.from_status, c.to_status) for c in response.context["history"]] == [
        ("", S.PROPOSED),
        (S.PROPOSED, S.APPROVED),
        (S.APPROVED, S.DELIVERED),
    ]
    assert "BAST/15/2026" in content
    assert "15 September 2026" in content
    assert "Alice" in content  # who recorded the delivery
    assert "Rina Kemnaker" in content  # who proposed and approved


@pytest.mark.parametrize(
    ("persona", "state", "moves", "check"),
    [
        ("ministry_user", "proposed", [S.APPROVED, S.CANCELLED], False),
        ("manager_a", "proposed", [], False),
        ("ministry_user", "approved", [S.DELIVERED, S.CANCELLED], False),
        ("manager_a", "approved", [S.DELIVERED], False),
        ("manager_a", "handed_over", [S.IN_USE], True),
        ("ministry_user", "handed_over", [S.IN_USE], True),
        ("province_user", "handed_over", [], False),
        ("province_user", "approved", [], False),
    ],
)
def test_the_page_offers_the_moves_the_role_makes(
    request, client, persona, state, moves, check
):
    assistance = request.getfixturevalue(state)
    client.force_login(request.getfixturevalue(persona))
    response = client.get(detail(assistance))
    assert offered_moves(response) == moves
    assert (response.context["check_form"] is not None) is check
    # Delivery asks for the handover number; the other moves do not.
    for move in response.context["moves"]:
        assert ("handover_number" in move["form"].fields) is (
            move["form"].move == S.DELIVERED
        )


def test_a_manager_records_the_delivery_with_its_bast(client, manager_a, approved):
    client.force_login(manager_a)
    response = client.post(
        moved(approved),
        {
            "to_status": "delivered",
            "on": "2026-09-20",
            "handover_number": "BAST/20/2026",
            "note": "Diterima ketua BLKK",
        },
    )
    assert response.status_code == 303
    assert response["Location"] == detail(approved)
    row = Assistance.objects.get(pk=approved.pk)
    assert (row.status, row.delivered_on, row.handover_number) == (
        S.DELIVERED,
        datetime.date(2026, 9, 20),
        "BAST/20/2026",
    )
    last = AssistanceStatusChange.objects.filter(assistance=approved).latest("pk")
    assert (last.by, last.note) == (manager_a, "Diterima ketua BLKK")


@pytest.mark.parametrize("to_status", ["approved", "cancelled"])
def test_a_manager_posting_an_approval_or_a_cancellation_gets_403(
    client, manager_a, proposed, to_status
):
    client.force_login(manager_a)
    response = client.post(
        moved(proposed), {"to_status": to_status, "on": "2026-09-02"}
    )
    assert response.status_code == 403
    assert status_of(proposed) == S.PROPOSED


@pytest.mark.usefixtures("english")
def test_a_move_the_rules_forbid_shows_the_services_message(
    client, ministry_user, handed_over
):
    client.force_login(ministry_user)
    response = client.post(
        moved(handed_over), {"to_status": "cancelled", "on": "2026-10-01"}
    )
    assert response.status_code == 200
    assert "An assistance cannot move from Delivered to Cancelled." in (
        response.content.decode()
    )
    assert status_of(handed_over) == S.DELIVERED


@pytest.mark.usefixtures("english")
def test_a_delivery_without_its_number_or_dated_too_early_is_shown_on_its_form(
    client, manager_a, approved
):
    client.force_login(manager_a)
    response = client.post(
        moved(approved), {"to_status": "delivered", "on": "2026-09-20"}
    )
    assert response.status_code == 200
    posted = next(
        m["form"] for m in response.context["moves"] if m["form"].move == "delivered"
    )
    assert posted.errors == {
        "handover_number": ["Give the handover number (BAST) of the delivery."]
    }
    response = client.post(
        moved(approved),
        {"to_status": "delivered", "on": "2026-09-01", "handover_number": "B/1"},
    )
    posted = next(
        m["form"] for m in response.context["moves"] if m["form"].move == "delivered"
    )
    assert list(posted.errors) == ["on"]
    assert status_of(approved) == S.APPROVED


@pytest.mark.parametrize("body", [{"to_status": "in_use"}, {"condition": "good"}])
def test_province_staff_write_nothing(client, province_user, handed_over, body):
    client.force_login(province_user)
    path = moved(handed_over) if "to_status" in body else checked(handed_over)
    assert (
        client.post(path, {**body, "last_checked_on": "2026-10-01"}).status_code == 403
    )
    row = Assistance.objects.get(pk=handed_over.pk)
    assert (row.status, row.last_checked_on) == (S.DELIVERED, None)


# --- checks ---------------------------------------------------------------------------


def test_a_manager_records_a_check(client, manager_a, handed_over):
    client.force_login(manager_a)
    response = client.post(
        checked(handed_over), {"last_checked_on": "2026-11-30", "condition": "unused"}
    )
    assert response.status_code == 303
    row = Assistance.objects.get(pk=handed_over.pk)
    assert (row.last_checked_on, row.condition) == (
        datetime.date(2026, 11, 30),
        "unused",
    )


@pytest.mark.usefixtures("english")
def test_a_check_before_the_delivery_is_refused_on_its_field(
    client, manager_a, handed_over
):
    client.force_login(manager_a)
    response = client.post(
        checked(handed_over), {"last_checked_on": "2026-09-14", "condition": "good"}
    )
    assert response.status_code == 200
    assert response.context["check_form"].errors == {
        "last_checked_on": [
            "A check cannot be before the delivery (15 September 2026)."
        ]
    }
    assert Assistance.objects.get(pk=handed_over.pk).last_checked_on is None


def test_a_proposal_cannot_be_checked_through_the_page(client, manager_a, proposed):
    client.force_login(manager_a)
    response = client.post(
        checked(proposed), {"last_checked_on": "2026-11-30", "condition": "good"}
    )
    assert response.status_code == 200
    assert "last_checked_on" in response.context["check_form"].errors
    assert Assistance.objects.get(pk=proposed.pk).last_checked_on is None


# --- proposing and editing ------------------------------------------------------------


def test_ministry_staff_propose_to_the_blkk_or_one_of_its_ventures(
    client, ministry_user, blkk_a, venture_a
):
    client.force_login(ministry_user)
    url = page("assistance-create", blkk_a)
    form = client.get(url, {"venture": venture_a.pk}).context["form"]
    assert form["venture"].value() == venture_a.pk
    assert list(form.fields["venture"].queryset) == [venture_a]
    body = {
        "year": "2026",
        "kind": "training_package",
        "description": "Paket pelatihan pemasaran digital",
        "value": "Rp 7.500.000",
        "proposed_on": "2026-12-01",
    }

    to_blkk = client.post(url, {**body, "venture": ""})
    to_venture = client.post(url, {**body, "venture": venture_a.pk})

    assert to_blkk.status_code == to_venture.status_code == 303
    rows = Assistance.objects.order_by("pk")
    assert [(a.blkk_id, a.venture_id, a.value) for a in rows] == [
        (blkk_a.pk, None, 7_500_000),
        (None, venture_a.pk, 7_500_000),
    ]
    assert all(a.status_changes.get().by == ministry_user for a in rows)


def test_a_proposal_to_another_blkks_venture_is_refused(
    client, ministry_user, blkk_a, venture_b
):
    client.force_login(ministry_user)
    response = client.post(
        page("assistance-create", blkk_a),
        {
            "venture": venture_b.pk,
            "year": "2026",
            "kind": "equipment",
            "description": "X",
            "value": "1000",
            "proposed_on": "2026-12-01",
        },
    )
    assert response.status_code == 200
    assert "venture" in response.context["form"].errors
    assert not Assistance.objects.exists()


@pytest.mark.usefixtures("english")
def test_a_proposal_in_the_future_shows_the_services_message(
    client, ministry_user, blkk_a
):
    client.force_login(ministry_user)
    response = client.post(
        page("assistance-create", blkk_a),
        {
            "year": "2026",
            "kind": "equipment",
            "description": "X",
            "value": "1.000",
            "proposed_on": "2026-12-08",
        },
    )
    assert response.context["form"].errors == {
        "proposed_on": ["This date cannot be in the future."]
    }
    assert not Assistance.objects.exists()


@pytest.mark.parametrize("persona", ["manager_a", "province_user"])
def test_only_ministry_staff_propose_or_edit(
    request, client, persona, blkk_a, proposed
):
    client.force_login(request.getfixturevalue(persona))
    body = {"year": "2026", "kind": "equipment", "description": "X", "value": "1"}
    for path in (
        page("assistance-create", blkk_a),
        page("assistance-update", blkk_a, proposed.pk),
    ):
        assert client.get(path).status_code == 403, path
        assert client.post(path, body).status_code == 403, path
    assert Assistance.objects.get().value == 1_250_000


def test_ministry_staff_edit_a_proposal_and_move_it_to_a_venture(
    client, ministry_user, blkk_a, venture_a, proposed
):
    client.force_login(ministry_user)
    url = page("assistance-update", blkk_a, proposed.pk)
    form = client.get(url).context["form"]
    assert "proposed_on" not in form.fields
    response = client.post(
        url,
        {
            "venture": venture_a.pk,
            "year": "2026",
            "kind": "equipment",
            "description": "Mesin jahit 6 unit",
            "value": "1.500.000",
        },
    )
    assert response.status_code == 303
    row = Assistance.objects.get(pk=proposed.pk)
    assert (row.blkk_id, row.venture_id, row.value) == (None, venture_a.pk, 1_500_000)


@pytest.mark.usefixtures("english")
def test_a_delivered_assistance_keeps_its_value_on_the_edit_page(
    client, ministry_user, blkk_a, handed_over
):
    client.force_login(ministry_user)
    url = page("assistance-update", blkk_a, handed_over.pk)
    response = client.post(
        url,
        {
            "venture": "",
            "year": "2026",
            "kind": "equipment",
            "description": "Mesin jahit high speed 5 unit",
            "value": "9.000.000",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "value": [
            "A delivered or cancelled assistance keeps its recipient, kind, year "
            "and value."
        ]
    }
    assert Assistance.objects.get(pk=handed_over.pk).value == 1_250_000


# --- on a venture's page --------------------------------------------------------------


@pytest.mark.usefixtures("english")
def test_a_ventures_page_lists_its_assistance(
    client, manager_a, ministry_user, venture_a, proposed
):
    own = AssistanceFactory.create(
        blkk=None, venture=venture_a, description="Etalase toko"
    )
    client.force_login(manager_a)
    response = client.get(page("venture-detail", venture_a.cohort.blkk, venture_a.pk))
    panel = next(p for p in response.context["panels"] if "assistance" in p["template"])
    assert [a.pk for a in panel["assistance"]] == [own.pk]
    content = response.content.decode()
    assert "Etalase toko" in content
    assert proposed.description not in content  # the BLKK's own is on its list
    assert "Propose assistance" not in content
    client.force_login(ministry_user)
    content = client.get(
        page("venture-detail", venture_a.cohort.blkk, venture_a.pk)
    ).content.decode()
    assert f"?venture={venture_a.pk}" in content


# --- one write path -------------------------------------------------------------------


def test_the_page_and_the_api_move_and_check_through_the_same_services(
    client, api, manager_a, approved
):
    client.force_login(manager_a)
    with (
        mock.patch.object(
            services, "assistance_move", wraps=services.assistance_move
        ) as moving,
        mock.patch.object(
            services,
            "assistance_record_check",
            wraps=services.assistance_record_check,
        ) as checking,
    ):
        client.post(
            moved(approved),
            {"to_status": "delivered", "on": "2026-09-20", "handover_number": "B/1"},
        )
        api(manager_a).post(
            f"/api/v1/assistance/{approved.pk}/status/", {"to_status": "in_use"}
        )
        client.post(
            checked(approved), {"last_checked_on": "2026-11-30", "condition": "good"}
        )
    assert [call.kwargs["to_status"] for call in moving.call_args_list] == [
        "delivered",
        "in_use",
    ]
    assert all(call.kwargs["by"] == manager_a for call in moving.call_args_list)
    assert checking.call_count == 1
    assert status_of(approved) == S.IN_USE
