"""Hostile and malformed input answers 400 with messages, never a 500.

Messages are Indonesian by default and English with `Accept-Language: en`.
"""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from blkk_portal.api.exceptions import integrity_error_detail
from incubator.models import Cohort, Venture
from training.models import Trainee, TrainingBatch

from .resources import url

HUGE = "x" * 200_000


@pytest.fixture
def ministry(world, api):
    return api(world.users["ministry"])


@pytest.mark.parametrize(
    ("resource", "body"),
    [
        ("vocational-fields", {"code": "nul\x00", "name": "Trade"}),
        ("cohorts", {"name": "Kohort\x00", "year": 2026, "start_date": "2026-01-01"}),
        ("trainees", {"full_name": "Siti\x00Aminah", "nik": "3273014708990002"}),
        ("mentors", {"full_name": HUGE, "affiliation": "industry"}),
        ("milestones", {"title": "x", "venture": "1; DROP TABLE"}),
        ("blkks", {"code": ["A"], "name": {"x": 1}, "regency": 32.73}),
        ("training-batches", {"capacity": 10**30, "start_date": "2026-02-30"}),
        ("venture-metrics", {"venture": 2**70, "period": "2026-01", "revenue": -1}),
        ("enrollments", {"trainee": True, "batch": None}),
        ("mentoring-sessions", {"assignment": [], "held_on": 20260101}),
        ("ventures", {"founders": list(range(1000)), "name": HUGE}),
        ("graduate-outcomes", {"trainee": "abc", "monthly_income": 10**25}),
    ],
)
def test_hostile_bodies_answer_400_field_by_field(ministry, resource, body):
    response = ministry.post(url(resource), body, format="json")
    assert response.status_code == 400, response.content
    assert isinstance(response.json(), dict)
    assert response.json()


@pytest.mark.parametrize(
    "body", ["not json", "[1, 2, 3]", '"a string"', "null", "{" * 10_000]
)
def test_bodies_that_are_not_an_object_answer_400(ministry, body):
    response = ministry.post(url("cohorts"), body, content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("resource", "params"),
    [
        ("trainees", {"search": "a\x00b"}),
        ("trainees", {"search": HUGE[:5000]}),
        ("trainees", {"blkk": "abc"}),
        ("trainees", {"blkk": str(2**80)}),
        ("trainees", {"cursor": "garbage"}),
        ("blkks", {"page": "0"}),
        ("blkks", {"grade": "legendary"}),
        ("blkks", {"province": "3" * 100}),
        ("blkks", {"is_incubator": "maybe"}),
        ("enrollments", {"status": "\x00"}),
        ("mentoring-sessions", {"held_after": "yesterday"}),
        ("venture-metrics", {"period": "2026-00"}),
    ],
)
def test_hostile_query_parameters_never_break_a_list(ministry, resource, params):
    response = ministry.get(url(resource), params)
    # 400 names the parameter; an invalid page or cursor is DRF's 404.
    assert response.status_code in (400, 404), response.content


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/trainees/99999999999999999999999/",
        "/api/v1/trainees/-1/",
        "/api/v1/trainees/abc/",
        "/api/v1/regencies/99.99/",
        "/api/v1/provinces/%00/",
    ],
)
def test_unknown_ids_in_paths_answer_404(ministry, path):
    assert ministry.get(path).status_code == 404


def test_an_unknown_id_and_an_out_of_scope_id_get_the_same_answer(world, api):
    client = api(world.users["manager_a"])
    batch_b = world.objects[TrainingBatch]["b"]
    body = {"trainee": world.objects[Trainee]["a"].pk}

    outside = client.post(
        url("enrollments"), {**body, "batch": batch_b.pk}, format="json"
    )
    unknown = client.post(url("enrollments"), {**body, "batch": 987654}, format="json")

    assert outside.status_code == unknown.status_code == 400
    assert outside.json()["batch"][0].replace(str(batch_b.pk), "N") == unknown.json()[
        "batch"
    ][0].replace("987654", "N")


def test_messages_are_indonesian_by_default_and_english_on_request(ministry):
    body = {"name": "", "year": "kemarin"}

    indonesian = ministry.post(url("cohorts"), body, format="json")
    english = ministry.post(
        url("cohorts"), body, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert indonesian.status_code == english.status_code == 400
    assert indonesian.json()["name"] == ["Bidang ini tidak boleh kosong."]
    assert english.json()["name"] == ["This field may not be blank."]
    assert english.json()["year"] == ["A valid integer is required."]


def test_model_rules_answer_in_the_callers_language(world, ministry):
    cohort = world.objects[Cohort]["a"]
    body = {
        "blkk": cohort.blkk_id,
        "name": "Kohort Terbalik",
        "year": 2026,
        "start_date": "2026-05-01",
        "end_date": "2026-04-01",
    }
    english = ministry.post(
        url("cohorts"), body, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    indonesian = ministry.post(url("cohorts"), body, format="json")
    assert english.status_code == indonesian.status_code == 400
    assert english.json() != indonesian.json()


def test_deleting_a_record_others_depend_on_answers_400(world, ministry):
    cohort = world.objects[Cohort]["a"]  # a venture belongs to it
    response = ministry.delete(url("cohorts", cohort.pk))
    assert response.status_code == 400
    assert Cohort.objects.filter(pk=cohort.pk).exists()
    assert Venture.objects.filter(cohort=cohort).exists()


def test_a_duplicate_caught_only_by_the_database_is_a_400(world):
    """Two requests racing past validation meet the unique constraint: the database's
    IntegrityError must come back as the constraint's message, not a 500."""
    batch = world.objects[TrainingBatch]["a"]
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        TrainingBatch.objects.create(
            blkk=batch.blkk,
            vocational_field=batch.vocational_field,
            name=batch.name,
            start_date=batch.start_date,
            end_date=batch.end_date,
        )

    detail = integrity_error_detail(caught.value)

    assert detail == {
        "non_field_errors": ["BLKK ini sudah memiliki angkatan dengan nama tersebut."]
    }
