"""Grade assessments (Peta Jalan Kemandirian BLKK): ministry staff record them, and
a BLKK's grade is its latest assessment's (by `assessed_on`, then id), else the grade
it was registered with. The services keep `Blkk.grade` (today's) in step."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.accounts.factories import UserFactory
from tests.admin_forms import admin_url, form_errors, post_change
from training import selectors, services
from training.models import Blkk, GradeAssessment

from .factories import BlkkFactory, GradeAssessmentFactory, regency

pytestmark = pytest.mark.usefixtures("english")

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
TODAY = datetime.date(2026, 3, 16)
JAN, FEB, MAR = (datetime.date(2026, month, 1) for month in (1, 2, 3))


@pytest.fixture
def frozen_today():
    # Early morning in Jakarta, still the day before in UTC: "today" is the
    # portal's, whatever the server's zone.
    with time_machine.travel(
        datetime.datetime(2026, 3, 16, 6, 0, tzinfo=JAKARTA), tick=False
    ):
        yield


def record(blkk, grade, assessed_on=None, *, by, **criteria) -> GradeAssessment:
    return services.grade_assessment_record(
        blkk=blkk, grade=grade, assessed_on=assessed_on, by=by, **criteria
    )


def grade_of(blkk) -> str:
    return Blkk.objects.get(pk=blkk.pk).grade


# --- recording sets the grade ---------------------------------------------------------


def test_recording_an_assessment_sets_the_blkks_grade(blkk_a, ministry_user):
    assessment = record(
        blkk_a,
        "berkembang",
        FEB,
        by=ministry_user,
        has_partnerships=True,
        note="Kunjungan lapangan",
    )

    assert grade_of(blkk_a) == "berkembang"
    stored = GradeAssessment.objects.get(pk=assessment.pk)
    assert (stored.blkk_id, stored.assessed_on, stored.grade) == (
        blkk_a.pk,
        FEB,
        "berkembang",
    )
    assert stored.assessed_by == ministry_user
    assert stored.has_partnerships is True
    assert stored.is_self_funding is False
    assert stored.missing_criteria() == [
        "has_competent_managers",
        "has_certified_instructors",
        "is_licensed",
        "tracks_alumni",
        "produces_goods_or_services",
        "is_self_funding",
    ]


@pytest.mark.usefixtures("frozen_today")
def test_an_assessment_is_dated_today_unless_told(blkk_a, ministry_user):
    assert record(blkk_a, "mandiri", by=ministry_user).assessed_on == TODAY


def test_the_grade_change_is_kept_in_the_blkks_history(blkk_a, ministry_user):
    assessment = record(blkk_a, "mandiri", FEB, by=ministry_user)

    latest = Blkk.history.filter(id=blkk_a.pk).order_by("-history_id").first()
    assert latest.grade == "mandiri"
    assert latest.history_user == ministry_user
    assert latest.history_change_reason == f"grade assessment {assessment.pk} recorded"


def test_the_assessor_gives_the_grade_whatever_the_criteria(blkk_a, ministry_user):
    # Every criterion met, yet the assessor says tumbuh: the grade is theirs.
    criteria = dict.fromkeys(
        [
            "has_competent_managers",
            "has_certified_instructors",
            "is_licensed",
            "tracks_alumni",
            "has_partnerships",
            "produces_goods_or_services",
            "is_self_funding",
        ],
        True,
    )
    Blkk.objects.filter(pk=blkk_a.pk).update(grade="mandiri")
    record(blkk_a, "tumbuh", FEB, by=ministry_user, **criteria)
    assert grade_of(blkk_a) == "tumbuh"


def test_an_earlier_dated_assessment_recorded_later_leaves_todays_grade(
    blkk_a, ministry_user
):
    record(blkk_a, "mandiri", FEB, by=ministry_user)

    record(blkk_a, "berkembang", JAN, by=ministry_user)

    assert grade_of(blkk_a) == "mandiri"
    assert selectors.blkk_grade_on(blkk_a, datetime.date(2026, 1, 31)) == "berkembang"


def test_of_two_assessments_in_a_month_the_latest_dated_wins(blkk_a, ministry_user):
    record(blkk_a, "mandiri", datetime.date(2026, 2, 20), by=ministry_user)
    record(blkk_a, "berkembang", datetime.date(2026, 2, 3), by=ministry_user)
    assert grade_of(blkk_a) == "mandiri"


def test_of_two_assessments_on_one_day_the_one_recorded_last_wins(
    blkk_a, ministry_user
):
    record(blkk_a, "mandiri", FEB, by=ministry_user)
    record(blkk_a, "berkembang", FEB, by=ministry_user)
    assert grade_of(blkk_a) == "berkembang"


def test_another_blkks_grade_is_left_alone(blkk_a, blkk_b, ministry_user):
    record(blkk_a, "mandiri", FEB, by=ministry_user)
    assert grade_of(blkk_b) == "tumbuh"


# --- bad input ------------------------------------------------------------------------


@pytest.mark.usefixtures("frozen_today")
def test_an_assessment_in_the_future_is_refused(blkk_a, ministry_user):
    with pytest.raises(ValidationError) as caught:
        record(blkk_a, "mandiri", TODAY + datetime.timedelta(days=1), by=ministry_user)
    assert caught.value.message_dict == {
        "assessed_on": ["This date cannot be in the future."]
    }
    assert not GradeAssessment.objects.exists()
    assert grade_of(blkk_a) == "tumbuh"


def test_an_unknown_grade_is_refused_and_nothing_changes(blkk_a, ministry_user):
    with pytest.raises(ValidationError) as caught:
        record(blkk_a, "legendaris", FEB, by=ministry_user)
    assert list(caught.value.message_dict) == ["grade"]
    assert not GradeAssessment.objects.exists()


# --- corrections and deletions --------------------------------------------------------


def test_correcting_the_latest_grade_moves_the_blkks_grade(blkk_a, ministry_user):
    assessment = record(blkk_a, "berkembang", FEB, by=ministry_user)

    services.grade_assessment_update(
        assessment=assessment, grade="mandiri", by=ministry_user
    )

    assert grade_of(blkk_a) == "mandiri"


def test_redating_an_assessment_before_another_hands_the_grade_over(
    blkk_a, ministry_user
):
    first = record(blkk_a, "berkembang", JAN, by=ministry_user)
    second = record(blkk_a, "mandiri", FEB, by=ministry_user)

    services.grade_assessment_update(
        assessment=second, assessed_on=datetime.date(2025, 12, 1), by=ministry_user
    )

    assert grade_of(blkk_a) == first.grade == "berkembang"


def test_moving_an_assessment_to_another_blkk_recomputes_both(
    blkk_a, blkk_b, ministry_user
):
    assessment = record(blkk_a, "mandiri", FEB, by=ministry_user)

    services.grade_assessment_update(
        assessment=assessment, blkk=blkk_b, by=ministry_user
    )

    assert (grade_of(blkk_a), grade_of(blkk_b)) == ("tumbuh", "mandiri")


def test_a_correction_keeps_the_assessor(blkk_a, ministry_user):
    assessment = record(blkk_a, "mandiri", FEB, by=ministry_user)
    colleague = UserFactory(ministry=True)

    services.grade_assessment_update(assessment=assessment, note="Revisi", by=colleague)

    assert GradeAssessment.objects.get(pk=assessment.pk).assessed_by == ministry_user


def test_the_assessor_cannot_be_changed(blkk_a, ministry_user, manager_a):
    assessment = record(blkk_a, "mandiri", FEB, by=ministry_user)
    with pytest.raises(ValidationError) as caught:
        services.grade_assessment_update(
            assessment=assessment, assessed_by=manager_a, by=ministry_user
        )
    assert caught.value.message_dict == {
        "assessed_by": ["The assessor is whoever recorded the assessment."]
    }


def test_deleting_the_latest_assessment_falls_back_to_the_one_before(
    blkk_a, ministry_user
):
    record(blkk_a, "berkembang", JAN, by=ministry_user)
    latest = record(blkk_a, "mandiri", FEB, by=ministry_user)

    services.grade_assessment_delete(assessment=latest, by=ministry_user)

    assert grade_of(blkk_a) == "berkembang"


def test_deleting_the_only_assessment_restores_the_registered_grade(ministry_user, db):
    blkk = services.blkk_create(
        code="BLKK-32.73-900",
        name="BLKK Baru",
        host_institution="Pondok Pesantren Baru",
        institution_type="pesantren",
        regency=regency("32.73"),
        grade="berkembang",
        by=ministry_user,
    )
    assessment = record(blkk, "mandiri", FEB, by=ministry_user)
    assert grade_of(blkk) == "mandiri"

    services.grade_assessment_delete(assessment=assessment, by=ministry_user)

    stored = Blkk.objects.get(pk=blkk.pk)
    assert (stored.grade, stored.registered_grade) == ("berkembang", "berkembang")


# --- who records them -----------------------------------------------------------------


@pytest.mark.parametrize("persona", ["manager_a", "province_user", "mentor_a"])
def test_only_ministry_staff_record_change_or_delete_assessments(
    request, blkk_a, ministry_user, persona
):
    user = request.getfixturevalue(persona)
    assessment = record(blkk_a, "berkembang", JAN, by=ministry_user)

    with pytest.raises(PermissionDenied):
        record(blkk_a, "mandiri", FEB, by=user)
    with pytest.raises(PermissionDenied):
        services.grade_assessment_update(
            assessment=assessment, grade="mandiri", by=user
        )
    with pytest.raises(PermissionDenied):
        services.grade_assessment_delete(assessment=assessment, by=user)

    assert grade_of(blkk_a) == "berkembang"
    assert GradeAssessment.objects.count() == 1


def test_a_command_records_with_no_assessor(blkk_a):
    assessment = record(blkk_a, "mandiri", FEB, by=None)
    assert assessment.assessed_by is None
    assert grade_of(blkk_a) == "mandiri"


# --- the selector ---------------------------------------------------------------------


def test_the_grade_on_a_date_follows_the_assessments_then_the_registration(db):
    blkk = BlkkFactory(grade="berkembang", registered_grade="berkembang")
    GradeAssessmentFactory(blkk=blkk, assessed_on=FEB, grade="mandiri")
    GradeAssessmentFactory(blkk=blkk, assessed_on=MAR, grade="tumbuh")
    GradeAssessmentFactory(blkk=blkk, assessed_on=MAR, grade="berkembang")

    on = selectors.blkk_grade_on
    assert on(blkk, datetime.date(2026, 1, 31)) == "berkembang"  # registered
    assert on(blkk, FEB) == "mandiri"
    assert on(blkk, datetime.date(2026, 2, 28)) == "mandiri"
    assert on(blkk, MAR) == "berkembang"  # same day: the later id


def test_the_grade_on_a_date_takes_one_query(blkk_a):
    GradeAssessmentFactory.create_batch(3, blkk=blkk_a)
    with CaptureQueriesContext(connection) as queries:
        selectors.blkk_grade_on(blkk_a, TODAY)
    assert len(queries) == 1


# --- the admin ------------------------------------------------------------------------


def test_ministry_staff_record_an_assessment_in_the_admin_through_the_service(
    client, blkk_a, ministry_user
):
    client.force_login(ministry_user)
    add = admin_url(GradeAssessment, "add")
    page = client.get(add, {"blkk": blkk_a.pk})
    form = page.context["adminform"].form
    assert form["blkk"].value() == str(blkk_a.pk)
    assert "assessed_by" not in form.fields

    response = client.post(
        add,
        {
            "blkk": blkk_a.pk,
            "assessed_on": "2026-02-01",
            "grade": "mandiri",
            "produces_goods_or_services": "on",
            "assessed_by": manager_id(blkk_a),
        },
    )

    assert response.status_code == 302, form_errors(response)
    assessment = GradeAssessment.objects.get(blkk=blkk_a)
    assert assessment.assessed_by == ministry_user
    assert grade_of(blkk_a) == "mandiri"


def manager_id(blkk) -> int:
    return UserFactory(blkk_manager=True, managed_blkks=[blkk]).pk


def test_a_correction_in_the_admin_moves_the_grade(client, blkk_a, ministry_user):
    assessment = record(blkk_a, "berkembang", FEB, by=ministry_user)
    client.force_login(ministry_user)
    response = post_change(client, assessment, grade="mandiri")
    assert response.status_code == 302, form_errors(response)
    assert grade_of(blkk_a) == "mandiri"


def test_managers_read_their_assessments_in_the_admin_and_cannot_add(
    admin_client_for, world
):
    client = admin_client_for("manager_a")
    listed = client.get(admin_url(GradeAssessment, "changelist"))
    assert list(listed.context["cl"].result_list) == [
        world.objects[GradeAssessment]["a"]
    ]
    assert client.get(admin_url(GradeAssessment, "add")).status_code == 403
    assessment = world.objects[GradeAssessment]["a"]
    response = client.post(
        admin_url(GradeAssessment, "change", assessment.pk), {"grade": "mandiri"}
    )
    assert response.status_code == 403


def test_the_admin_lists_one_blkks_assessments(admin_client_for, world):
    blkk = world.objects[Blkk]["b"]
    response = admin_client_for("ministry").get(
        admin_url(GradeAssessment, "changelist"), {"blkk__id__exact": blkk.pk}
    )
    assert list(response.context["cl"].result_list) == [
        world.objects[GradeAssessment]["b"]
    ]


def test_the_admins_list_of_assessments_does_not_grow_in_queries(
    admin_client_for, world, django_assert_max_num_queries
):
    client = admin_client_for("ministry")
    changelist = admin_url(GradeAssessment, "changelist")
    with CaptureQueriesContext(connection) as few:
        assert client.get(changelist).status_code == 200
    GradeAssessmentFactory.create_batch(10, assessed_by=UserFactory(ministry=True))
    with django_assert_max_num_queries(len(few)):
        assert client.get(changelist).status_code == 200


def test_a_blkks_admin_page_does_not_grow_in_queries_with_its_assessments(
    admin_client_for, world, django_assert_max_num_queries
):
    client = admin_client_for("ministry")
    blkk = world.objects[Blkk]["a"]
    page = admin_url(Blkk, "change", blkk.pk)
    with CaptureQueriesContext(connection) as few:
        assert client.get(page).status_code == 200
    for _ in range(5):
        GradeAssessmentFactory(blkk=blkk, assessed_by=UserFactory(ministry=True))
    with django_assert_max_num_queries(len(few)):
        assert client.get(page).status_code == 200
