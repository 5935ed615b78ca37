"""A BLKK's grade assessments in the portal (`/blkk/CODE/assessments/`): its managers,
ministry staff and its province's staff read them, newest first; ministry staff
alone record one (`.../assessments/new/`), with the API's field names and messages."""

from __future__ import annotations

import datetime
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.api.resources import url as api_url
from training.models import Blkk, GradeAssessment

from .factories import GradeAssessmentFactory

pytestmark = pytest.mark.django_db

JAN, FEB = datetime.date(2026, 1, 12), datetime.date(2026, 2, 3)


def list_page(blkk) -> str:
    return reverse("assessment-list", args=[blkk.code])


def new_page(blkk) -> str:
    return reverse("assessment-create", args=[blkk.code])


def english(client) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": "/"})


def posted(**overrides) -> dict:
    return {
        "assessed_on": "2026-02-03",
        "grade": "berkembang",
        "has_competent_managers": "on",
        "has_partnerships": "on",
        "note": "Kemitraan dengan IPB berjalan",
        **overrides,
    }


# --- reading --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["manager_a", "ministry_user", "province_user"])
def test_the_blkks_staff_read_its_assessments_newest_first(
    request, client, blkk_a, ministry_user, persona
):
    older = GradeAssessmentFactory(
        blkk=blkk_a, assessed_on=JAN, grade="tumbuh", assessed_by=ministry_user
    )
    newer = GradeAssessmentFactory(
        blkk=blkk_a,
        assessed_on=FEB,
        grade="berkembang",
        assessed_by=ministry_user,
        note="Sudah bermitra dengan PT Garmen",
    )
    GradeAssessmentFactory()  # another BLKK's
    client.force_login(request.getfixturevalue(persona))
    english(client)

    response = client.get(list_page(blkk_a))

    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [newer, older]
    content = unescape(response.content.decode())
    assert "Berkembang (has partnerships)" in content
    assert "3 February 2026" in content
    assert "by Rina Kemnaker" in content
    assert "Sudah bermitra dengan PT Garmen" in content
    assert "4 of 7 criteria met" in content


def test_each_criterion_says_met_or_not_in_words_not_only_colour(
    client, blkk_a, manager_a
):
    GradeAssessmentFactory(blkk=blkk_a, has_partnerships=True, is_self_funding=False)
    client.force_login(manager_a)
    english(client)

    content = client.get(list_page(blkk_a)).content.decode()

    assert "Partnerships with government and industry: " in content
    assert (
        '<li class="criterion met"><span class="mark" aria-hidden="true">&#10003;'
        "</span> Partnerships with government and industry: "
        '<span class="state">met</span></li>'
    ) in content
    assert (
        '<span class="mark" aria-hidden="true">&#10007;</span> Self-funding (paid '
        'training or incubator): <span class="state">not met</span>'
    ) in content


def test_the_page_shows_the_grade_today_and_at_registration(client, blkk_a, manager_a):
    Blkk.objects.filter(pk=blkk_a.pk).update(grade="mandiri")
    client.force_login(manager_a)
    english(client)
    content = unescape(client.get(list_page(blkk_a)).content.decode())
    assert "Mandiri (produces goods or services)" in content
    assert "Tumbuh (licensed, running training)" in content


def test_a_blkk_never_assessed_says_so(client, blkk_a, manager_a):
    client.force_login(manager_a)
    english(client)
    content = client.get(list_page(blkk_a)).content.decode()
    assert "No assessment recorded yet." in content


def test_the_list_takes_the_same_queries_for_many_assessments(
    client, blkk_a, manager_a, ministry_user, django_assert_max_num_queries
):
    GradeAssessmentFactory(blkk=blkk_a, assessed_by=ministry_user)
    client.force_login(manager_a)
    client.get(list_page(blkk_a))  # the session and the language settle
    with CaptureQueriesContext(connection) as few:
        assert client.get(list_page(blkk_a)).status_code == 200
    for _ in range(20):
        GradeAssessmentFactory(blkk=blkk_a, assessed_by=UserFactory(ministry=True))
    with django_assert_max_num_queries(len(few)):
        assert client.get(list_page(blkk_a)).status_code == 200


