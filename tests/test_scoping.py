"""The scoping matrix: for each role and each model, what is visible and what is not."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from blkk_portal.access import access_of, declared_models
from blkk_portal.accounts.models import Role
from incubator.models import (
    ApplicationReview,
    Assistance,
    AssistanceStatusChange,
    Cohort,
    CohortApplication,
    Milestone,
    StageChange,
    Venture,
    VentureMetric,
)
from mentoring.models import Mentor, MentorAssignment, MentoringSession
from mentoring.services import user_create
from reports.models import ProgressReport
from tests import reference
from training import services as training_services
from training.models import (
    Blkk,
    BlkkHandover,
    Certification,
    Enrollment,
    GradeAssessment,
    GraduateOutcome,
    Instructor,
    InstructorQualification,
    Partner,
    Partnership,
    Placement,
    Trainee,
    TrainingBatch,
)

BOTH, ONLY_A, ONLY_B, NONE = {"a", "b"}, {"a"}, {"b"}, set()

# What a mentor of a venture reaches: the venture, its records, founders, BLKK, cohort.
MENTOR_A_SEES = {
    Blkk: ONLY_A,
    BlkkHandover: NONE,
    TrainingBatch: NONE,
    Trainee: ONLY_A,
    Enrollment: NONE,
    Certification: NONE,
    GraduateOutcome: NONE,
    Cohort: ONLY_A,
    Venture: ONLY_A,
    StageChange: ONLY_A,
    Milestone: ONLY_A,
    VentureMetric: ONLY_A,
    ProgressReport: NONE,
    Mentor: ONLY_A,
    MentorAssignment: ONLY_A,
    MentoringSession: ONLY_A,
    # Programme records: a mentor reaches none of a BLKK's own; partners are shared
    # by everyone signed in, and so are national partnerships (tested apart).
    Instructor: NONE,
    InstructorQualification: NONE,
    Partner: BOTH,
    Partnership: NONE,
    Placement: NONE,
    GradeAssessment: NONE,
    # Intake: a mentor assigned to a BLKK's venture reads its cohort applications
    # (to review them) and only their own reviews (none in the world).
    CohortApplication: ONLY_A,
    ApplicationReview: NONE,
    # Assistance is read by staff alone (ministry, province, the BLKK's managers).
    Assistance: NONE,
    AssistanceStatusChange: NONE,
}
# Partners are shared reference data, read by everyone signed in.
SHARED_BY_EVERYONE = {Partner: BOTH}
# Every model that declares its access (blkk_portal.access), reference data aside: a
# new scoped model fails `test_every_scoped_model_has_its_expectations` until the
# table above says what each role sees of it.
SCOPED_MODELS = [model for model in declared_models() if not access_of(model).reference]
REFERENCE_MODELS = [model for model in declared_models() if access_of(model).reference]

EXPECTED = {
    "ministry": dict.fromkeys(SCOPED_MODELS, BOTH),
    "province_32": {**dict.fromkeys(SCOPED_MODELS, ONLY_A), **SHARED_BY_EVERYONE},
    "manager_a": {**dict.fromkeys(SCOPED_MODELS, ONLY_A), **SHARED_BY_EVERYONE},
    "manager_b": {**dict.fromkeys(SCOPED_MODELS, ONLY_B), **SHARED_BY_EVERYONE},
    "mentor_a": MENTOR_A_SEES,
    "mentor_b": {
        model: (SHARED_BY_EVERYONE.get(model, ONLY_B) if sides else NONE)
        for model, sides in MENTOR_A_SEES.items()
    },
}


def visible_sides(world, user, model) -> set[str]:
    visible = set(model.objects.visible_to(user).values_list("pk", flat=True))
    return {side for side, obj in world.objects[model].items() if obj.pk in visible}


def test_every_scoped_model_has_its_expectations():
    missing = {model._meta.label for model in SCOPED_MODELS} - {
        model._meta.label for model in MENTOR_A_SEES
    }
    assert not missing, f"write what each role sees of {sorted(missing)}"
    assert set(MENTOR_A_SEES) == set(SCOPED_MODELS)


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_reference_data_is_the_same_for_everyone_signed_in(world, persona):
    user = world.users[persona]
    for model in REFERENCE_MODELS:
        assert model.objects.visible_to(user).count() == model.objects.count() > 0
        assert not model.objects.visible_to(AnonymousUser()).exists()


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_each_role_sees_exactly_its_scope_of_every_model(world, persona):
    user = world.users[persona]
    seen = {model: visible_sides(world, user, model) for model in SCOPED_MODELS}
    assert seen == EXPECTED[persona]


def test_anonymous_and_inactive_users_see_nothing(world):
    inactive = world.users["ministry"]
    inactive.is_active = False
    for model in SCOPED_MODELS:
        assert not model.objects.visible_to(AnonymousUser()).exists()
        assert not model.objects.visible_to(inactive).exists()


def test_staff_of_a_province_without_a_blkk_see_none_of_its_records(world):
    # A province's BLKKs are read as a list; an empty list must mean no rows,
    # not every row nor an error, through every shape of scope built from it.
    staff = user_create(
        username="province_91",
        password="x-not-used-x",
        role=Role.PROVINCE,
        full_name="Staf Papua Barat Daya",
        email="province_91@example.id",
        province=reference.province("96"),
    )
    seen = {model: visible_sides(world, staff, model) for model in SCOPED_MODELS}

    assert seen == {**dict.fromkeys(SCOPED_MODELS, NONE), **SHARED_BY_EVERYONE}
    assert not MentoringSession.objects.visible_to(staff).exists()


def test_a_person_enrolled_at_another_blkk_becomes_visible_there(world):
    trainee_b = world.objects[Trainee]["b"]
    batch_a = world.objects[TrainingBatch]["a"]
    manager_a = world.users["manager_a"]
    assert not Trainee.objects.visible_to(manager_a).filter(pk=trainee_b.pk).exists()

    training_services.enrollment_create(trainee=trainee_b, batch=batch_a, by=None)

    assert Trainee.objects.visible_to(manager_a).filter(pk=trainee_b.pk).exists()
    # The person's records follow them; the other BLKK's batches do not.
    assert (
        Certification.objects.visible_to(manager_a).filter(trainee=trainee_b).exists()
    )
    assert not TrainingBatch.objects.visible_to(manager_a).filter(
        blkk__code__endswith="002"
    )


def test_full_nik_is_shown_to_ministry_and_own_managers_only(world):
    trainee_a = world.objects[Trainee]["a"]

    def full_nik_visible(persona):
        user = world.users[persona]
        return (
            Trainee.objects.visible_to(user)
            .with_full_nik_flag(user)
            .get(pk=trainee_a.pk)
            .full_nik_visible
        )

    assert full_nik_visible("ministry") is True
    assert full_nik_visible("manager_a") is True
    assert full_nik_visible("province_32") is False
    assert full_nik_visible("mentor_a") is False


def test_national_and_own_province_reports_are_shared(world):
    period = datetime.date(2026, 4, 1)
    generated = datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC)
    national = ProgressReport.objects.create(
        scope="national", scope_code="", period=period, generated_at=generated
    )
    jabar = ProgressReport.objects.create(
        scope="province", scope_code="32", period=period, generated_at=generated
    )
    jatim = ProgressReport.objects.create(
        scope="province", scope_code="35", period=period, generated_at=generated
    )

    def shared(persona):
        visible = ProgressReport.objects.visible_to(world.users[persona])
        return set(visible.filter(pk__in=[national.pk, jabar.pk, jatim.pk]))

    assert shared("ministry") == {national, jabar, jatim}
    assert shared("province_32") == {national, jabar}
    assert shared("manager_a") == {national}
    assert shared("mentor_b") == {national}


def test_a_manager_who_also_mentors_sees_the_union(world):
    from mentoring.models import Mentor as MentorModel

    manager_a = world.users["manager_a"]
    MentorAssignment.objects.filter(pk=world.objects[MentorAssignment]["b"].pk).update(
        mentor=MentorModel.objects.create(
            user=manager_a, full_name="Alice", affiliation="blk"
        )
    )
    visible = visible_sides(world, manager_a, Venture)
    assert visible == BOTH
    assert visible_sides(world, manager_a, TrainingBatch) == ONLY_A
