"""Incubator models: what the database refuses, what deletes what, the stage rules."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import ProtectedError

from incubator.models import (
    Cohort,
    Milestone,
    Stage,
    StageChange,
    Venture,
    VentureMetric,
    stage_move_allowed,
)
from tests.accounts.factories import UserFactory
from tests.constraints import violates
from tests.mentoring.factories import MentorAssignmentFactory
from tests.training.factories import TraineeFactory
from training.models import Trainee

from .factories import (
    CohortFactory,
    MilestoneFactory,
    StageChangeFactory,
    VentureFactory,
    VentureMetricFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "factory",
    [
        CohortFactory,
        VentureFactory,
        StageChangeFactory,
        MilestoneFactory,
        VentureMetricFactory,
    ],
    ids=lambda f: f.__name__,
)
def test_factory_builds_a_record_that_passes_full_clean(factory):
    factory().full_clean()


def test_venture_factory_writes_the_first_history_entry_and_a_founder():
    venture = VentureFactory(stage=Stage.INCUBATION)
    change = venture.stage_changes.get()
    assert (change.from_stage, change.to_stage) == ("", Stage.INCUBATION)
    assert change.changed_on == venture.started_on
    assert venture.founders.get().blkk == venture.cohort.blkk


def test_venture_factory_takes_the_founders_given():
    founders = TraineeFactory.create_batch(2)
    venture = VentureFactory(founders=founders)
    assert set(venture.founders.all()) == set(founders)


# --- Cohort -----------------------------------------------------------------------


def test_database_refuses_two_cohorts_of_the_same_name_at_one_blkk():
    cohort = CohortFactory(name="Kohort 2025")
    with violates("cohort_name_unique_per_blkk"):
        CohortFactory(blkk=cohort.blkk, name="Kohort 2025")


def test_database_refuses_cohort_ending_before_it_starts():
    with violates("cohort_ends_after_start"):
        CohortFactory(
            start_date=datetime.date(2025, 4, 1), end_date=datetime.date(2025, 3, 31)
        )


def test_open_ended_cohort_is_stored():
    assert CohortFactory(end_date=None).pk


@pytest.mark.parametrize("year", [1999, 2101])
def test_database_refuses_cohort_year_outside_2000_to_2100(year):
    cohort = CohortFactory()
    with violates("cohort_year_range"):
        Cohort.objects.filter(pk=cohort.pk).update(year=year)


def test_database_refuses_cohort_with_unknown_status():
    cohort = CohortFactory()
    with violates("cohort_status_known"):
        Cohort.objects.filter(pk=cohort.pk).update(status="paused")


# --- Venture ----------------------------------------------------------------------


def test_database_refuses_venture_with_unknown_stage():
    venture = VentureFactory()
    with violates("venture_stage_known"):
        Venture.objects.filter(pk=venture.pk).update(stage="scale_up")


@pytest.mark.parametrize("nib", ["912000123456", "912000123456A", "91200012345 "])
def test_database_refuses_nib_that_is_not_thirteen_digits(nib):
    venture = VentureFactory()
    with violates("venture_nib_13_digits"):
        Venture.objects.filter(pk=venture.pk).update(nib=nib)


def test_database_refuses_two_ventures_with_the_same_nib():
    VentureFactory(nib="9120001234567")
    with violates("venture_nib_unique"):
        VentureFactory(nib="9120001234567")


def test_ventures_without_a_nib_do_not_collide():
    VentureFactory(nib="")
    VentureFactory(nib="")
    assert Venture.objects.filter(nib="").count() == 2


# --- StageChange ------------------------------------------------------------------


def test_database_refuses_stage_change_to_unknown_stage():
    change = StageChangeFactory()
    with violates("stage_change_to_known"):
        StageChange.objects.filter(pk=change.pk).update(to_stage="scale_up")


def test_database_refuses_stage_change_from_unknown_stage():
    change = StageChangeFactory()
    with violates("stage_change_from_known"):
        StageChange.objects.filter(pk=change.pk).update(from_stage="scale_up")


def test_database_refuses_stage_change_that_does_not_move():
    with violates("stage_change_moves"):
        StageChangeFactory(from_stage=Stage.INCUBATION, to_stage=Stage.INCUBATION)


# --- VentureMetric ----------------------------------------------------------------


def test_database_refuses_two_figures_for_one_venture_and_month():
    metric = VentureMetricFactory(period=datetime.date(2025, 6, 1))
    with violates("metric_once_per_venture_month"):
        VentureMetricFactory(venture=metric.venture, period=datetime.date(2025, 6, 1))


def test_two_ventures_may_report_the_same_month():
    VentureMetricFactory(period=datetime.date(2025, 6, 1))
    VentureMetricFactory(period=datetime.date(2025, 6, 1))
    assert VentureMetric.objects.filter(period="2025-06-01").count() == 2


def test_database_refuses_metric_period_other_than_the_first_of_a_month():
    with violates("metric_period_first_of_month"):
        VentureMetricFactory(period=datetime.date(2025, 6, 2))


# --- stage rules ------------------------------------------------------------------

PRE, INC, POST, GRAD, DROP = (
    Stage.PRE_INCUBATION,
    Stage.INCUBATION,
    Stage.POST_INCUBATION,
    Stage.GRADUATED,
    Stage.DROPPED,
)


@pytest.mark.parametrize(
    ("from_stage", "to_stage"),
    [
        (PRE, INC),
        (INC, POST),
        (POST, GRAD),
        (PRE, POST),
        (PRE, GRAD),
        (INC, GRAD),
        (PRE, DROP),
        (INC, DROP),
        (POST, DROP),
    ],
)
def test_stage_may_move_forward_skip_ahead_or_drop(from_stage, to_stage):
    assert stage_move_allowed(from_stage, to_stage)


@pytest.mark.parametrize(
    ("from_stage", "to_stage"),
    [
        (INC, PRE),
        (POST, INC),
        (POST, PRE),
        (PRE, PRE),
        (INC, INC),
        (GRAD, DROP),
        (GRAD, POST),
        (DROP, PRE),
        (DROP, GRAD),
        (DROP, DROP),
    ],
)
def test_stage_may_not_move_back_stay_or_leave_a_final_stage(from_stage, to_stage):
    assert not stage_move_allowed(from_stage, to_stage)


# --- on_delete --------------------------------------------------------------------


def test_cohort_with_ventures_cannot_be_deleted():
    venture = VentureFactory()
    with pytest.raises(ProtectedError):
        venture.cohort.delete()


def test_blkk_hosting_a_cohort_cannot_be_deleted():
    cohort = CohortFactory()
    with pytest.raises(ProtectedError) as caught:
        cohort.blkk.delete()
    assert cohort in caught.value.protected_objects


def test_deleting_a_venture_deletes_its_history_milestones_and_metrics():
    venture = VentureFactory()
    MilestoneFactory(venture=venture)
    VentureMetricFactory(venture=venture)
    founder = venture.founders.get()

    venture.delete()

    assert not StageChange.objects.filter(venture_id=venture.pk).exists()
    assert not Milestone.objects.filter(venture_id=venture.pk).exists()
    assert not VentureMetric.objects.filter(venture_id=venture.pk).exists()
    # The founders are people with their own records; they stay.
    assert Trainee.objects.filter(pk=founder.pk).exists()


def test_venture_with_a_mentor_cannot_be_deleted():
    assignment = MentorAssignmentFactory()
    with pytest.raises(ProtectedError):
        assignment.venture.delete()


def test_deleting_the_user_who_moved_a_venture_keeps_the_history():
    user = UserFactory(ministry=True)
    change = StageChangeFactory(changed_by=user)
    user.delete()
    change.refresh_from_db()
    assert change.changed_by is None
