"""Training models: what the database refuses, what deletes what, and `clean()`."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import translation

from tests.constraints import violates
from tests.incubator.factories import VentureFactory
from training.models import (
    Blkk,
    Certification,
    Enrollment,
    GraduateOutcome,
    Trainee,
    TrainingBatch,
)

from .factories import (
    BlkkFactory,
    CertificationFactory,
    EnrollmentFactory,
    GraduateOutcomeFactory,
    TraineeFactory,
    TrainingBatchFactory,
    make_nik,
    regency,
    trade,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "factory",
    [
        BlkkFactory,
        TrainingBatchFactory,
        TraineeFactory,
        EnrollmentFactory,
        CertificationFactory,
        GraduateOutcomeFactory,
    ],
    ids=lambda f: f.__name__,
)
def test_factory_builds_a_record_that_passes_full_clean(factory):
    factory().full_clean()


def test_trainee_factory_nik_agrees_with_birth_date_and_gender():
    man = TraineeFactory(gender="M", birth_date=datetime.date(1990, 12, 3))
    woman = TraineeFactory(gender="F", birth_date=datetime.date(1990, 12, 3))
    assert man.nik[:12] == "320101031290"
    assert woman.nik[:12] == "320101431290"
    assert man.nik[12:] != woman.nik[12:]


def test_make_nik_adds_forty_to_a_womans_birth_day():
    assert make_nik("35", datetime.date(2001, 1, 9), "F", 7) == "3501014901010007"
    assert make_nik("35", datetime.date(2001, 1, 9), "M", 7) == "3501010901010007"


# --- Blkk -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "constraint"),
    [
        ("institution_type", "school", "blkk_institution_type_known"),
        ("grade", "excellent", "blkk_grade_known"),
        ("lsp_status", "maybe", "blkk_lsp_status_known"),
        ("established_year", 1899, "blkk_established_year_plausible"),
    ],
)
def test_database_refuses_blkk_with_unknown_choice_or_implausible_year(
    field, value, constraint
):
    blkk = BlkkFactory()
    with violates(constraint):
        Blkk.objects.filter(pk=blkk.pk).update(**{field: value})


def test_blkk_without_established_year_is_stored():
    blkk = BlkkFactory(established_year=None)
    assert Blkk.objects.get(pk=blkk.pk).established_year is None


def test_database_refuses_a_second_blkk_with_the_same_code():
    blkk = BlkkFactory()
    with violates("training_blkk_code_key"):
        BlkkFactory(code=blkk.code)


# --- TrainingBatch ----------------------------------------------------------------


def test_database_refuses_two_batches_of_the_same_name_at_one_blkk():
    batch = TrainingBatchFactory(name="Angkatan I")
    with violates("batch_name_unique_per_blkk"):
        TrainingBatchFactory(blkk=batch.blkk, name="Angkatan I")


def test_two_blkks_may_each_have_a_batch_of_the_same_name():
    TrainingBatchFactory(name="Angkatan I")
    TrainingBatchFactory(name="Angkatan I")
    assert TrainingBatch.objects.filter(name="Angkatan I").count() == 2


def test_database_refuses_batch_ending_before_it_starts():
    with violates("batch_ends_after_start"):
        TrainingBatchFactory(
            start_date=datetime.date(2025, 3, 1), end_date=datetime.date(2025, 2, 28)
        )


def test_one_day_batch_is_stored():
    day = datetime.date(2025, 3, 1)
    assert TrainingBatchFactory(start_date=day, end_date=day).pk


@pytest.mark.parametrize("capacity", [0, 501])
def test_database_refuses_batch_capacity_outside_one_to_five_hundred(capacity):
    batch = TrainingBatchFactory()
    with violates("batch_capacity_range"):
        TrainingBatch.objects.filter(pk=batch.pk).update(capacity=capacity)


@pytest.mark.parametrize("capacity", [1, 500])
def test_batch_capacity_bounds_are_allowed(capacity):
    TrainingBatchFactory(capacity=capacity).full_clean()


# --- Trainee ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "nik",
    ["320101570598100", "32AB015705981000"],
    ids=["15 digits", "letters"],
)
def test_database_refuses_nik_that_is_not_sixteen_digits(nik):
    with violates("trainee_nik_16_digits"):
        TraineeFactory(nik=nik)


def test_database_refuses_a_man_whose_nik_has_forty_added_to_the_day():
    woman_nik = make_nik("32", datetime.date(1998, 5, 17), "F", 1)
    with violates("trainee_gender_agrees_with_nik"):
        TraineeFactory(gender="M", nik=woman_nik)


def test_database_refuses_a_woman_whose_nik_has_the_plain_day():
    man_nik = make_nik("32", datetime.date(1998, 5, 17), "M", 1)
    with violates("trainee_gender_agrees_with_nik"):
        TraineeFactory(gender="F", nik=man_nik)


def test_database_refuses_a_nik_with_a_letter_in_the_birth_day():
    # Refused as a constraint violation, not as a failed cast (DataError).
    with pytest.raises(IntegrityError), transaction.atomic():
        TraineeFactory(gender="M", nik="3273011A05980001")


def test_saving_without_a_consent_date_takes_the_registration_date():
    trainee = TraineeFactory(consent_on=None)
    trainee.refresh_from_db()
    assert trainee.consent_on == trainee.registered_on


@pytest.mark.parametrize(
    ("field", "value", "constraint"),
    [
        ("education", "phd", "trainee_education_known"),
        ("prior_status", "retired", "trainee_prior_status_known"),
    ],
)
def test_database_refuses_trainee_with_unknown_choice(field, value, constraint):
    trainee = TraineeFactory()
    with violates(constraint):
        Trainee.objects.filter(pk=trainee.pk).update(**{field: value})


def test_database_refuses_trainee_registered_on_their_birth_day():
    trainee = TraineeFactory()
    with violates("trainee_born_before_registration"):
        Trainee.objects.filter(pk=trainee.pk).update(registered_on=trainee.birth_date)


def test_database_refuses_a_second_person_with_the_same_nik():
    trainee = TraineeFactory()
    with violates("training_trainee_nik_key"):
        TraineeFactory(nik=trainee.nik)


def test_trainee_consent_defaults_to_the_registration_date():
    trainee = TraineeFactory.build(consent_on=None)
    trainee.clean()
    assert trainee.consent_on == trainee.registered_on


def test_trainee_consent_given_earlier_is_kept():
    earlier = datetime.date(2024, 12, 20)
    trainee = TraineeFactory.build(consent_on=earlier)
    trainee.clean()
    assert trainee.consent_on == earlier


def test_trainee_clean_accepts_nik_that_agrees_with_birth_date_and_gender():
    TraineeFactory.build(gender="F", birth_date=datetime.date(2000, 2, 29)).clean()


def test_trainee_clean_refuses_birth_date_other_than_the_niks():
    trainee = TraineeFactory.build(birth_date=datetime.date(1998, 5, 17))
    trainee.birth_date = datetime.date(1998, 5, 18)
    with pytest.raises(ValidationError) as caught:
        trainee.clean()
    errors = caught.value.error_dict
    assert set(errors) == {"birth_date"}
    assert errors["birth_date"][0].code == "nik_birth_mismatch"
    assert errors["birth_date"][0].params == {"date": "17-05-98"}


def test_trainee_clean_refuses_birth_year_other_than_the_niks():
    trainee = TraineeFactory.build(birth_date=datetime.date(1998, 5, 17))
    trainee.birth_date = datetime.date(1988, 5, 17)
    with pytest.raises(ValidationError) as caught:
        trainee.clean()
    assert caught.value.error_dict["birth_date"][0].code == "nik_birth_mismatch"


def test_trainee_clean_refuses_gender_other_than_the_niks():
    trainee = TraineeFactory.build(gender="F")
    trainee.gender = "M"
    with pytest.raises(ValidationError) as caught:
        trainee.clean()
    errors = caught.value.error_dict
    assert set(errors) == {"gender"}
    assert errors["gender"][0].code == "nik_gender_mismatch"


def test_trainee_full_clean_reports_a_malformed_nik_once_on_the_nik():
    trainee = TraineeFactory.build(nik="12345", blkk=BlkkFactory())
    with pytest.raises(ValidationError) as caught:
        trainee.full_clean()
    errors = caught.value.error_dict
    assert set(errors) == {"nik"}
    assert [e.code for e in errors["nik"]] == ["nik_format"]


# --- Enrollment -------------------------------------------------------------------


def test_database_refuses_the_same_person_twice_in_one_batch():
    enrollment = EnrollmentFactory()
    with violates("enrollment_once_per_batch"):
        EnrollmentFactory(trainee=enrollment.trainee, batch=enrollment.batch)


def test_database_refuses_enrollment_with_unknown_status():
    enrollment = EnrollmentFactory()
    with violates("enrollment_status_known"):
        Enrollment.objects.filter(pk=enrollment.pk).update(status="graduated")


def test_database_refuses_completed_enrollment_without_completion_date():
    enrollment = EnrollmentFactory()
    with violates("enrollment_completed_on_iff_completed"):
        Enrollment.objects.filter(pk=enrollment.pk).update(status="completed")


@pytest.mark.parametrize("status", ["registered", "active", "dropped"])
def test_database_refuses_completion_date_on_an_unfinished_enrollment(status):
    enrollment = EnrollmentFactory(status=status)
    with violates("enrollment_completed_on_iff_completed"):
        Enrollment.objects.filter(pk=enrollment.pk).update(
            completed_on=datetime.date(2025, 3, 5)
        )


def test_enrollment_clean_refuses_completion_before_the_batch_starts():
    enrollment = EnrollmentFactory(completed=True)
    enrollment.completed_on = enrollment.batch.start_date - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        enrollment.clean()
    assert set(caught.value.error_dict) == {"completed_on"}


def test_enrollment_clean_accepts_completion_on_the_first_day():
    enrollment = EnrollmentFactory(completed=True)
    enrollment.completed_on = enrollment.batch.start_date
    enrollment.clean()


def test_enrollment_full_clean_refuses_completed_status_without_a_date():
    enrollment = EnrollmentFactory()
    enrollment.status = Enrollment.Status.COMPLETED
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            enrollment.full_clean()
        assert caught.value.message_dict == {
            NON_FIELD_ERRORS: [
                "The completion date is set exactly when the status is completed."
            ]
        }


# --- Certification ----------------------------------------------------------------


def test_database_refuses_certification_with_unknown_result():
    certification = CertificationFactory()
    with violates("certification_result_known"):
        Certification.objects.filter(pk=certification.pk).update(result="failed")


def test_database_refuses_one_lsp_issuing_the_same_number_twice():
    first = CertificationFactory(number="LSP/001")
    with violates("certificate_number_unique_per_lsp"):
        CertificationFactory(lsp_name=first.lsp_name, number="LSP/001")


def test_two_lsps_may_issue_the_same_number():
    CertificationFactory(lsp_name="LSP A", number="001")
    CertificationFactory(lsp_name="LSP B", number="001")
    assert Certification.objects.filter(number="001").count() == 2


def test_certificates_without_a_number_do_not_collide():
    CertificationFactory(lsp_name="LSP A", number="")
    CertificationFactory(lsp_name="LSP A", number="")
    assert Certification.objects.filter(lsp_name="LSP A").count() == 2


@pytest.mark.parametrize(
    ("issued_on", "valid_until"),
    [
        (datetime.date(2025, 3, 20), datetime.date(2028, 3, 20)),
        (datetime.date(2024, 2, 29), datetime.date(2027, 2, 28)),
        (datetime.date(2024, 2, 28), datetime.date(2027, 2, 28)),
        (datetime.date(2025, 3, 1), datetime.date(2028, 3, 1)),
        (datetime.date(2023, 12, 31), datetime.date(2026, 12, 31)),
    ],
)
def test_certificate_is_valid_for_three_years(issued_on, valid_until):
    assert Certification(issued_on=issued_on).valid_until == valid_until


def test_certificate_without_issue_date_has_no_validity():
    assert Certification().valid_until is None


# --- GraduateOutcome --------------------------------------------------------------


def test_database_refuses_outcome_with_unknown_status():
    outcome = GraduateOutcomeFactory()
    with violates("outcome_status_known"):
        GraduateOutcome.objects.filter(pk=outcome.pk).update(status="retired")


def test_outcome_clean_refuses_a_person_who_never_completed_training():
    trainee = TraineeFactory()
    EnrollmentFactory(trainee=trainee, active=True)
    outcome = GraduateOutcomeFactory.build(trainee=trainee)
    with pytest.raises(ValidationError) as caught:
        outcome.clean()
    assert set(caught.value.error_dict) == {"surveyed_on"}


def test_outcome_clean_refuses_a_survey_before_the_completion_date():
    enrollment = EnrollmentFactory(completed=True)
    outcome = GraduateOutcomeFactory.build(
        trainee=enrollment.trainee,
        surveyed_on=enrollment.completed_on - datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as caught:
        outcome.clean()
    assert set(caught.value.error_dict) == {"surveyed_on"}


def test_outcome_clean_accepts_a_survey_on_the_completion_date():
    enrollment = EnrollmentFactory(completed=True)
    GraduateOutcomeFactory.build(
        trainee=enrollment.trainee, surveyed_on=enrollment.completed_on
    ).clean()


def test_outcome_clean_accepts_a_graduate_of_any_earlier_batch():
    trainee = TraineeFactory(graduate=True)
    EnrollmentFactory(trainee=trainee, dropped=True)
    GraduateOutcomeFactory.build(trainee=trainee).clean()


# --- on_delete --------------------------------------------------------------------


def test_blkk_with_batches_cannot_be_deleted():
    batch = TrainingBatchFactory()
    with pytest.raises(ProtectedError) as caught:
        batch.blkk.delete()
    assert batch in caught.value.protected_objects


def test_blkk_that_registered_trainees_cannot_be_deleted():
    trainee = TraineeFactory()
    with pytest.raises(ProtectedError) as caught:
        trainee.blkk.delete()
    assert trainee in caught.value.protected_objects


def test_blkk_without_records_can_be_deleted():
    blkk = BlkkFactory()
    blkk.delete()
    assert not Blkk.objects.filter(code=blkk.code).exists()


def test_regency_with_a_blkk_cannot_be_deleted():
    BlkkFactory(regency=regency("35.78"))
    with pytest.raises(ProtectedError):
        regency("35.78").delete()


def test_trade_taught_in_a_batch_cannot_be_deleted():
    TrainingBatchFactory(vocational_field=trade("las"))
    with pytest.raises(ProtectedError):
        trade("las").delete()


def test_batch_with_enrollments_cannot_be_deleted():
    enrollment = EnrollmentFactory()
    with pytest.raises(ProtectedError):
        enrollment.batch.delete()


def test_deleting_a_person_deletes_their_enrollments_certificates_and_outcomes():
    outcome = GraduateOutcomeFactory()
    trainee = outcome.trainee
    CertificationFactory(trainee=trainee)
    kept = GraduateOutcomeFactory()

    trainee.delete()

    assert not Enrollment.objects.filter(trainee_id=trainee.pk).exists()
    assert not Certification.objects.filter(trainee_id=trainee.pk).exists()
    assert not GraduateOutcome.objects.filter(trainee_id=trainee.pk).exists()
    assert list(GraduateOutcome.objects.all()) == [kept]
    # The batch the person attended stays.
    assert TrainingBatch.objects.exists()


def test_deleting_a_founder_keeps_the_venture_without_them():
    founder, partner = TraineeFactory(), TraineeFactory()
    venture = VentureFactory(founders=[founder, partner])
    founder.delete()
    assert list(venture.founders.all()) == [partner]
