"""The placement model's own rules: its constraints in the database, and
`clean()` (the rules that involve other rows, which a trigger keeps on
PostgreSQL; see tests/training/test_placements.py)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from tests.constraints import violates
from tests.training.factories import (
    EnrollmentFactory,
    PartnerFactory,
    PartnershipFactory,
    PlacementFactory,
    TraineeFactory,
)
from training.models import Placement

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def placement():
    """An active employment from 1 April 2025, of a graduate of 5 March 2025."""
    return PlacementFactory()


def update(placement: Placement, **fields) -> None:
    Placement.objects.filter(pk=placement.pk).update(**fields)


# --- constraints ----------------------------------------------------------------


def test_the_database_refuses_an_end_before_the_start(placement):
    with violates("placement_ends_after_start"):
        update(placement, end_date=placement.start_date - datetime.timedelta(days=1))


def test_an_end_on_the_start_day_is_accepted(placement):
    update(placement, end_date=placement.start_date)


@pytest.mark.parametrize("status", ["completed", "ended_early"])
def test_the_database_refuses_an_ended_placement_without_its_end(placement, status):
    with violates("placement_ended_has_end_date"):
        update(placement, status=status)


@pytest.mark.parametrize("status", ["planned", "active"])
def test_a_placement_not_ended_needs_no_end(placement, status):
    update(placement, status=status, end_date=None)


@pytest.mark.parametrize(
    ("field", "value", "constraint"),
    [
        ("kind", "internship", "placement_kind_known"),
        ("status", "paused", "placement_status_known"),
    ],
)
def test_the_database_refuses_an_unknown_choice(placement, field, value, constraint):
    with violates(constraint):
        update(placement, **{field: value})


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the check's name is PostgreSQL's"
)
def test_the_database_refuses_a_negative_pay(placement):
    with violates("training_placement_monthly_pay_check"):
        update(placement, monthly_pay=-1)


def test_full_clean_gives_the_constraints_messages(placement):
    placement.status = "completed"
    placement.end_date = placement.start_date - datetime.timedelta(days=1)
    placement.monthly_pay = -5
    with pytest.raises(ValidationError) as caught:
        placement.full_clean()
    errors = caught.value.message_dict
    assert "monthly_pay" in errors
    assert len(errors["__all__"]) == 1  # the end before the start


# --- clean() --------------------------------------------------------------------


def test_clean_refuses_a_partnership_with_another_partner(placement):
    placement.partner = PartnerFactory()
    with pytest.raises(ValidationError) as caught:
        placement.full_clean()
    assert list(caught.value.message_dict) == ["partnership"]


def test_clean_accepts_no_partnership(placement):
    placement.partnership = None
    placement.full_clean()


def test_clean_refuses_a_start_before_the_person_graduated(placement):
    placement.start_date = D(2025, 3, 4)
    with pytest.raises(ValidationError) as caught:
        placement.full_clean()
    assert list(caught.value.message_dict) == ["start_date"]


def test_clean_of_a_new_apprenticeship_during_training_passes_and_a_job_fails():
    person = TraineeFactory()
    EnrollmentFactory(trainee=person, batch__blkk=person.blkk, active=True)
    partnership = PartnershipFactory(blkk=person.blkk)
    new = Placement(
        trainee=person,
        partner=partnership.partner,
        partnership=partnership,
        kind="apprenticeship",
        position="Magang penjahit",
        start_date=D(2025, 2, 10),
        recorded_by_blkk=person.blkk,
    )
    new.full_clean()
    new.kind = "employment"
    with pytest.raises(ValidationError) as caught:
        new.full_clean()
    assert list(caught.value.message_dict) == ["start_date"]


def test_clean_checks_the_person_only_when_the_trigger_would(placement):
    """As the trigger (UPDATE OF trainee, partner, partnership, kind, start):
    a stored placement whose person lost their training still takes a new status,
    and is checked again when its start moves."""
    placement.trainee.enrollments.update(status="dropped", completed_on=None)
    placement.status = "ended_early"
    placement.end_date = D(2025, 5, 1)
    placement.full_clean()
    placement.start_date = D(2025, 4, 2)
    with pytest.raises(ValidationError) as caught:
        placement.full_clean()
    assert list(caught.value.message_dict) == ["start_date"]
