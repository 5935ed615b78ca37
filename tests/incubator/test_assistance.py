"""Entrepreneurship assistance (bantuan wirausaha): ministry staff propose, approve and
cancel it; the managers of the BLKK it counts at record its delivery (with the BAST
number), its move to in use and its checks. Every move is kept with who and when; a
move the rules forbid is a ValidationError (the API's 400), one the role may not make
PermissionDenied (403), asked first. DESIGN.md, "Programme records the seeds name"."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from incubator import selectors, services
from incubator.models import Assistance, AssistanceStatusChange
from tests.accounts.factories import UserFactory

from .factories import AssistanceFactory, VentureFactory

pytestmark = pytest.mark.usefixtures("english")

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
TODAY = datetime.date(2026, 3, 16)
PROPOSED_ON = datetime.date(2026, 1, 12)
S = Assistance.Status


@pytest.fixture
def frozen_today():
    # Early morning in Jakarta, still the day before in UTC: "today" is the
    # portal's, whatever the server's zone.
    with time_machine.travel(
        datetime.datetime(2026, 3, 16, 6, 0, tzinfo=JAKARTA), tick=False
    ):
        yield


def propose(blkk=None, venture=None, *, by, **fields) -> Assistance:
    values = {
        "year": 2026,
        "kind": Assistance.Kind.EQUIPMENT,
        "description": "Mesin jahit high speed 5 unit",
        "value": 25_000_000,
        "proposed_on": PROPOSED_ON,
        **fields,
    }
    return services.assistance_create(blkk=blkk, venture=venture, by=by, **values)


def move(assistance, to_status, on, *, by, **extra):
    return services.assistance_move(
        assistance=assistance, to_status=to_status, on=on, by=by, **extra
    )


def delivered(assistance, *, by, on=datetime.date(2026, 2, 9), number="BAST/7/2026"):
    """`assistance` (proposed) approved and then delivered on `on`."""
    move(assistance, S.APPROVED, datetime.date(2026, 2, 2), by=by)
    move(assistance, S.DELIVERED, on, by=by, handover_number=number)
    return Assistance.objects.get(pk=assistance.pk)


def stored(assistance) -> Assistance:
    return Assistance.objects.get(pk=assistance.pk)


def history(assistance) -> list[tuple]:
    return list(
        AssistanceStatusChange.objects.filter(assistance=assistance)
        .order_by("on", "pk")
        .values_list("from_status", "to_status", "on", "by", "note")
    )


def messages_of(error: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return error.value.message_dict


# --- proposing ------------------------------------------------------------------------


def test_ministry_staff_propose_assistance_and_the_proposal_opens_its_history(
    blkk_a, ministry_user
):
    assistance = propose(blkk_a, by=ministry_user)

    row = stored(assistance)
    assert (row.blkk_id, row.venture_id, row.status) == (blkk_a.pk, None, S.PROPOSED)
    assert (row.approved_on, row.delivered_on, row.handover_number) == (None, None, "")
    assert history(assistance) == [("", S.PROPOSED, PROPOSED_ON, ministry_user.pk, "")]


def test_assistance_may_go_to_a_venture(venture_a, ministry_user):
    assistance = propose(venture=venture_a, by=ministry_user)
    assert (stored(assistance).blkk_id, stored(assistance).venture_id) == (
        None,
        venture_a.pk,
    )


@pytest.mark.usefixtures("frozen_today")
def test_a_proposal_is_dated_today_in_jakarta_unless_told(blkk_a, ministry_user):
    assistance = propose(blkk_a, by=ministry_user, proposed_on=None)
    assert assistance.proposed_on == TODAY
    assert history(assistance)[0][2] == TODAY


@pytest.mark.usefixtures("frozen_today")
def test_a_proposal_is_never_dated_in_the_future(blkk_a, ministry_user):
    with pytest.raises(ValidationError) as error:
        propose(blkk_a, by=ministry_user, proposed_on=TODAY + datetime.timedelta(1))
    assert messages_of(error) == {"proposed_on": ["This date cannot be in the future."]}
    assert not Assistance.objects.exists()


def test_assistance_goes_to_a_blkk_or_a_venture_not_both_nor_neither(
    blkk_a, venture_a, ministry_user
):
    for recipients in ({"blkk": blkk_a, "venture": venture_a}, {}):
        with pytest.raises(ValidationError) as error:
            propose(by=ministry_user, **recipients)
        assert "Give the assistance to a BLKK or to a venture, not both." in str(
            error.value
        )
    assert not Assistance.objects.exists()
    assert not AssistanceStatusChange.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("year", 1999), ("kind", "voucher"), ("description", ""), ("value", -1)],
)
def test_a_proposal_with_bad_input_is_refused_on_its_field(
    blkk_a, ministry_user, field, value
):
    with pytest.raises(ValidationError) as error:
        propose(blkk_a, by=ministry_user, **{field: value})
    assert field in messages_of(error)
    assert not Assistance.objects.exists()


@pytest.mark.parametrize("persona", ["manager_a", "province_user", "mentor_a"])
def test_no_one_but_ministry_staff_proposes_assistance(request, blkk_a, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        propose(blkk_a, by=user)
    assert not Assistance.objects.exists()


# --- moving through the statuses ------------------------------------------------------


def test_the_whole_way_from_proposal_to_use_is_kept_with_who_and_when(
    blkk_a, ministry_user, manager_a
):
    assistance = propose(blkk_a, by=ministry_user)
    approved = datetime.date(2026, 2, 2)
    handed = datetime.date(2026, 2, 9)
    used = datetime.date(2026, 2, 20)

    change = move(assistance, S.APPROVED, approved, by=ministry_user, note="Rapat")
    assert (change.from_status, change.to_status, change.on) == (
        S.PROPOSED,
        S.APPROVED,
        approved,
    )
    assert stored(assistance).approved_on == approved
    move(assistance, S.DELIVERED, handed, by=manager_a, handover_number=" BAST/7 ")
    move(assistance, S.IN_USE, used, by=manager_a)

    row = stored(assistance)
    assert (row.status, row.approved_on, row.delivered_on, row.handover_number) == (
        S.IN_USE,
        approved,
        handed,
        "BAST/7",
    )
    assert history(assistance) == [
        ("", S.PROPOSED, PROPOSED_ON, ministry_user.pk, ""),
        (S.PROPOSED, S.APPROVED, approved, ministry_user.pk, "Rapat"),
        (S.APPROVED, S.DELIVERED, handed, manager_a.pk, ""),
        (S.DELIVERED, S.IN_USE, used, manager_a.pk, ""),
    ]
    # The row's own history names who moved it, and which move.
    latest = Assistance.history.filter(id=assistance.pk).order_by("-history_id")[0]
    assert (latest.history_user, latest.history_change_reason) == (
        manager_a,
        "delivered -> in_use",
    )


@pytest.mark.parametrize("from_status", [S.PROPOSED, S.APPROVED])
def test_ministry_staff_cancel_a_proposed_or_approved_assistance(
    blkk_a, ministry_user, from_status
):
    assistance = propose(blkk_a, by=ministry_user)
    if from_status == S.APPROVED:
        move(assistance, S.APPROVED, datetime.date(2026, 2, 2), by=ministry_user)

    move(assistance, S.CANCELLED, datetime.date(2026, 2, 3), by=ministry_user)

    row = stored(assistance)
    assert row.status == S.CANCELLED
    # An approval that was made stays on record.
    assert (row.approved_on is not None) is (from_status == S.APPROVED)
    assert history(assistance)[-1][:3] == (from_status, S.CANCELLED, row_day(3))


def row_day(day: int) -> datetime.date:
    return datetime.date(2026, 2, day)


def test_the_managers_of_a_ventures_blkk_record_its_delivery(
    venture_a, ministry_user, manager_a
):
    assistance = propose(venture=venture_a, by=ministry_user)
    row = delivered(assistance, by=ministry_user)
    move(row, S.IN_USE, datetime.date(2026, 2, 10), by=manager_a)
    assert stored(assistance).status == S.IN_USE


# Every move the rules forbid, from each status (made by ministry staff, who may make
# every move the rules allow: the refusal is the rules', not the role's).
ALL = [s.value for s in S]
FORBIDDEN = [
    (from_status, to_status)
    for from_status in ALL
    for to_status in ALL
    if (from_status, to_status)
    not in {
        (S.PROPOSED, S.APPROVED),
        (S.PROPOSED, S.CANCELLED),
        (S.APPROVED, S.DELIVERED),
        (S.APPROVED, S.CANCELLED),
        (S.DELIVERED, S.IN_USE),
    }
]


def _at(status: str, blkk) -> Assistance:
    """An assistance of `blkk` at `status`, reached through the services."""
    ministry = UserFactory(ministry=True)
    assistance = propose(blkk, by=ministry)
    paths: dict[str, list[str]] = {
        S.PROPOSED: [],
        S.APPROVED: [S.APPROVED],
        S.DELIVERED: [S.APPROVED, S.DELIVERED],
        S.IN_USE: [S.APPROVED, S.DELIVERED, S.IN_USE],
        S.CANCELLED: [S.CANCELLED],
    }
    path = paths[status]
    for day, step in enumerate(path, start=2):
        number = "BAST/1" if step == S.DELIVERED else ""
        move(assistance, step, row_day(day), by=ministry, handover_number=number)
    return stored(assistance)


@pytest.mark.parametrize(("from_status", "to_status"), FORBIDDEN)
def test_every_move_the_rules_forbid_is_refused_on_to_status(
    blkk_a, ministry_user, from_status, to_status
):
    assistance = _at(from_status, blkk_a)
    before = history(assistance)
    number = "BAST/2" if to_status == S.DELIVERED else ""

    with pytest.raises(ValidationError) as error:
        move(
            assistance, to_status, row_day(20), by=ministry_user, handover_number=number
        )

    assert list(messages_of(error)) == ["to_status"]
    assert error.value.error_dict["to_status"][0].code == "status_move_forbidden"
    assert stored(assistance).status == from_status
    assert history(assistance) == before


def test_a_forbidden_move_names_both_statuses(blkk_a, ministry_user):
    assistance = _at(S.IN_USE, blkk_a)
    with pytest.raises(ValidationError) as error:
        move(assistance, S.CANCELLED, row_day(20), by=ministry_user)
    assert messages_of(error) == {
        "to_status": ["An assistance cannot move from In use to Cancelled."]
    }


def test_an_unknown_status_is_a_forbidden_move(blkk_a, manager_a):
    assistance = _at(S.APPROVED, blkk_a)
    with pytest.raises(ValidationError) as error:
        move(assistance, "returned", row_day(20), by=manager_a)
    assert list(messages_of(error)) == ["to_status"]


# --- who makes which move -------------------------------------------------------------


@pytest.mark.parametrize("to_status", [S.APPROVED, S.CANCELLED])
def test_a_manager_neither_approves_nor_cancels(blkk_a, manager_a, to_status):
    assistance = _at(S.PROPOSED, blkk_a)
    with pytest.raises(PermissionDenied) as error:
        move(assistance, to_status, row_day(20), by=manager_a)
    assert str(error.value) == "Only ministry staff approve or cancel assistance."
    assert stored(assistance).status == S.PROPOSED
    assert len(history(assistance)) == 1


def test_the_role_is_asked_before_the_rules(blkk_a, manager_a):
    """A manager approving an assistance already in use: 403 (the move is never
    theirs), not 400 (the rules would refuse it too)."""
    assistance = _at(S.IN_USE, blkk_a)
    with pytest.raises(PermissionDenied):
        move(assistance, S.APPROVED, row_day(20), by=manager_a)


@pytest.mark.parametrize("persona", ["manager_b", "province_user", "mentor_a"])
@pytest.mark.parametrize("to_status", [S.DELIVERED, S.IN_USE])
def test_only_the_recipients_managers_record_delivery_and_use(
    request, blkk_a, persona, to_status
):
    assistance = _at(S.APPROVED if to_status == S.DELIVERED else S.DELIVERED, blkk_a)
    status = assistance.status
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        move(assistance, to_status, row_day(20), by=user, handover_number="BAST/3")
    assert stored(assistance).status == status


def test_a_manager_of_another_blkk_records_nothing_for_a_venture_elsewhere(
    venture_b, ministry_user, manager_a
):
    assistance = propose(venture=venture_b, by=ministry_user)
    move(assistance, S.APPROVED, row_day(2), by=ministry_user)
    with pytest.raises(PermissionDenied):
        move(assistance, S.DELIVERED, row_day(3), by=manager_a, handover_number="X")
    assert stored(assistance).status == S.APPROVED


# --- dates and the handover number ----------------------------------------------------


@pytest.mark.usefixtures("frozen_today")
def test_a_move_is_dated_today_unless_told(blkk_a, ministry_user):
    assistance = _at(S.PROPOSED, blkk_a)
    change = move(assistance, S.APPROVED, None, by=ministry_user)
    assert change.on == stored(assistance).approved_on == TODAY


@pytest.mark.usefixtures("frozen_today")
def test_a_move_is_never_dated_in_the_future(blkk_a, ministry_user):
    assistance = _at(S.PROPOSED, blkk_a)
    with pytest.raises(ValidationError) as error:
        move(assistance, S.APPROVED, TODAY + datetime.timedelta(1), by=ministry_user)
    assert messages_of(error) == {"on": ["This date cannot be in the future."]}
    assert stored(assistance).status == S.PROPOSED


def test_a_move_is_never_dated_before_the_previous_one(blkk_a, ministry_user):
    assistance = _at(S.APPROVED, blkk_a)  # approved on 2 February
    with pytest.raises(ValidationError) as error:
        move(assistance, S.DELIVERED, row_day(1), by=ministry_user, handover_number="B")
    assert messages_of(error) == {
        "on": ["The date cannot be before the previous move (2 February 2026)."]
    }
    # The same day as the previous move is not before it.
    move(assistance, S.DELIVERED, row_day(2), by=ministry_user, handover_number="B")
    assert stored(assistance).delivered_on == row_day(2)


def test_an_approval_is_never_dated_before_the_proposal(blkk_a, ministry_user):
    assistance = propose(blkk_a, by=ministry_user)
    with pytest.raises(ValidationError) as error:
        move(assistance, S.APPROVED, PROPOSED_ON - datetime.timedelta(1), by=None)
    assert list(messages_of(error)) == ["on"]


@pytest.mark.parametrize("number", ["", "   "])
def test_a_delivery_needs_its_handover_number(blkk_a, manager_a, number):
    assistance = _at(S.APPROVED, blkk_a)
    with pytest.raises(ValidationError) as error:
        move(assistance, S.DELIVERED, row_day(20), by=manager_a, handover_number=number)
    assert messages_of(error) == {
        "handover_number": ["Give the handover number (BAST) of the delivery."]
    }
    assert stored(assistance).status == S.APPROVED


@pytest.mark.parametrize("to_status", [S.APPROVED, S.CANCELLED])
def test_a_handover_number_is_not_taken_with_another_move(
    blkk_a, ministry_user, to_status
):
    assistance = _at(S.PROPOSED, blkk_a)
    with pytest.raises(ValidationError) as error:
        move(assistance, to_status, row_day(20), by=ministry_user, handover_number="B")
    assert messages_of(error) == {
        "handover_number": ["A handover number is recorded only with the delivery."]
    }
    assert stored(assistance).handover_number == ""


def test_a_handover_number_longer_than_its_column_is_refused(blkk_a, manager_a):
    assistance = _at(S.APPROVED, blkk_a)
    with pytest.raises(ValidationError) as error:
        move(
            assistance,
            S.DELIVERED,
            row_day(20),
            by=manager_a,
            handover_number="B" * 101,
        )
    assert list(messages_of(error)) == ["handover_number"]


# --- checks ---------------------------------------------------------------------------


def check(assistance, day, condition="good", *, by):
    return services.assistance_record_check(
        assistance=assistance, checked_on=day, condition=condition, by=by
    )


def test_the_recipients_manager_records_a_check(blkk_a, manager_a):
    assistance = _at(S.IN_USE, blkk_a)
    check(assistance, row_day(25), "damaged", by=manager_a)

    row = stored(assistance)
    assert (row.last_checked_on, row.condition) == (row_day(25), "damaged")
    assert row.last_seen_on() == row_day(25)
    latest = Assistance.history.filter(id=assistance.pk).order_by("-history_id")[0]
    assert (latest.history_user, latest.condition) == (manager_a, "damaged")


@pytest.mark.parametrize("status", [S.PROPOSED, S.APPROVED, S.CANCELLED])
def test_only_a_delivered_assistance_is_checked(blkk_a, manager_a, status):
    assistance = _at(status, blkk_a)
    with pytest.raises(ValidationError) as error:
        check(assistance, row_day(25), by=manager_a)
    assert messages_of(error) == {
        "last_checked_on": ["Only a delivered assistance is checked."]
    }


def test_a_delivered_assistance_not_yet_in_use_is_checked(blkk_a, manager_a):
    assistance = _at(S.DELIVERED, blkk_a)
    check(assistance, row_day(25), "unused", by=manager_a)
    assert stored(assistance).condition == "unused"


@pytest.mark.usefixtures("frozen_today")
def test_a_check_is_never_in_the_future(blkk_a, manager_a):
    assistance = _at(S.DELIVERED, blkk_a)
    with pytest.raises(ValidationError) as error:
        check(assistance, TODAY + datetime.timedelta(1), by=manager_a)
    assert messages_of(error) == {
        "last_checked_on": ["This date cannot be in the future."]
    }


def test_a_check_is_never_before_the_delivery_nor_the_previous_check(blkk_a, manager_a):
    assistance = _at(S.DELIVERED, blkk_a)  # delivered on 3 February
    with pytest.raises(ValidationError) as error:
        check(assistance, row_day(2), by=manager_a)
    assert messages_of(error) == {
        "last_checked_on": ["A check cannot be before the delivery (3 February 2026)."]
    }
    check(assistance, row_day(10), by=manager_a)
    with pytest.raises(ValidationError) as error:
        check(assistance, row_day(9), by=manager_a)
    assert messages_of(error) == {
        "last_checked_on": [
            "A check cannot be before the previous check (10 February 2026)."
        ]
    }
    # A second check the same day (the condition found again) is taken.
    check(assistance, row_day(10), "lost", by=manager_a)
    assert stored(assistance).condition == "lost"


@pytest.mark.parametrize("condition", ["", "broken", None])
def test_a_check_names_one_of_the_four_conditions(blkk_a, manager_a, condition):
    assistance = _at(S.DELIVERED, blkk_a)
    with pytest.raises(ValidationError) as error:
        check(assistance, row_day(10), condition, by=manager_a)
    assert messages_of(error) == {
        "condition": ["Choose the condition found: good, damaged, unused or lost."]
    }
    assert stored(assistance).last_checked_on is None


@pytest.mark.parametrize("persona", ["manager_b", "province_user", "mentor_a"])
def test_no_one_but_ministry_staff_and_the_recipients_managers_checks(
    request, blkk_a, ministry_user, persona
):
    assistance = _at(S.DELIVERED, blkk_a)
    with pytest.raises(PermissionDenied):
        check(assistance, row_day(10), by=request.getfixturevalue(persona))
    assert stored(assistance).last_checked_on is None
    check(assistance, row_day(10), by=ministry_user)
    assert stored(assistance).last_checked_on == row_day(10)


# --- changes --------------------------------------------------------------------------


def update(assistance, *, by, **changes):
    return services.assistance_update(assistance=assistance, by=by, **changes)


def test_ministry_staff_change_a_proposal_and_move_it_to_a_venture(
    blkk_a, venture_a, ministry_user
):
    assistance = _at(S.APPROVED, blkk_a)
    update(
        assistance,
        by=ministry_user,
        blkk=None,
        venture=venture_a,
        kind=Assistance.Kind.WORKING_CAPITAL,
        year=2027,
        value=10_000_000,
        description="Modal kerja",
    )
    row = stored(assistance)
    assert (row.blkk_id, row.venture_id, row.kind, row.year, row.value) == (
        None,
        venture_a.pk,
        "working_capital",
        2027,
        10_000_000,
    )
    assert row.description == "Modal kerja"
    assert row.status == S.APPROVED


@pytest.mark.parametrize("status", [S.DELIVERED, S.IN_USE, S.CANCELLED])
def test_a_delivered_or_cancelled_assistance_keeps_what_the_handover_settled(
    blkk_a, blkk_b, ministry_user, status
):
    assistance = _at(status, blkk_a)
    with pytest.raises(ValidationError) as error:
        update(assistance, by=ministry_user, value=1, year=2027, blkk=blkk_b)
    message = (
        "A delivered or cancelled assistance keeps its recipient, kind, year and value."
    )
    assert messages_of(error) == {
        "value": [message],
        "year": [message],
        "blkk": [message],
    }
    # Its description may still be corrected.
    update(assistance, by=ministry_user, description="Mesin jahit 5 unit (merek X)")
    assert stored(assistance).description == "Mesin jahit 5 unit (merek X)"
    assert stored(assistance).value == 25_000_000


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("status", S.IN_USE),
        ("approved_on", datetime.date(2026, 2, 1)),
        ("delivered_on", datetime.date(2026, 2, 4)),
        ("handover_number", "BAST/LAIN"),
        ("proposed_on", datetime.date(2026, 1, 2)),
    ],
)
def test_status_dates_and_handover_number_never_change_through_an_update(
    blkk_a, ministry_user, field, value
):
    assistance = _at(S.DELIVERED, blkk_a)
    before = Assistance.objects.filter(pk=assistance.pk).values().get()
    with pytest.raises(ValidationError) as error:
        update(assistance, by=ministry_user, **{field: value})
    assert list(messages_of(error)) == [field]
    assert Assistance.objects.filter(pk=assistance.pk).values().get() == before


def test_the_status_fields_as_stored_are_no_change(blkk_a, ministry_user, manager_a):
    """A client that sends back what it read (a PUT) changes nothing and is not
    refused for it."""
    assistance = _at(S.DELIVERED, blkk_a)
    same = {
        name: getattr(assistance, name)
        for name in (*services.ASSISTANCE_MOVED_FIELDS, "proposed_on", "value")
    }
    update(assistance, by=ministry_user, **same)
    update(assistance, by=manager_a, **same)


def test_a_manager_changes_only_the_check_and_every_other_field_is_named(
    blkk_a, manager_a
):
    assistance = _at(S.DELIVERED, blkk_a)
    with pytest.raises(ValidationError) as error:
        update(
            assistance,
            by=manager_a,
            value=99_000_000,
            description="Lain",
            handover_number="BAST/LAIN",
            delivered_on=row_day(4),
            last_checked_on=row_day(10),
            condition="good",
        )
    errors = messages_of(error)
    ministry_only = [
        "Only ministry staff change this; a BLKK's managers record the checks "
        "(last checked on, condition)."
    ]
    by_move = [
        "This changes only with a status move (the assistance's status endpoint)."
    ]
    assert errors == {
        "value": ministry_only,
        "description": ministry_only,
        "handover_number": by_move,
        "delivered_on": by_move,
    }
    assert stored(assistance).last_checked_on is None  # nothing half-written

    update(assistance, by=manager_a, last_checked_on=row_day(10), condition="good")
    assert (stored(assistance).last_checked_on, stored(assistance).condition) == (
        row_day(10),
        "good",
    )


def test_a_check_through_an_update_follows_the_check_rules(blkk_a, manager_a):
    assistance = _at(S.APPROVED, blkk_a)
    with pytest.raises(ValidationError) as error:
        update(assistance, by=manager_a, last_checked_on=row_day(10), condition="good")
    assert list(messages_of(error)) == ["last_checked_on"]
    delivered_one = _at(S.DELIVERED, blkk_a)
    with pytest.raises(ValidationError) as error:
        update(delivered_one, by=manager_a, condition="good")  # no date given
    assert messages_of(error) == {"last_checked_on": ["Give the date of the check."]}
    update(delivered_one, by=manager_a, last_checked_on=row_day(10), condition="good")
    # Correcting the condition of the last check keeps its date.
    update(delivered_one, by=manager_a, condition="damaged")
    assert (stored(delivered_one).last_checked_on, stored(delivered_one).condition) == (
        row_day(10),
        "damaged",
    )


@pytest.mark.parametrize("persona", ["manager_b", "province_user", "mentor_a"])
def test_no_one_outside_the_recipient_changes_it(request, blkk_a, persona):
    assistance = _at(S.DELIVERED, blkk_a)
    with pytest.raises(PermissionDenied):
        update(
            assistance,
            by=request.getfixturevalue(persona),
            last_checked_on=row_day(10),
            condition="good",
        )
    assert stored(assistance).last_checked_on is None


# --- deleting -------------------------------------------------------------------------


@pytest.mark.parametrize("status", [S.PROPOSED, S.CANCELLED])
def test_ministry_staff_delete_a_proposed_or_cancelled_assistance(
    blkk_a, ministry_user, status
):
    assistance = _at(status, blkk_a)
    services.assistance_delete(assistance=assistance, by=ministry_user)
    assert not Assistance.objects.filter(pk=assistance.pk).exists()
    assert not AssistanceStatusChange.objects.filter(assistance_id=assistance.pk)


@pytest.mark.parametrize("status", [S.APPROVED, S.DELIVERED, S.IN_USE])
def test_an_approved_or_delivered_assistance_is_kept(blkk_a, ministry_user, status):
    assistance = _at(status, blkk_a)
    with pytest.raises(ValidationError) as error:
        services.assistance_delete(assistance=assistance, by=ministry_user)
    assert error.value.messages == [
        "Only a proposed or cancelled assistance can be deleted: cancel an approved "
        "one first; a delivered one stays on record."
    ]
    assert Assistance.objects.filter(pk=assistance.pk).exists()


def test_a_manager_deletes_no_assistance(blkk_a, manager_a):
    assistance = _at(S.PROPOSED, blkk_a)
    with pytest.raises(PermissionDenied):
        services.assistance_delete(assistance=assistance, by=manager_a)
    assert Assistance.objects.filter(pk=assistance.pk).exists()


# --- selectors: assistance to check ---------------------------------------------------


@pytest.mark.parametrize(
    ("last_seen", "overdue"),
    [
        (datetime.date(2026, 9, 16), False),  # exactly six months before today
        (datetime.date(2026, 9, 15), True),  # a day more
        (datetime.date(2027, 3, 1), False),
    ],
)
def test_an_assistance_not_seen_for_more_than_six_months_is_due_a_check(
    blkk_a, last_seen, overdue
):
    today = datetime.date(2027, 3, 16)
    by_delivery = AssistanceFactory.create(
        blkk=blkk_a, delivered=True, delivered_on=last_seen
    )
    by_check = AssistanceFactory.create(
        blkk=blkk_a,
        delivered=True,
        delivered_on=datetime.date(2025, 5, 5),
        last_checked_on=last_seen,
        condition="good",
    )
    AssistanceFactory.create(blkk=blkk_a, approved=True)  # not handed over: never due

    rows = selectors.assistance_with_check_due(Assistance.objects.all(), today)
    flags = {row.pk: row.check_overdue for row in rows}

    assert flags[by_delivery.pk] is overdue
    assert flags[by_check.pk] is overdue
    assert sorted(flags.values()).count(True) == (2 if overdue else 0)
    due = selectors.assistance_check_overdue(Assistance.objects.all(), today)
    assert {row.pk for row in due} == (
        {by_delivery.pk, by_check.pk} if overdue else set()
    )


def test_six_months_before_the_end_of_august_is_the_end_of_february():
    assert selectors.assistance_check_due_since(datetime.date(2028, 8, 31)) == (
        datetime.date(2028, 2, 29)
    )
    assert selectors.assistance_check_due_since(datetime.date(2027, 8, 31)) == (
        datetime.date(2027, 2, 28)
    )


def test_delivered_assistance_counts_at_its_blkk_or_its_ventures_cohorts(
    blkk_a, venture_b
):
    to_blkk = AssistanceFactory.create(
        blkk=blkk_a, delivered=True, delivered_on=datetime.date(2025, 4, 30)
    )
    to_venture = AssistanceFactory.create(
        blkk=None,
        venture=venture_b,
        delivered=True,
        delivered_on=datetime.date(2025, 4, 1),
    )
    AssistanceFactory.create(
        blkk=blkk_a, delivered=True, delivered_on=datetime.date(2025, 5, 1)
    )
    AssistanceFactory.create(venture=VentureFactory(), blkk=None, approved=True)

    rows = selectors.assistance_delivered_between(
        Assistance.objects.all(), datetime.date(2025, 4, 1), datetime.date(2025, 4, 30)
    )

    assert {(row.pk, row.owner_blkk_id) for row in rows} == {
        (to_blkk.pk, blkk_a.pk),
        (to_venture.pk, venture_b.cohort.blkk_id),
    }
