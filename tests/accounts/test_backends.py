"""What each role may do, by kind of record (rows are scoped separately)."""

from __future__ import annotations

import pytest

from blkk_portal.accounts.models import User
from mentoring.models import Mentor


def user(role: str, **extra) -> User:
    return User.objects.create(username=f"u-{role}", role=role, **extra)


@pytest.mark.django_db
def test_ministry_may_do_everything():
    ministry = user("ministry")
    assert ministry.has_perm("training.delete_blkk")
    assert ministry.has_perm("accounts.add_user")


@pytest.mark.django_db
def test_province_staff_only_view():
    staff = user("province", province_id="32")
    assert staff.has_perm("training.view_trainee")
    assert not staff.has_perm("training.change_trainee")
    assert not staff.has_perm("training.add_enrollment")
    assert not staff.has_perm("accounts.view_user")


@pytest.mark.django_db
def test_manager_writes_training_and_incubation_but_not_the_registry():
    manager = user("blkk_manager")
    assert manager.has_perm("training.add_trainee")
    assert manager.has_perm("incubator.change_venture")
    assert manager.has_perm(
        "training.change_blkk"
    )  # contact details only, in the admin
    assert not manager.has_perm("training.add_blkk")
    assert not manager.has_perm("training.delete_blkk")
    assert not manager.has_perm("mentoring.add_mentoringsession")


@pytest.mark.django_db
def test_mentor_writes_sessions_and_metrics_only():
    mentor = user("mentor")
    assert mentor.has_perm("mentoring.add_mentoringsession")
    assert mentor.has_perm("incubator.add_venturemetric")
    assert not mentor.has_perm("incubator.delete_venturemetric")
    assert not mentor.has_perm("training.view_enrollment")
    assert not mentor.has_perm("training.add_trainee")


@pytest.mark.django_db
def test_a_manager_with_a_mentor_profile_also_gets_mentor_permissions():
    manager = user("blkk_manager")
    assert not manager.has_perm("mentoring.add_mentoringsession")
    Mentor.objects.create(user=manager, full_name="Alice", affiliation="blk")
    manager = User.objects.get(pk=manager.pk)
    assert manager.has_perm("mentoring.add_mentoringsession")


@pytest.mark.django_db
def test_inactive_users_have_no_permission():
    ministry = user("ministry", is_active=False)
    assert not ministry.has_perm("training.view_blkk")


# What each role may do with each kind of record, as DESIGN.md's roles table says;
# written by hand so that the declarations (blkk_portal.access) are checked against
# the design, not against themselves. A model that declares its access and is
# missing here fails `test_every_declared_model_has_expected_permissions`.
R, W = {"view"}, {"view", "add", "change", "delete"}
EVERYONE_READS = {"province": R, "blkk_manager": R, "mentor": R}
MANAGER_WRITES = {"province": R, "blkk_manager": W, "mentor": set()}
MANAGER_WRITES_MENTOR_READS = {"province": R, "blkk_manager": W, "mentor": R}
# A person is erased by ministry staff only.
MANAGER_KEEPS_PEOPLE = {
    "province": R,
    "blkk_manager": {"view", "add", "change"},
    "mentor": R,
}
EXPECTED_ACTIONS = {
    "training.Province": EVERYONE_READS,
    "training.Regency": EVERYONE_READS,
    "training.VocationalField": EVERYONE_READS,
    "training.Blkk": {"province": R, "blkk_manager": R | {"change"}, "mentor": R},
    # Made by ministry staff only (the hand-over service); the BLKK's staff read it.
    "training.BlkkHandover": {"province": R, "blkk_manager": R, "mentor": set()},
    "training.TrainingBatch": MANAGER_WRITES,
    "training.Trainee": MANAGER_KEEPS_PEOPLE,
    "training.Enrollment": MANAGER_WRITES,
    "training.Certification": MANAGER_WRITES,
    "training.GraduateOutcome": MANAGER_WRITES,
    # Programme records (DESIGN.md, "Roles and scoping", the paragraph on them).
    "training.Instructor": MANAGER_WRITES,
    "training.InstructorQualification": MANAGER_WRITES,
    "training.Placement": MANAGER_WRITES,
    # Recorded by ministry staff alone; the BLKK's staff read them.
    "training.GradeAssessment": {"province": R, "blkk_manager": R, "mentor": set()},
    # Partners are read by everyone signed in; managers may add them.
    "training.Partner": {"province": R, "blkk_manager": R | {"add"}, "mentor": R},
    "training.PartnershipPurpose": EVERYONE_READS,
    # Everyone signed in reads the national ones; a BLKK's managers write its own.
    "training.Partnership": MANAGER_WRITES_MENTOR_READS,
    "incubator.Cohort": MANAGER_WRITES_MENTOR_READS,
    "incubator.Venture": MANAGER_WRITES_MENTOR_READS,
    "incubator.StageChange": EVERYONE_READS,
    "incubator.Milestone": MANAGER_WRITES_MENTOR_READS,
    "incubator.VentureMetric": {
        "province": R,
        "blkk_manager": W,
        "mentor": R | {"add", "change"},
    },
    # Intake: a BLKK's managers record its applications; a mentor assigned there
    # reads them to review them; managers and mentors write their own reviews.
    "incubator.CohortApplication": MANAGER_WRITES_MENTOR_READS,
    "incubator.ApplicationReview": {"province": R, "blkk_manager": W, "mentor": W},
    # Ministry staff propose, approve and cancel assistance; the recipient's managers
    # record its handover, use and checks (changes of the row, through the services).
    "incubator.Assistance": {
        "province": R,
        "blkk_manager": R | {"change"},
        "mentor": set(),
    },
    "incubator.AssistanceStatusChange": {
        "province": R,
        "blkk_manager": R,
        "mentor": set(),
    },
    "reports.ProgressReport": EVERYONE_READS,
    "mentoring.Mentor": EVERYONE_READS,
    "mentoring.MentorAssignment": EVERYONE_READS,
    "mentoring.MentoringSession": {"province": R, "blkk_manager": R, "mentor": W},
}


def _granted_actions(role: str, model) -> set[str]:
    from blkk_portal.access import ACTIONS, role_permissions

    meta = model._meta
    granted = role_permissions()[role]
    return {
        action
        for action in ACTIONS
        if f"{meta.app_label}.{action}_{meta.model_name}" in granted
    }


def test_every_declared_model_has_expected_permissions():
    from blkk_portal.access import declared_models

    for model in declared_models():
        label = model._meta.label
        assert label in EXPECTED_ACTIONS, f"write what each role may do with {label}"
        for role, actions in EXPECTED_ACTIONS[label].items():
            assert _granted_actions(role, model) == actions, (label, role)
