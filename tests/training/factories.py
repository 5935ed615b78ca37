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
    GradeAssessment,
    GraduateOutcome,
    Instructor,
    InstructorQualification,
    Partner,
    Partnership,
    PartnershipPurpose,
    Placement,
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


# --- programme records ----------------------------------------------------------------


def purpose(code: str) -> PartnershipPurpose:
    return reference.reference_row(PartnershipPurpose, code=code)


class InstructorFactory(factory.django.DjangoModelFactory):
    blkk = factory.SubFactory(BlkkFactory)
    full_name = factory.Faker("name", locale="id_ID")
    gender = Instructor.Gender.MALE
    phone = "081311112222"
    employment = Instructor.Employment.CONTRACT
    is_active = True

    class Meta:
        model = Instructor
        skip_postgeneration_save = True

    @factory.post_generation
    def vocational_fields(self, create, extracted, **kwargs):
        if not create:
            return
        self.vocational_fields.set(extracted or [trade("menjahit")])


class InstructorQualificationFactory(factory.django.DjangoModelFactory):
    instructor = factory.SubFactory(InstructorFactory)
    kind = InstructorQualification.Kind.COMPETENCY
    title = "Penjahit Pakaian Wanita"
    issuer = "BNSP"
    number = factory.Sequence(lambda n: f"BNSP-INS/{n:05d}")
    issued_on = datetime.date(2024, 6, 1)
    valid_until = datetime.date(2027, 5, 31)

    class Meta:
        model = InstructorQualification


class PartnerFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"PT Mitra Industri {n}")
    kind = Partner.Kind.INDUSTRY
    regency = factory.LazyFunction(lambda: regency("32.73"))
    contact_name = "Bagian SDM"
    phone = "0225551234"
    email = factory.Sequence(lambda n: f"mitra{n}@example.co.id")

    class Meta:
        model = Partner


class PartnershipFactory(factory.django.DjangoModelFactory):
    """A BLKK's local partnership; `blkk=None` makes a national one."""

    partner = factory.SubFactory(PartnerFactory)
    blkk = factory.SubFactory(BlkkFactory)
    agreement_number = factory.Sequence(lambda n: f"PKS/{n:04d}/2025")
    signed_on = datetime.date(2025, 1, 10)
    start_date = datetime.date(2025, 2, 1)
    end_date = datetime.date(2027, 1, 31)

    class Meta:
        model = Partnership
        skip_postgeneration_save = True

    @factory.post_generation
    def purposes(self, create, extracted, **kwargs):
        if not create:
            return
        self.purposes.set(extracted or [purpose("placement")])


class PlacementFactory(factory.django.DjangoModelFactory):
    """A graduate placed in employment by the partner of a partnership of the
    person's BLKK."""

    trainee = factory.SubFactory(TraineeFactory, graduate=True)
    partnership = factory.SubFactory(
        PartnershipFactory, blkk=factory.SelfAttribute("..trainee.blkk")
    )
    partner = factory.SelfAttribute("partnership.partner")
    kind = Placement.Kind.EMPLOYMENT
    position = "Operator jahit"
    start_date = datetime.date(2025, 4, 1)
    end_date = None
    monthly_pay = 3_000_000
    status = Placement.Status.ACTIVE
    recorded_by_blkk = factory.SelfAttribute("trainee.blkk")

    class Meta:
        model = Placement


class GradeAssessmentFactory(factory.django.DjangoModelFactory):
    blkk = factory.SubFactory(BlkkFactory)
    assessed_on = datetime.date(2025, 6, 1)
    grade = GradeAssessment.Grade.BERKEMBANG
    has_competent_managers = True
    has_certified_instructors = True
    is_licensed = False
    tracks_alumni = True
    has_partnerships = True
    produces_goods_or_services = False
    is_self_funding = False
    note = "Asesmen tahunan"

    class Meta:
        model = GradeAssessment
