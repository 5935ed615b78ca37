"""Incubator services: creating ventures and moving them between stages."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from incubator.models import Stage, StageChange, Venture
from incubator.services import venture_change_stage, venture_create
from tests.accounts.factories import UserFactory
from tests.fields import fields_of
from tests.training.factories import TraineeFactory

from .factories import CohortFactory, VentureFactory

pytestmark = pytest.mark.django_db

STARTED = datetime.date(2025, 4, 14)


def new_venture(**fields) -> dict:
    return fields_of(
        VentureFactory.build(cohort=CohortFactory(), started_on=STARTED, **fields)
    )


def move(venture, to_stage, *, on=None, by=None, note=""):
    return venture_change_stage(
        venture=venture,
        to_stage=to_stage,
        changed_on=on or STARTED + datetime.timedelta(days=30),
        by=by,
        note=note,
    )


def error_fields(call) -> set[str]:
    with pytest.raises(ValidationError) as caught:
        call()
    return set(caught.value.message_dict)


# --- venture_create ---------------------------------------------------------------


def test_venture_create_stores_founders_and_the_first_stage_change():
    founders = TraineeFactory.create_batch(2)
    manager = UserFactory(blkk_manager=True)

    venture = venture_create(**new_venture(), founders=founders, by=manager)

    assert set(venture.founders.all()) == set(founders)
    change = venture.stage_changes.get()
    assert (change.from_stage, change.to_stage) == ("", Stage.PRE_INCUBATION)
    assert change.changed_on == STARTED
    assert change.changed_by == manager


def test_venture_create_records_a_venture_that_starts_in_incubation():
    venture = venture_create(
        **new_venture(stage=Stage.INCUBATION),
        founders=[TraineeFactory()],
        by=None,
    )
    assert venture.stage_changes.get().to_stage == Stage.INCUBATION


def test_venture_create_needs_a_founder():
    assert error_fields(
        lambda: venture_create(**new_venture(), founders=[], by=None)
    ) == {"founders"}
    assert not Venture.objects.exists()
    assert not StageChange.objects.exists()


def test_venture_create_stores_nothing_when_the_venture_is_invalid():
    venture = new_venture(nib="12345")
    assert error_fields(
        lambda: venture_create(**venture, founders=[TraineeFactory()], by=None)
    ) == {"nib"}
    assert not Venture.objects.exists()
    assert not StageChange.objects.exists()


def test_venture_create_refuses_a_start_in_the_future():
    venture = new_venture()
    venture["started_on"] = timezone.localdate() + datetime.timedelta(days=1)
    assert error_fields(
        lambda: venture_create(**venture, founders=[TraineeFactory()], by=None)
    ) == {"started_on"}


# --- venture_change_stage ---------------------------------------------------------


@pytest.fixture
def venture():
    return VentureFactory(stage=Stage.PRE_INCUBATION, started_on=STARTED)


def test_venture_moves_forward_one_stage(venture):
    move(venture, Stage.INCUBATION)
    venture.refresh_from_db()
    assert venture.stage == Stage.INCUBATION


def test_venture_may_skip_a_stage(venture):
    move(venture, Stage.POST_INCUBATION)
    venture.refresh_from_db()
    assert venture.stage == Stage.POST_INCUBATION


def test_venture_may_go_straight_to_graduated(venture):
    move(venture, Stage.GRADUATED)
    venture.refresh_from_db()
    assert venture.stage == Stage.GRADUATED


def test_a_stage_change_is_recorded_with_from_to_date_note_and_user(venture):
    mentor_user = UserFactory(mentor=True)
    on = STARTED + datetime.timedelta(days=45)

    change = move(
        venture, Stage.INCUBATION, on=on, by=mentor_user, note="Lolos seleksi"
    )

    stored = StageChange.objects.get(pk=change.pk)
    assert stored.venture == venture
    assert (stored.from_stage, stored.to_stage) == (
        Stage.PRE_INCUBATION,
        Stage.INCUBATION,
    )
    assert stored.changed_on == on
    assert stored.changed_by == mentor_user
    assert stored.note == "Lolos seleksi"
    assert venture.stage_changes.count() == 2


def test_history_follows_every_move(venture):
    move(venture, Stage.INCUBATION, on=datetime.date(2025, 6, 1))
    move(venture, Stage.POST_INCUBATION, on=datetime.date(2025, 9, 1))
    move(venture, Stage.GRADUATED, on=datetime.date(2025, 12, 1))
    history = list(venture.stage_changes.values_list("from_stage", "to_stage"))
    assert history == [
        ("", Stage.PRE_INCUBATION),
        (Stage.PRE_INCUBATION, Stage.INCUBATION),
        (Stage.INCUBATION, Stage.POST_INCUBATION),
        (Stage.POST_INCUBATION, Stage.GRADUATED),
    ]


@pytest.mark.parametrize(
    "stage", [Stage.PRE_INCUBATION, Stage.INCUBATION, Stage.POST_INCUBATION]
)
def test_a_running_venture_may_drop_out(stage):
    venture = VentureFactory(stage=stage, started_on=STARTED)
    move(venture, Stage.DROPPED)
    venture.refresh_from_db()
    assert venture.stage == Stage.DROPPED


@pytest.mark.parametrize(
    ("stage", "back_to"),
    [
        (Stage.INCUBATION, Stage.PRE_INCUBATION),
        (Stage.POST_INCUBATION, Stage.INCUBATION),
        (Stage.POST_INCUBATION, Stage.PRE_INCUBATION),
    ],
)
def test_a_venture_cannot_move_backwards(stage, back_to):
    venture = VentureFactory(stage=stage, started_on=STARTED)
    assert error_fields(lambda: move(venture, back_to)) == {"to_stage"}
    venture.refresh_from_db()
    assert venture.stage == stage
    assert venture.stage_changes.count() == 1


def test_a_venture_cannot_move_to_its_own_stage(venture):
    assert error_fields(lambda: move(venture, Stage.PRE_INCUBATION)) == {"to_stage"}


@pytest.mark.parametrize("final", [Stage.GRADUATED, Stage.DROPPED])
@pytest.mark.parametrize(
    "to_stage",
    [Stage.PRE_INCUBATION, Stage.INCUBATION, Stage.POST_INCUBATION, Stage.DROPPED],
)
def test_a_graduated_or_dropped_venture_stays_where_it_is(final, to_stage):
    venture = VentureFactory(stage=final, started_on=STARTED)
    assert error_fields(lambda: move(venture, to_stage)) == {"to_stage"}
    venture.refresh_from_db()
    assert venture.stage == final


def test_a_stage_change_cannot_be_dated_in_the_future(venture):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert error_fields(lambda: move(venture, Stage.INCUBATION, on=tomorrow)) == {
        "changed_on"
    }
    assert venture.stage_changes.count() == 1


def test_a_stage_change_may_be_dated_today(venture):
    move(venture, Stage.INCUBATION, on=timezone.localdate())
    venture.refresh_from_db()
    assert venture.stage == Stage.INCUBATION


def test_a_stage_change_cannot_be_dated_before_the_previous_one(venture):
    move(venture, Stage.INCUBATION, on=datetime.date(2025, 6, 1))
    assert error_fields(
        lambda: move(venture, Stage.GRADUATED, on=datetime.date(2025, 5, 31))
    ) == {"changed_on"}
    venture.refresh_from_db()
    assert venture.stage == Stage.INCUBATION


def test_a_stage_change_cannot_be_dated_before_the_venture_started(venture):
    assert error_fields(
        lambda: move(venture, Stage.INCUBATION, on=STARTED - datetime.timedelta(days=1))
    ) == {"changed_on"}


def test_two_stage_changes_may_fall_on_the_same_day(venture):
    day = datetime.date(2025, 6, 1)
    move(venture, Stage.INCUBATION, on=day)
    move(venture, Stage.DROPPED, on=day)
    venture.refresh_from_db()
    assert venture.stage == Stage.DROPPED


def test_an_unknown_stage_is_refused_as_a_validation_error(venture):
    assert error_fields(lambda: move(venture, "scale_up")) == {"to_stage"}


def test_a_move_is_judged_on_the_stored_stage_not_a_stale_copy(venture):
    stale = Venture.objects.get(pk=venture.pk)
    move(venture, Stage.GRADUATED)
    assert stale.stage == Stage.PRE_INCUBATION
    assert error_fields(lambda: move(stale, Stage.INCUBATION)) == {"to_stage"}


def test_a_forbidden_move_carries_the_stage_move_forbidden_code():
    venture = VentureFactory(stage=Stage.GRADUATED)
    with pytest.raises(ValidationError) as caught:
        move(venture, Stage.INCUBATION)
    assert caught.value.error_dict["to_stage"][0].code == "stage_move_forbidden"
