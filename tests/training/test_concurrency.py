"""Two people writing at once: PostgreSQL's locks decide (the last place of a batch,
a partner added twice, two grade assessments of one BLKK).

These tests commit for real (other threads use other connections), so they run on a
transactional database; `serialized_rollback` puts back the regions and trades the
data migrations loaded, which the flush after a transactional test removes.
"""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from tests.personas import make_persona
from tests.threads import pause, run_together
from training import selectors, services
from training.models import Blkk, Enrollment, GradeAssessment, Partner

from .factories import BlkkFactory, TraineeFactory, TrainingBatchFactory, regency

JAN, FEB = datetime.date(2026, 1, 1), datetime.date(2026, 2, 1)

# Long enough that, without the lock, both threads would count before either saves.
RACE_WINDOW_SECONDS = 0.3


@pytest.fixture
def slow_capacity_check(monkeypatch):
    """Hold each transaction open for a moment after its capacity check, so that the
    two enrollments overlap for certain."""
    check = services.enrollment_ensure_capacity

    def check_then_wait(*, enrollment):
        check(enrollment=enrollment)
        pause(RACE_WINDOW_SECONDS)

    monkeypatch.setattr(services, "enrollment_ensure_capacity", check_then_wait)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_managers_enrolling_the_last_place_at_once_get_one_place(
    slow_capacity_check,
):
    batch = TrainingBatchFactory(capacity=1)
    first, second = TraineeFactory.create_batch(2, blkk=batch.blkk)

    outcomes = run_together(
        lambda: services.enrollment_create(trainee=first, batch=batch, by=None),
        lambda: services.enrollment_create(trainee=second, batch=batch, by=None),
    )

    saved = [o for o in outcomes if isinstance(o, Enrollment)]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert (len(saved), len(refused)) == (1, 1), outcomes
    assert [e.code for e in refused[0].error_dict["batch"]] == ["batch_full"]
    assert list(batch.enrollments.values_list("pk", flat=True)) == [saved[0].pk]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_enrollments_at_once_both_fit_when_there_is_room(slow_capacity_check):
    batch = TrainingBatchFactory(capacity=2)
    first, second = TraineeFactory.create_batch(2, blkk=batch.blkk)

    outcomes = run_together(
        lambda: services.enrollment_create(trainee=first, batch=batch, by=None),
        lambda: services.enrollment_create(trainee=second, batch=batch, by=None),
    )

    assert all(isinstance(o, Enrollment) for o in outcomes), outcomes
    assert batch.enrollments.count() == 2


# --- two people adding the same partner at once -----------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_managers_adding_the_same_partner_at_once_add_it_once(monkeypatch):
    look_up = services.partner_namesake

    def look_up_then_wait(**kwargs):
        # Long enough that, without the lock, both would look before either saves.
        found = look_up(**kwargs)
        pause(0.3)
        return found

    monkeypatch.setattr(services, "partner_namesake", look_up_then_wait)

    def add(name: str):
        return lambda: services.partner_create(
            name=name, kind="university", regency=regency("32.71"), by=None
        )

    outcomes = run_together(add("Universitas IPB"), add("universitas ipb"))

    added = [o for o in outcomes if isinstance(o, Partner)]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert (len(added), len(refused)) == (1, 1), outcomes
    assert [e.code for e in refused[0].error_dict["name"]] == ["duplicate"]
    assert Partner.objects.filter(name__iexact="universitas ipb").count() == 1


# --- two assessments recorded at once -------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_assessments_recorded_at_once_leave_the_latest_dated_grade(monkeypatch):
    """The later-dated assessment gives the BLKK's grade whichever commits last.

    Each holds the grade it read for a while before saving it, the earlier-dated one
    longer: with no lock, both would read before either commits (each seeing only
    itself) and the earlier-dated one would save last, leaving its grade. The lock
    makes one wait for the other."""
    blkk = BlkkFactory()
    ministry = make_persona("ministry")
    waits = threading.local()
    grade_on = selectors.blkk_grade_on

    def slow_grade_on(blkk, day):
        grade = grade_on(blkk, day)
        pause(getattr(waits, "seconds", 0))
        return grade

    monkeypatch.setattr(selectors, "blkk_grade_on", slow_grade_on)

    def recording(grade, day, seconds):
        def call():
            waits.seconds = seconds
            return services.grade_assessment_record(
                blkk=blkk, grade=grade, assessed_on=day, by=ministry
            )

        return call

    outcomes = run_together(
        recording("mandiri", FEB, RACE_WINDOW_SECONDS),
        recording("berkembang", JAN, 2 * RACE_WINDOW_SECONDS),
    )

    assert all(isinstance(o, GradeAssessment) for o in outcomes), outcomes
    assert Blkk.objects.get(pk=blkk.pk).grade == "mandiri"


# --- issue #14: the reach table under concurrent writes -------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_leaving_one_batch_while_joining_another_of_that_blkk_keeps_the_reach():
    """The person leaves batch 1 of BLKK A while another transaction enrolls them in
    batch 2 of A. The removal must see the new enrollment, or A would lose sight
    of someone it enrolls: the enrollment's trigger holds FOR KEY SHARE on the
    person until it commits, the removal's FOR UPDATE waits for it, and then its
    check, a new statement, sees the enrollment (migration 0011_trainee_reach)."""
    from training.models import TraineeReach

    home, blkk_a = BlkkFactory(), BlkkFactory()
    first, second = (TrainingBatchFactory(blkk=blkk_a) for _ in range(2))
    person = TraineeFactory(blkk=home)
    leaving = services.enrollment_create(trainee=person, batch=first, by=None)

    def join_and_hold():
        with transaction.atomic():
            joined = services.enrollment_create(trainee=person, batch=second, by=None)
            pause(RACE_WINDOW_SECONDS)
        return joined

    def leave_meanwhile():
        pause(RACE_WINDOW_SECONDS / 3)
        services.enrollment_delete(enrollment=leaving, by=None)

    outcomes = run_together(join_and_hold, leave_meanwhile)

    assert isinstance(outcomes[0], Enrollment), outcomes
    assert outcomes[1] is None, outcomes
    assert TraineeReach.objects.filter(blkk=blkk_a, trainee=person).exists()
    assert set(TraineeReach.objects.values_list("blkk_id", "trainee_id")) == {
        (home.pk, person.pk),
        (blkk_a.pk, person.pk),
    }
