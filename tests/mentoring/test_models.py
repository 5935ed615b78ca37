"""Mentoring models: what the database refuses, what deletes what, and `clean()`."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.utils import timezone

from mentoring.models import (
    EASTERNMOST_ZONE,
    Mentor,
    MentorAssignment,
    MentoringSession,
)
from tests.constraints import violates
from tests.incubator.factories import VentureFactory
from tests.training.factories import BlkkFactory

from .factories import (
    MentorAssignmentFactory,
    MentorFactory,
    MentoringSessionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "factory",
    [MentorFactory, MentorAssignmentFactory, MentoringSessionFactory],
    ids=lambda f: f.__name__,
)
def test_factory_builds_a_record_that_passes_full_clean(factory):
    factory().full_clean()


def test_assignment_factory_to_a_whole_blkk_passes_full_clean():
    assignment = MentorAssignmentFactory(whole_blkk=True)
    assignment.full_clean()
    assert assignment.venture is None


def test_mentor_factory_links_a_mentor_user_of_the_same_name():
    mentor = MentorFactory()
    assert mentor.user.role == "mentor"
    assert mentor.user.full_name == mentor.full_name


# --- Mentor -----------------------------------------------------------------------


def test_database_refuses_mentor_with_unknown_affiliation():
    mentor = MentorFactory()
    with violates("mentor_affiliation_known"):
        Mentor.objects.filter(pk=mentor.pk).update(affiliation="freelance")


@pytest.mark.parametrize("maximum", [0, 51])
def test_database_refuses_mentor_maximum_outside_one_to_fifty(maximum):
    with violates("mentor_max_active_assignments_range"):
        MentorFactory(max_active_assignments=maximum)


def test_database_refuses_two_mentor_profiles_for_one_user():
    mentor = MentorFactory()
    with violates("mentoring_mentor_user_id_key"):
        MentorFactory(user=mentor.user)


# --- MentorAssignment -------------------------------------------------------------


def test_database_refuses_assignment_to_a_venture_and_a_blkk_at_once():
    venture = VentureFactory()
    with violates("assignment_venture_xor_blkk"):
        MentorAssignmentFactory(venture=venture, blkk=venture.cohort.blkk)


def test_database_refuses_assignment_to_neither_venture_nor_blkk():
    with violates("assignment_venture_xor_blkk"):
        MentorAssignmentFactory(venture=None, blkk=None)


def test_assignment_full_clean_explains_the_venture_or_blkk_rule():
    assignment = MentorAssignmentFactory.build(
        mentor=MentorFactory(), venture=None, blkk=None
    )
    with pytest.raises(ValidationError) as caught:
        assignment.full_clean()
    assert "__all__" in caught.value.message_dict


def test_database_refuses_assignment_ending_before_it_starts():
    with violates("assignment_ends_after_start"):
        MentorAssignmentFactory(
            start_date=datetime.date(2025, 5, 1), end_date=datetime.date(2025, 4, 30)
        )


def test_database_refuses_assignment_with_unknown_status():
    assignment = MentorAssignmentFactory()
    with violates("assignment_status_known"):
        MentorAssignment.objects.filter(pk=assignment.pk).update(status="paused")


@pytest.mark.parametrize(
    ("status", "start", "end", "day", "active"),
    [
        ("active", "2025-05-01", None, "2025-05-01", True),
        ("active", "2025-05-01", None, "2030-01-01", True),
        ("active", "2025-05-01", "2025-06-30", "2025-06-30", True),
        ("active", "2025-05-01", "2025-06-30", "2025-07-01", False),
        ("active", "2025-05-01", None, "2025-04-30", False),
        ("planned", "2025-05-01", None, "2025-05-02", False),
        ("ended", "2025-05-01", None, "2025-05-02", False),
    ],
)
def test_assignment_is_active_on_a_day_within_its_dates_while_active(
    status, start, end, day, active
):
    assignment = MentorAssignment(
        status=status,
        start_date=datetime.date.fromisoformat(start),
        end_date=end and datetime.date.fromisoformat(end),
    )
    assert assignment.is_active_on(datetime.date.fromisoformat(day)) is active


# --- MentoringSession -------------------------------------------------------------


@pytest.mark.parametrize("minutes", [0, 481])
def test_database_refuses_session_duration_outside_one_to_480_minutes(minutes):
    session = MentoringSessionFactory()
    with violates("session_duration_range"):
        MentoringSession.objects.filter(pk=session.pk).update(duration_minutes=minutes)


@pytest.mark.parametrize("rating", [0, 6])
def test_database_refuses_rating_outside_one_to_five(rating):
    session = MentoringSessionFactory()
    with violates("session_rating_range"):
        MentoringSession.objects.filter(pk=session.pk).update(mentee_rating=rating)


def test_session_without_a_rating_is_stored():
    assert MentoringSessionFactory(mentee_rating=None).pk


def test_database_refuses_session_with_unknown_mode():
    session = MentoringSessionFactory()
    with violates("session_mode_known"):
        MentoringSession.objects.filter(pk=session.pk).update(mode="letter")


def held_on_error(session: MentoringSession) -> bool:
    with pytest.raises(ValidationError) as caught:
        session.clean()
    return set(caught.value.error_dict) == {"held_on"}


def test_session_may_be_held_today_in_papua():
    # Papua is the first to reach a new day; that day is nobody's future.
    today_in_papua = timezone.localdate(timezone=EASTERNMOST_ZONE)
    MentoringSessionFactory.build(
        assignment=MentorAssignmentFactory(), held_on=today_in_papua
    ).clean()


def test_session_cannot_be_held_after_today_in_papua():
    tomorrow_in_papua = timezone.localdate(
        timezone=EASTERNMOST_ZONE
    ) + datetime.timedelta(days=1)
    session = MentoringSessionFactory.build(
        assignment=MentorAssignmentFactory(), held_on=tomorrow_in_papua
    )
    assert held_on_error(session)


def test_session_cannot_be_held_before_the_assignment_starts():
    assignment = MentorAssignmentFactory(start_date=datetime.date(2025, 5, 1))
    session = MentoringSessionFactory.build(
        assignment=assignment, held_on=datetime.date(2025, 4, 30)
    )
    assert held_on_error(session)


def test_session_cannot_be_held_after_the_assignment_ends():
    assignment = MentorAssignmentFactory(
        start_date=datetime.date(2025, 5, 1), end_date=datetime.date(2025, 6, 30)
    )
    session = MentoringSessionFactory.build(
        assignment=assignment, held_on=datetime.date(2025, 7, 1)
    )
    assert held_on_error(session)


@pytest.mark.parametrize("held_on", ["2025-05-01", "2025-06-30"])
def test_session_may_be_held_on_the_first_and_last_day_of_the_assignment(held_on):
    assignment = MentorAssignmentFactory(
        start_date=datetime.date(2025, 5, 1), end_date=datetime.date(2025, 6, 30)
    )
    MentoringSessionFactory.build(
        assignment=assignment, held_on=datetime.date.fromisoformat(held_on)
    ).clean()


# --- on_delete --------------------------------------------------------------------


def test_deleting_a_mentors_login_keeps_the_mentor_and_their_sessions():
    session = MentoringSessionFactory()
    mentor = session.assignment.mentor
    recorder = session.recorded_by
    assert recorder == mentor.user

    mentor.user.delete()

    mentor.refresh_from_db()
    session.refresh_from_db()
    assert mentor.user is None
    assert session.recorded_by is None
    assert session.assignment.mentor == mentor


def test_mentor_with_assignments_cannot_be_deleted():
    assignment = MentorAssignmentFactory()
    with pytest.raises(ProtectedError):
        assignment.mentor.delete()


def test_assignment_with_sessions_cannot_be_deleted():
    session = MentoringSessionFactory()
    with pytest.raises(ProtectedError):
        session.assignment.delete()


def test_blkk_with_a_mentor_assigned_cannot_be_deleted():
    assignment = MentorAssignmentFactory(whole_blkk=True)
    with pytest.raises(ProtectedError):
        assignment.blkk.delete()


def test_deleting_a_mentors_home_blkk_keeps_the_mentor():
    home = BlkkFactory()
    mentor = MentorFactory(home_blkk=home)
    home.delete()
    mentor.refresh_from_db()
    assert mentor.home_blkk is None
