"""Mentors, assignments and sessions via the API: a mentor writes only their own."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from mentoring.models import Mentor, MentorAssignment, MentoringSession

from .conftest import ids


def session_body(assignment, **overrides) -> dict:
    body = {
        "assignment": assignment.pk,
        "held_on": timezone.localdate().isoformat(),
        "duration_minutes": 60,
        "mode": "phone",
        "topics": "Harga jual dan pencatatan kas",
        "mentee_rating": 5,
    }
    return {**body, **overrides}


def test_a_mentor_records_a_session_of_their_active_assignment(world, api):
    assignment = world.objects[MentorAssignment]["a"]

    response = api(world.users["mentor_a"]).post(
        "/api/v1/mentoring-sessions/", session_body(assignment), format="json"
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["recorded_by"] == world.users["mentor_a"].pk
    assert body["mentor"] == assignment.mentor_id


def test_a_mentor_cannot_record_for_someone_elses_assignment(world, api):
    other = world.objects[MentorAssignment]["b"]
    response = api(world.users["mentor_a"]).post(
        "/api/v1/mentoring-sessions/", session_body(other), format="json"
    )
    # Not theirs to see: refused like an unknown id.
    assert response.status_code == 400
    assert "assignment" in response.json()


def test_an_ended_assignment_takes_no_more_sessions(world, api):
    assignment = world.objects[MentorAssignment]["a"]
    assignment.status = "ended"
    assignment.save()
    response = api(world.users["mentor_a"]).post(
        "/api/v1/mentoring-sessions/", session_body(assignment), format="json"
    )
    assert response.status_code == 400
    assert "assignment" in response.json()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"held_on": "2999-01-01"}, "held_on"),
        ({"held_on": "2026-01-01"}, "held_on"),  # before the assignment started
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": 481}, "duration_minutes"),
        ({"mentee_rating": 6}, "mentee_rating"),
        ({"mode": "telepathy"}, "mode"),
        ({"topics": ""}, "topics"),
    ],
)
def test_bad_sessions_are_refused_field_by_field(world, api, overrides, field):
    assignment = world.objects[MentorAssignment]["a"]
    response = api(world.users["mentor_a"]).post(
        "/api/v1/mentoring-sessions/",
        session_body(assignment, **overrides),
        format="json",
    )
    assert response.status_code == 400
    assert field in response.json()


def test_a_mentor_edits_a_session_until_the_day_after_recording_it(world, api):
    session = world.objects[MentoringSession]["a"]
    client = api(world.users["mentor_a"])
    url = f"/api/v1/mentoring-sessions/{session.pk}/"

    assert (
        client.patch(url, {"notes": "Tambah catatan"}, format="json").status_code == 200
    )

    session.created_at = timezone.now() - datetime.timedelta(days=3)
    session.save()
    late = client.patch(url, {"notes": "Terlambat"}, format="json")
    assert late.status_code == 403
    # Ministry staff correct any session at any time.
    ministry = api(world.users["ministry"]).patch(
        url, {"notes": "Koreksi"}, format="json"
    )
    assert ministry.status_code == 200


def test_session_filters(world, api):
    session = world.objects[MentoringSession]["a"]
    client = api(world.users["ministry"])
    held = session.held_on.isoformat()
    mentor_id = session.assignment.mentor_id
    assert ids(client.get("/api/v1/mentoring-sessions/", {"mentor": mentor_id})) == {
        session.pk
    }
    assert ids(
        client.get("/api/v1/mentoring-sessions/", {"assignment": session.assignment_id})
    ) == {session.pk}
    # Both bounds are inclusive.
    both_days = {"held_after": held, "held_before": held}
    assert session.pk in ids(client.get("/api/v1/mentoring-sessions/", both_days))
    assert (
        ids(client.get("/api/v1/mentoring-sessions/", {"held_after": "2999-01-01"}))
        == set()
    )


def test_ministry_assigns_a_mentor_within_capacity(world, api):
    mentor = world.objects[Mentor]["a"]
    mentor.max_active_assignments = 1
    mentor.save()
    body = {
        "mentor": mentor.pk,
        "blkk": world.objects[MentorAssignment]["b"].venture.cohort.blkk_id,
        "start_date": "2026-05-01",
        "status": "active",
    }
    response = api(world.users["ministry"]).post(
        "/api/v1/mentor-assignments/", body, format="json"
    )
    assert response.status_code == 400
    assert "mentor" in response.json()


def test_an_assignment_names_a_venture_or_a_blkk_not_both(world, api):
    assignment = world.objects[MentorAssignment]["a"]
    body = {
        "mentor": world.objects[Mentor]["b"].pk,
        "venture": assignment.venture_id,
        "blkk": assignment.venture.cohort.blkk_id,
        "start_date": "2026-05-01",
    }
    response = api(world.users["ministry"]).post(
        "/api/v1/mentor-assignments/", body, format="json"
    )
    assert response.status_code == 400


@pytest.mark.parametrize("persona", ["manager_a", "mentor_a", "province_32"])
def test_only_ministry_staff_manage_mentors_and_assignments(world, api, persona):
    client = api(world.users[persona])
    mentor = {"full_name": "Mentor Baru", "affiliation": "industry"}
    assert client.post("/api/v1/mentors/", mentor, format="json").status_code == 403
    assignment = {"mentor": world.objects[Mentor]["a"].pk, "start_date": "2026-05-01"}
    response = client.post("/api/v1/mentor-assignments/", assignment, format="json")
    assert response.status_code == 403
