"""Keyset cursors: every row exactly once, in order, however many rows share a value.

DRF's own cursor skipped rows sharing its first ordering field by an offset capped at
1,000; past that, `next` returned the same page forever. These tests page through
more than 1,000 rows (and a page) that share the first ordering value.
"""

from __future__ import annotations

import datetime

import pytest

from mentoring.models import MentorAssignment, MentoringSession
from tests.training.factories import make_nik
from training.models import Trainee

TIES = 1_300


def walk(client, url, params, link="next") -> list[int]:
    """Follow `link` from `url` to the end; the ids of every page, in order."""
    seen, response = [], client.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        seen.extend(row["id"] for row in body["results"])
        if not body[link]:
            return seen
        response = client.get(body[link])


@pytest.fixture
def tied_sessions(world):
    assignment = world.objects[MentorAssignment]["a"]
    day = datetime.date(2026, 5, 4)
    MentoringSession.objects.bulk_create(
        MentoringSession(
            assignment=assignment,
            held_on=day,
            duration_minutes=30,
            mode="phone",
            topics=f"Sesi {n}",
        )
        for n in range(TIES)
    )
    return MentoringSession.objects.order_by("-held_on", "-id")


def test_every_session_once_in_order_past_a_thousand_ties(world, api, tied_sessions):
    client = api(world.users["ministry"])

    seen = walk(client, "/api/v1/mentoring-sessions/", {"page_size": 200})

    assert seen == list(tied_sessions.values_list("pk", flat=True))


def test_previous_walks_back_to_the_first_page(world, api, tied_sessions):
    client = api(world.users["ministry"])
    forward = walk(client, "/api/v1/mentoring-sessions/", {"page_size": 150})
    last_page = client.get(
        "/api/v1/mentoring-sessions/", {"page_size": 150}
    ).json()  # first page; walk to the last one to start going back
    while last_page["next"]:
        last_page = client.get(last_page["next"]).json()

    backward = [row["id"] for row in last_page["results"]]
    previous = last_page["previous"]
    while previous:
        body = client.get(previous).json()
        backward = [row["id"] for row in body["results"]] + backward
        previous = body["previous"]

    assert backward == forward


def test_trainees_sharing_one_name_page_by_id(world, api):
    blkk = world.objects[MentorAssignment]["a"].venture.cohort.blkk
    birth = datetime.date(1990, 1, 2)
    Trainee.objects.bulk_create(
        Trainee(
            nik=make_nik("32", birth, "M", 2000 + n),
            full_name="Muhammad Rizki",
            gender="M",
            birth_date=birth,
            regency_id="32.73",
            education="sma",
            prior_status="unemployed",
            blkk=blkk,
            registered_on=datetime.date(2026, 1, 5),
            consent_on=datetime.date(2026, 1, 5),
        )
        for n in range(TIES)
    )
    client = api(world.users["manager_a"])

    seen = walk(client, "/api/v1/trainees/", {"page_size": 200})

    expected = Trainee.objects.visible_to(world.users["manager_a"]).order_by(
        "full_name", "id"
    )
    assert seen == list(expected.values_list("pk", flat=True))
    assert len(seen) == len(set(seen)) == TIES + 1


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "eyJiIjowfQ==",  # {"b":0}: no values
        "eyJiIjowLCJ2IjpbMV19",  # {"b":0,"v":[1]}: one value for two fields
        "eyJiIjowLCJ2IjpbIm5vdC1hLWRhdGUiLDFdfQ==",  # a date that is not one
    ],
)
def test_a_bad_cursor_answers_404(world, api, cursor):
    response = api(world.users["ministry"]).get(
        "/api/v1/mentoring-sessions/", {"cursor": cursor}
    )
    assert response.status_code == 404
