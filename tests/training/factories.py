"""Factories for the training app.

Provinces, regencies and trades are loaded by data migrations, so factories fetch
existing rows instead of inventing them.
"""

from __future__ import annotations

import datetime

import factory

from tests import reference
from training.models import (
    Blkk,
    Certification,
    Enrollment,
    GraduateOutcome,
    Regency,
    Trainee,
    TrainingBatch,
    VocationalField,
)

FEMALE_DAY_OFFSET = 40


def make_nik(
    province_code: str, birth_date: datetime.date, gender: str, serial: int
) -> str:
    """A valid NIK: province, region "0101", DDMMYY (day + 40 for women), serial."""
    day = birth_date.day + (FEMALE_DAY_OFFSET if gender == "F" else 0)
    return f"{province_code}0101{day:02d}{birth_date:%m%y}{serial % 10_000:04d}"


def regency(code: str) -> Regency:
    return reference.regency(code)


def trade(code: str) -> VocationalField:
    return reference.trade(code)


class BlkkFactory(factory.django.DjangoModelFactory):
    regency = factory.LazyFunction(lambda: regency("32.73"))
    # "F" keeps these apart from the codes the hand-built test world uses.
    code = factory.LazyAttributeSequence(lambda o, n: f"BLKK-{o.regency.code}-F{n:04d}")
    name = factory.Sequence(lambda n: f"BLKK Nurul Huda {n}")
    host_institution = factory.Sequence(lambda n: f"Pondok Pesantren Nurul Huda {n}")
    institution_type = Blkk.InstitutionType.PESANTREN
    phone = "081234567890"
    established_year = 2018

    class Meta:
        model = Blkk
        skip_postgeneration_save = True

    @factory.post_generation
    def vocational_fields(self, create, extracted, **kwargs):
        if not create:
            return
        self.vocational_fields.set(extracted or [trade("menjahit")])

    @factory.post_generation
    def managers(self, create, extracted, **kwargs):
        if create and extracted:
            self.managers.set(extracted)


class TrainingBatchFactory(factory.django.DjangoModelFactory):
    blkk = factory.SubFactory(BlkkFactory)
    vocational_field = factory.LazyFunction(lambda: trade("menjahit"))
    name = factory.Sequence(lambda n: f"Angkatan {n}")
    start_date = datetime.date(2025, 2, 3)
    end_date = factory.LazyAttribute(
        lambda o: o.start_date + datetime.timedelta(days=30)
    )
    capacity = 16

    class Meta:
        model = TrainingBatch


class TraineeFactory(factory.django.DjangoModelFactory):
    full_name = factory.Faker("name", locale="id_ID")
    gender = Trainee.Gender.FEMALE
    birth_date = datetime.date(1998, 5, 17)
    regency = factory.LazyFunction(lambda: regency("32.73"))
    nik = factory.LazyAttribute(
        lambda o: make_nik(o.regency.province_id, o.birth_date, o.gender, o.serial)
    )
    phone = "081298765432"
    education = Trainee.Education.SMA
    prior_status = Trainee.PriorStatus.UNEMPLOYED
    blkk = factory.SubFactory(BlkkFactory, regency=factory.SelfAttribute("..regency"))
    registered_on = datetime.date(2025, 1, 6)
    consent_on = factory.SelfAttribute("registered_on")

    class Meta:
        model = Trainee
        skip_postgeneration_save = True

    class Params:
        # Starts above the serials the hand-built test world uses.
        serial = factory.Sequence(lambda n: 1000 + n % 9000)
        # A person who completed a batch at their registering BLKK.
        graduate = factory.Trait(
            graduation=factory.RelatedFactory(
                "tests.training.factories.EnrollmentFactory",
                factory_related_name="trainee",
                completed=True,
                batch__blkk=factory.SelfAttribute("...blkk"),
            )
        )


class EnrollmentFactory(factory.django.DjangoModelFactory):
    batch = factory.SubFactory(TrainingBatchFactory)
    trainee = factory.SubFactory(
        TraineeFactory, blkk=factory.SelfAttribute("..batch.blkk")
    )
    status = Enrollment.Status.REGISTERED
    completed_on = None

    class Meta:
        model = Enrollment

    class Params:
        active = factory.Trait(status=Enrollment.Status.ACTIVE)
        dropped = factory.Trait(status=Enrollment.Status.DROPPED)
        completed = factory.Trait(
            status=Enrollment.Status.COMPLETED,
            completed_on=factory.SelfAttribute("batch.end_date"),
        )


class CertificationFactory(factory.django.DjangoModelFactory):
    trainee = factory.SubFactory(TraineeFactory, graduate=True)
    scheme = "Penjahit Pakaian Wanita"
    lsp_name = "LSP P1 BLKK Nurul Huda"
    issued_on = datetime.date(2025, 3, 20)
    result = Certification.Result.COMPETENT
    number = factory.Sequence(lambda n: f"LSP-BLKK/{n:05d}/2025")
    # Kept, like a manager's record, by the BLKK that registered the person.
    recorded_by_blkk = factory.SelfAttribute("trainee.blkk")

    class Meta:
        model = Certification


class GraduateOutcomeFactory(factory.django.DjangoModelFactory):
    trainee = factory.SubFactory(TraineeFactory, graduate=True)
    surveyed_on = datetime.date(2025, 9, 1)
    status = GraduateOutcome.Status.SELF_EMPLOYED
    employer_or_business = "Konveksi rumahan"
    monthly_income = 2_500_000
    recorded_by_blkk = factory.SelfAttribute("trainee.blkk")

    class Meta:
        model = GraduateOutcome