def test_the_menu_of_a_blkks_pages_leads_to_its_assessments(client, blkk_a, manager_a):
    client.force_login(manager_a)
    content = client.get(list_page(blkk_a)).content.decode()
    assert f'href="{list_page(blkk_a)}" aria-current="page"' in content


# --- recording (ministry staff) -------------------------------------------------------


def test_ministry_staff_record_an_assessment_and_the_grade_follows(
    client, blkk_a, ministry_user
):
    client.force_login(ministry_user)
    listing = client.get(list_page(blkk_a)).content.decode()
    assert f'href="{new_page(blkk_a)}"' in listing
    form = client.get(new_page(blkk_a))
    assert form.status_code == 200
    assert form.context["form"]["assessed_on"].value() == timezone.localdate()

    response = client.post(new_page(blkk_a), posted())

    assert response.status_code == 303
    assert response["Location"] == list_page(blkk_a)
    assessment = GradeAssessment.objects.get(blkk=blkk_a)
    assert (assessment.grade, assessment.assessed_by) == ("berkembang", ministry_user)
    assert (assessment.has_partnerships, assessment.is_licensed) == (True, False)
    assert Blkk.objects.get(pk=blkk_a.pk).grade == "berkembang"
    # Corrections and deletions are the admin's (through the same services).
    correct = reverse("admin:training_gradeassessment_change", args=[assessment.pk])
    assert f'href="{correct}"' in client.get(list_page(blkk_a)).content.decode()


def test_the_form_uses_the_apis_field_names_and_checkboxes(
    client, blkk_a, ministry_user
):
    client.force_login(ministry_user)
    form = client.get(new_page(blkk_a)).context["form"]
    assert list(form.fields) == [
        "assessed_on",
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
    assert form["is_licensed"].widget_type == "checkbox"
    assert form["assessed_on"].widget_type == "date"


def test_bad_input_gets_the_apis_messages_and_stores_nothing(
    client, api, blkk_a, ministry_user
):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    client.force_login(ministry_user)

    response = client.post(new_page(blkk_a), posted(assessed_on=tomorrow, grade=""))

    assert response.status_code == 200
    errors = response.context["form"].errors
    answer = api(ministry_user).post(
        api_url("grade-assessments"),
        {"blkk": blkk_a.pk, "assessed_on": tomorrow, "grade": ""},
        format="json",
        HTTP_ACCEPT_LANGUAGE="id",
    )
    assert answer.status_code == 400
    assert errors["assessed_on"] == answer.json()["assessed_on"]
    assert set(errors) == {"assessed_on", "grade"}
    assert not GradeAssessment.objects.exists()


@pytest.mark.parametrize("persona", ["manager_a", "province_user"])
def test_managers_and_province_staff_get_no_button_and_403(
    request, client, blkk_a, persona
):
    client.force_login(request.getfixturevalue(persona))
    assert new_page(blkk_a) not in client.get(list_page(blkk_a)).content.decode()
    assert client.get(new_page(blkk_a)).status_code == 403
    assert client.post(new_page(blkk_a), posted()).status_code == 403
    assert not GradeAssessment.objects.exists()
    assert Blkk.objects.get(pk=blkk_a.pk).grade == "tumbuh"


@pytest.mark.parametrize("persona", ["manager_b", "mentor_a"])
def test_another_blkks_manager_or_a_mentor_finds_no_such_page(
    request, client, blkk_a, persona
):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(list_page(blkk_a)).status_code == 404
    assert client.post(new_page(blkk_a), posted()).status_code == 404


def test_province_staff_of_another_province_find_no_such_page(
    client, blkk_b, province_user
):
    client.force_login(province_user)
    assert client.get(list_page(blkk_b)).status_code == 404


def test_the_pages_ask_to_sign_in_first(client, blkk_a):
    for page in (list_page(blkk_a), new_page(blkk_a)):
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
