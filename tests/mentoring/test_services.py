"""Mentoring services: a mentor's capacity, and who may write which session."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from mentoring.models import EASTERNMOST_ZONE, MentorAssignment, MentoringSession
from mentoring.services import (
    assignment_create,
    assignment_update,
    session_create,
    session_delete,
    session_edit_deadline,
    session_ensure_writable,
    session_update,
)
from tests.fields import fields_of
from tests.incubator.factories import VentureFactory

from .factories import (
    MentorAssignmentFactory,
    MentorFactory,
    MentoringSessionFactory,
)

pytestmark = pytest.mark.django_db


def new_assignment(mentor, **fields) -> dict:
    """The fields of an active, open-ended assignment to a new venture."""
    fields = {
        "venture": VentureFactory(),
        "start_date": datetime.date(2025, 5, 1),
        "status": MentorAssignment.Status.ACTIVE,
        **fields,
    }
    return {"mentor": mentor, **fields}


def is_mentor_full(error: ValidationError) -> bool:
    return [e.code for e in error.error_dict.get("mentor", [])] == ["mentor_full"]


# --- assignment_create, assignment_update ---------------------------------------


def test_a_mentor_takes_assignments_up_to_their_maximum():
    mentor = MentorFactory(max_active_assignments=2)
    for _ in range(2):
        assignment_create(**new_assignment(mentor), by=None)
    assert mentor.assignments.count() == 2


def test_a_mentor_at_their_maximum_is_refused_another_active_assignment():
    mentor = MentorFactory(max_active_assignments=2)
    MentorAssignmentFactory.create_batch(2, mentor=mentor)
    with pytest.raises(ValidationError) as caught:
        assignment_create(**new_assignment(mentor), by=None)
    assert is_mentor_full(caught.value)
    assert mentor.assignments.count() == 2


def test_mentor_full_message_gives_the_maximum():
    mentor = MentorFactory(max_active_assignments=1)
    MentorAssignmentFactory(mentor=mentor)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        assignment_create(**new_assignment(mentor), by=None)
    assert caught.value.message_dict == {
        "mentor": ["This mentor already has 1 active assignment (the maximum)."]
    }


def test_ended_planned_and_finished_assignments_do_not_count():
    mentor = MentorFactory(max_active_assignments=1)
    MentorAssignmentFactory(mentor=mentor, status=MentorAssignment.Status.ENDED)
    MentorAssignmentFactory(mentor=mentor, status=MentorAssignment.Status.PLANNED)
    MentorAssignmentFactory(
        mentor=mentor,
        start_date=datetime.date(2025, 1, 1),
        end_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    assignment_create(**new_assignment(mentor), by=None)
    assert mentor.assignments.count() == 4


def test_an_assignment_starting_later_does_not_count_yet():
    mentor = MentorFactory(max_active_assignments=1)
    MentorAssignmentFactory(
        mentor=mentor, start_date=timezone.localdate() + datetime.timedelta(days=7)
    )
    assignment_create(**new_assignment(mentor), by=None)
    assert mentor.assignments.count() == 2


def test_a_planned_assignment_may_be_given_to_a_full_mentor():
    mentor = MentorFactory(max_active_assignments=1)
    MentorAssignmentFactory(mentor=mentor)
    assignment_create(
        **new_assignment(mentor, status=MentorAssignment.Status.PLANNED), by=None
    )
    assert mentor.assignments.count() == 2


def test_updating_an_active_assignment_of_a_full_mentor_does_not_count_itself():
    mentor = MentorFactory(max_active_assignments=1)
    assignment = MentorAssignmentFactory(mentor=mentor)
    assignment_update(
        assignment=assignment, end_date=datetime.date(2030, 12, 31), by=None
    )
    assignment.refresh_from_db()
    assert assignment.end_date == datetime.date(2030, 12, 31)


def test_activating_a_planned_assignment_of_a_full_mentor_is_refused():
    mentor = MentorFactory(max_active_assignments=1)
    MentorAssignmentFactory(mentor=mentor)
    planned = MentorAssignmentFactory(
        mentor=mentor, status=MentorAssignment.Status.PLANNED
    )
    with pytest.raises(ValidationError) as caught:
        assignment_update(
            assignment=planned, status=MentorAssignment.Status.ACTIVE, by=None
        )
    assert is_mentor_full(caught.value)


def test_other_mentors_assignments_do_not_count():
    mentor = MentorFactory(max_active_assignments=1)
    MentorAssignmentFactory()
    assignment_create(**new_assignment(mentor), by=None)
    assert mentor.assignments.count() == 1


def test_assignment_save_refuses_a_venture_and_a_blkk_at_once():
    venture = VentureFactory()
    assignment = new_assignment(
        MentorFactory(), venture=venture, blkk=venture.cohort.blkk
    )
    with pytest.raises(ValidationError):
        assignment_create(**assignment, by=None)
    assert not MentorAssignment.objects.exists()


# --- session_ensure_writable ------------------------------------------------------


@pytest.fixture
def assignment_of_mentor_a(mentor_a):
    return MentorAssignmentFactory(mentor=mentor_a.mentor_profile)


def new_session(assignment) -> MentoringSession:
    return MentoringSessionFactory.build(assignment=assignment, recorded_by=None)


def new_session_fields(assignment) -> dict:
    """What `session_create` takes; it records `by` as the one who recorded it."""
    fields = fields_of(new_session(assignment))
    del fields["recorded_by"]
    return fields


def test_a_mentor_records_a_session_of_their_own_active_assignment(
    mentor_a, assignment_of_mentor_a
):
    session = session_create(**new_session_fields(assignment_of_mentor_a), by=mentor_a)
    assert MentoringSession.objects.get(pk=session.pk).recorded_by == mentor_a


def test_another_mentor_may_not_record_a_session_there(
    mentor_b, assignment_of_mentor_a
):
    with pytest.raises(PermissionDenied):
        session_ensure_writable(
            session=new_session(assignment_of_mentor_a), by=mentor_b
        )


def test_another_mentor_may_not_change_or_delete_a_session(
    mentor_b, assignment_of_mentor_a
):
    session = MentoringSessionFactory(assignment=assignment_of_mentor_a)
    with pytest.raises(PermissionDenied):
        session_update(session=session, topics="Diubah orang lain", by=mentor_b)
    with pytest.raises(PermissionDenied):
        session_delete(session=session, by=mentor_b)
    session.refresh_from_db()
    assert session.topics != "Diubah orang lain"


@pytest.mark.parametrize("persona", ["manager_a", "province_user"])
def test_staff_who_are_not_mentors_may_not_record_sessions(
    request, persona, assignment_of_mentor_a
):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        session_ensure_writable(session=new_session(assignment_of_mentor_a), by=user)


@pytest.mark.parametrize(
    "change",
    [
        {"status": MentorAssignment.Status.ENDED},
        {"status": MentorAssignment.Status.PLANNED},
        {"end_date": datetime.date(2025, 6, 30)},
    ],
    ids=["ended", "planned", "past end date"],
)
def test_a_mentor_records_nothing_under_an_assignment_no_longer_active(
    mentor_a, assignment_of_mentor_a, change
):
    MentorAssignment.objects.filter(pk=assignment_of_mentor_a.pk).update(**change)
    assignment_of_mentor_a.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        session_ensure_writable(
            session=new_session(assignment_of_mentor_a), by=mentor_a
        )
    assert set(caught.value.error_dict) == {"assignment"}


def test_a_mentor_changes_their_session_on_the_day_it_was_recorded(
    mentor_a, assignment_of_mentor_a
):
    session = session_create(**new_session_fields(assignment_of_mentor_a), by=mentor_a)
    session_update(session=session, notes="Ditambah catatan", by=mentor_a)
    session.refresh_from_db()
    assert session.notes == "Ditambah catatan"


def record_days_ago(session: MentoringSession, days: int) -> MentoringSession:
    MentoringSession.objects.filter(pk=session.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days)
    )
    session.refresh_from_db()
    return session


def test_a_mentor_may_not_change_a_session_after_the_edit_deadline(
    mentor_a, assignment_of_mentor_a
):
    session = session_create(**new_session_fields(assignment_of_mentor_a), by=mentor_a)
    session = record_days_ago(session, 3)
    with pytest.raises(PermissionDenied):
        session_update(session=session, notes="Terlambat", by=mentor_a)
    with pytest.raises(PermissionDenied):
        session_delete(session=session, by=mentor_a)
    assert MentoringSession.objects.filter(pk=session.pk, notes="").exists()


def test_ministry_changes_any_session_at_any_time(
    ministry_user, mentor_a, assignment_of_mentor_a
):
    session = MentoringSessionFactory(
        assignment=assignment_of_mentor_a, recorded_by=mentor_a
    )
    session = record_days_ago(session, 30)
    MentorAssignment.objects.filter(pk=assignment_of_mentor_a.pk).update(
        status=MentorAssignment.Status.ENDED
    )
    session.refresh_from_db()

    session_update(session=session, notes="Dikoreksi pusat", by=ministry_user)

    session.refresh_from_db()
    assert session.notes == "Dikoreksi pusat"
    # The correction keeps the mentor as the one who recorded it.
    assert session.recorded_by == mentor_a
    session_delete(session=session, by=ministry_user)
    assert not MentoringSession.objects.filter(pk=session.pk).exists()


def test_ministry_records_a_session_for_any_mentor(
    ministry_user, assignment_of_mentor_a
):
    session = session_create(
        **new_session_fields(assignment_of_mentor_a), by=ministry_user
    )
    assert session.recorded_by == ministry_user


def test_an_inactive_ministry_account_is_treated_as_nobody(
    ministry_user, assignment_of_mentor_a
):
    ministry_user.is_active = False
    with pytest.raises(PermissionDenied):
        session_ensure_writable(
            session=new_session(assignment_of_mentor_a), by=ministry_user
        )


# --- session_edit_deadline --------------------------------------------------------


@pytest.mark.parametrize(
    ("recorded_in_papua", "deadline_in_papua"),
    [
        # Recorded on 10 May (Papua time): open until the end of 11 May.
        ("2025-05-10T00:00", "2025-05-12T00:00"),
        ("2025-05-10T23:59", "2025-05-12T00:00"),
        ("2025-05-11T00:00", "2025-05-13T00:00"),
    ],
)
def test_a_session_may_be_changed_until_the_end_of_the_next_day_in_papua(
    recorded_in_papua, deadline_in_papua
):
    recorded = datetime.datetime.fromisoformat(recorded_in_papua).replace(
        tzinfo=EASTERNMOST_ZONE
    )
    session = MentoringSession(created_at=recorded.astimezone(datetime.UTC))
    expected = datetime.datetime.fromisoformat(deadline_in_papua).replace(
        tzinfo=EASTERNMOST_ZONE
    )
    assert session_edit_deadline(session) == expected
