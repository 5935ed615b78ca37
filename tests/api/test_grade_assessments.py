"""`/api/v1/grade-assessments/`: ministry staff record, correct and delete a BLKK's
grade assessments, and the BLKK's grade follows; its managers and its province's
staff read them (a write answers 403); mentors do not see them."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.admin_forms import EN
from training.models import Blkk, GradeAssessment

from .conftest import ids
from .resources import url

FIELDS = [
    "id",
    "blkk",
    "assessed_on",
    "assessed_by",
    "grade",
    "has_competent_managers",
    "has_certified_instructors",
    "is_licensed",
    "tracks_alumni",
    "has_partnerships",
    "produces_goods_or_services",
    "is_self_funding",
    "note",
]


def body(blkk, **overrides) -> dict:
    return {
        "blkk": blkk.pk,
        "grade": "mandiri",
        "has_competent_managers": True,
        "has_partnerships": True,
        "produces_goods_or_services": True,
        "note": "Kunjungan lapangan bersama IPB",
        **overrides,
    }


def grade_of(blkk) -> str:
    return Blkk.objects.get(pk=blkk.pk).grade


def test_ministry_staff_record_an_assessment_and_the_grade_follows(world, api):
    ministry = world.users["ministry"]
    blkk = world.objects[Blkk]["a"]

    response = api(ministry).post(
        url("grade-assessments"), body(blkk, assessed_by=999), format="json"
    )

    assert response.status_code == 201, response.content
    answer = response.json()
    assert list(answer) == FIELDS
    assert answer["assessed_by"] == ministry.pk  # read-only: whoever records it
    assert answer["assessed_on"] == timezone.localdate().isoformat()
    assert (answer["grade"], answer["is_licensed"]) == ("mandiri", False)
    assert grade_of(blkk) == "mandiri"
    assert api(ministry).get(url("blkks", blkk.pk)).json()["grade"] == "mandiri"


def test_a_correction_and_a_deletion_move_the_grade(world, api):
    client = api(world.users["ministry"])
    blkk = world.objects[Blkk]["a"]
    created = client.post(url("grade-assessments"), body(blkk), format="json").json()

    changed = client.patch(
        url("grade-assessments", created["id"]), {"grade": "berkembang"}, format="json"
    )
    assert changed.status_code == 200, changed.content
    assert grade_of(blkk) == "berkembang"

    deleted = client.delete(url("grade-assessments", created["id"]))
    assert deleted.status_code == 204
    # Back to the world's own assessment of A (tumbuh).
    assert grade_of(blkk) == "tumbuh"


def test_a_future_date_and_an_unknown_grade_answer_400_field_by_field(world, api):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = api(world.users["ministry"]).post(
        url("grade-assessments"),
        body(world.objects[Blkk]["a"], assessed_on=tomorrow.isoformat(), grade="emas"),
        format="json",
        **EN,
    )
    assert response.status_code == 400
    assert response.json()["assessed_on"] == ["This date cannot be in the future."]
    assert set(response.json()) == {"assessed_on", "grade"}
    assert GradeAssessment.objects.count() == 2  # the world's two


def test_an_unknown_blkk_answers_400(world, api):
    response = api(world.users["ministry"]).post(
        url("grade-assessments"), {"blkk": 987654, "grade": "mandiri"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"blkk"}


@pytest.mark.parametrize("persona", ["manager_a", "province_32", "mentor_a"])
def test_no_one_but_ministry_staff_records_an_assessment(world, api, persona):
    blkk = world.objects[Blkk]["a"]
    response = api(world.users[persona]).post(
        url("grade-assessments"), body(blkk), format="json"
    )
    assert response.status_code == 403
    assert grade_of(blkk) == "tumbuh"
    assert GradeAssessment.objects.count() == 2


@pytest.mark.parametrize("persona", ["manager_a", "province_32"])
def test_the_blkks_staff_read_but_cannot_change_or_delete(world, api, persona):
    client = api(world.users[persona])
    assessment = world.objects[GradeAssessment]["a"]

    assert client.get(url("grade-assessments", assessment.pk)).status_code == 200
    assert (
        client.patch(
            url("grade-assessments", assessment.pk), {"grade": "mandiri"}, format="json"
        ).status_code
        == 403
    )
    assert client.delete(url("grade-assessments", assessment.pk)).status_code == 403
    assert GradeAssessment.objects.get(pk=assessment.pk).grade == "tumbuh"


def test_another_blkks_manager_and_a_mentor_find_no_such_assessment(world, api):
    assessment = world.objects[GradeAssessment]["a"]
    for persona in ("manager_b", "mentor_a"):
        client = api(world.users[persona])
        assert client.get(url("grade-assessments", assessment.pk)).status_code == 404
        assert client.delete(url("grade-assessments", assessment.pk)).status_code == 404


def test_the_list_filters_by_blkk_and_grade(world, api):
    client = api(world.users["ministry"])
    blkk_a, blkk_b = world.objects[Blkk]["a"], world.objects[Blkk]["b"]
    mandiri = client.post(url("grade-assessments"), body(blkk_b), format="json")
    assert mandiri.status_code == 201

    by_blkk = ids(client.get(url("grade-assessments"), {"blkk": blkk_a.pk}))
    by_grade = ids(client.get(url("grade-assessments"), {"grade": "mandiri"}))

    assert by_blkk == {world.objects[GradeAssessment]["a"].pk}
    assert by_grade == {mandiri.json()["id"]}
    bad = client.get(url("grade-assessments"), {"grade": "emas"})
    assert bad.status_code == 400


def test_a_manager_filtering_by_another_blkk_gets_nothing(world, api):
    client = api(world.users["manager_a"])
    other = world.objects[Blkk]["b"]
    assert ids(client.get(url("grade-assessments"), {"blkk": other.pk})) == set()
