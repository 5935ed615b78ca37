"""Training services: registering people and enrolling them within capacity."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from tests.fields import fields_of
from training.models import Enrollment, Trainee
from training.services import enrollment_create, enrollment_update, trainee_register

from .factories import (
    EnrollmentFactory,
    TraineeFactory,
    TrainingBatchFactory,
    make_nik,
)

pytestmark = pytest.mark.django_db


# --- trainee_register -------------------------------------------------------------


def test_trainee_register_stores_a_new_person_with_consent_on_registration():
    blkk = TrainingBatchFactory().blkk
    trainee = trainee_register(
        **fields_of(TraineeFactory.build(blkk=blkk, consent_on=None)), by=None
    )
    stored = Trainee.objects.get(pk=trainee.pk)
    assert stored.consent_on == stored.registered_on


def test_trainee_register_refuses_a_nik_already_registered_anywhere():
    existing = TraineeFactory()
    other_blkk = TrainingBatchFactory().blkk
    again = TraineeFactory.build(
        nik=existing.nik,
        birth_date=existing.birth_date,
        gender=existing.gender,
        blkk=other_blkk,
    )
    with pytest.raises(ValidationError) as caught:
        trainee_register(**fields_of(again), by=None)
    assert [e.code for e in caught.value.error_dict["nik"]] == ["unique"]
    assert Trainee.objects.filter(nik=existing.nik).count() == 1


def test_trainee_register_refuses_a_nik_disagreeing_with_the_birth_date():
    trainee = TraineeFactory.build(blkk=TrainingBatchFactory().blkk)
    trainee.birth_date = datetime.date(1999, 1, 1)
    with pytest.raises(ValidationError) as caught:
        trainee_register(**fields_of(trainee), by=None)
    assert caught.value.error_dict["birth_date"][0].code == "nik_birth_mismatch"
    assert not Trainee.objects.exists()


def test_trainee_register_refuses_a_nik_of_an_unknown_province():
    birth = datetime.date(1998, 5, 17)
    trainee = TraineeFactory.build(
        blkk=TrainingBatchFactory().blkk, nik=make_nik("99", birth, "F", 1)
    )
    with pytest.raises(ValidationError) as caught:
        trainee_register(**fields_of(trainee), by=None)
    assert caught.value.error_dict["nik"][0].code == "nik_province"


def test_trainee_register_refuses_a_registration_in_the_future():
    trainee = TraineeFactory.build(
        blkk=TrainingBatchFactory().blkk,
        registered_on=timezone.localdate() + datetime.timedelta(days=2),
    )
    with pytest.raises(ValidationError) as caught:
        trainee_register(**fields_of(trainee), by=None)
    assert caught.value.error_dict["registered_on"][0].code == "future"


# --- enrollment_create, enrollment_update ---------------------------------------


def new_enrollment(batch, **fields) -> dict:
    """The fields of an enrollment of a newly registered person."""
    return {"trainee": TraineeFactory(blkk=batch.blkk), "batch": batch, **fields}


def is_batch_full(error: ValidationError) -> bool:
    return [e.code for e in error.error_dict.get("batch", [])] == ["batch_full"]


def test_enrollment_save_fills_a_batch_up_to_its_capacity():
    batch = TrainingBatchFactory(capacity=2)
    for _ in range(2):
        enrollment_create(**new_enrollment(batch), by=None)
    assert batch.enrollments.count() == 2


def test_enrollment_save_refuses_a_place_beyond_capacity():
    batch = TrainingBatchFactory(capacity=2)
    EnrollmentFactory.create_batch(2, batch=batch)
    with pytest.raises(ValidationError) as caught:
        enrollment_create(**new_enrollment(batch), by=None)
    assert is_batch_full(caught.value)
    assert batch.enrollments.count() == 2


def test_completed_enrollments_keep_their_place():
    batch = TrainingBatchFactory(capacity=1)
    EnrollmentFactory(batch=batch, completed=True)
    with pytest.raises(ValidationError) as caught:
        enrollment_create(**new_enrollment(batch), by=None)
    assert is_batch_full(caught.value)


def test_dropped_enrollments_free_their_place():
    batch = TrainingBatchFactory(capacity=2)
    EnrollmentFactory(batch=batch, dropped=True)
    EnrollmentFactory(batch=batch, active=True)
    enrollment_create(**new_enrollment(batch), by=None)
    assert batch.enrollments.holding_a_place().count() == 2


def test_a_dropped_enrollment_may_be_recorded_in_a_full_batch():
    batch = TrainingBatchFactory(capacity=1)
    EnrollmentFactory(batch=batch)
    enrollment_create(**new_enrollment(batch, status="dropped"), by=None)
    assert batch.enrollments.count() == 2


def test_updating_an_enrollment_in_a_full_batch_does_not_count_itself():
    batch = TrainingBatchFactory(capacity=1)
    enrollment = EnrollmentFactory(batch=batch)
    enrollment_update(
        enrollment=enrollment,
        status=Enrollment.Status.COMPLETED,
        completed_on=batch.end_date,
        by=None,
    )
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED


def test_taking_back_a_dropout_needs_a_free_place():
    batch = TrainingBatchFactory(capacity=1)
    dropout = EnrollmentFactory(batch=batch, dropped=True)
    EnrollmentFactory(batch=batch)
    with pytest.raises(ValidationError) as caught:
        enrollment_update(enrollment=dropout, status=Enrollment.Status.ACTIVE, by=None)
    assert is_batch_full(caught.value)
    dropout.refresh_from_db()
    assert dropout.status == Enrollment.Status.DROPPED


def test_moving_an_enrollment_into_a_full_batch_is_refused():
    full = TrainingBatchFactory(capacity=1)
    EnrollmentFactory(batch=full)
    enrollment = EnrollmentFactory(batch__blkk=full.blkk)
    with pytest.raises(ValidationError) as caught:
        enrollment_update(enrollment=enrollment, batch=full, by=None)
    assert is_batch_full(caught.value)


def test_enrollments_in_other_batches_do_not_count():
    batch = TrainingBatchFactory(capacity=1)
    EnrollmentFactory(batch__blkk=batch.blkk)
    enrollment_create(**new_enrollment(batch), by=None)
    assert batch.enrollments.count() == 1


def test_batch_full_error_is_on_the_batch_and_gives_the_capacity():
    batch = TrainingBatchFactory(capacity=3)
    EnrollmentFactory.create_batch(3, batch=batch)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        enrollment_create(**new_enrollment(batch), by=None)
    assert caught.value.message_dict == {"batch": ["This batch is full (3 places)."]}


def test_enrollment_save_refuses_the_same_person_twice_in_a_batch():
    enrollment = EnrollmentFactory()
    with pytest.raises(ValidationError) as caught:
        enrollment_create(trainee=enrollment.trainee, batch=enrollment.batch, by=None)
    assert "__all__" in caught.value.message_dict
    assert Enrollment.objects.count() == 1


def test_enrollment_save_refuses_completion_without_a_date():
    enrollment = new_enrollment(TrainingBatchFactory(), status="completed")
    with pytest.raises(ValidationError):
        enrollment_create(**enrollment, by=None)
    assert not enrollment["batch"].enrollments.exists()
