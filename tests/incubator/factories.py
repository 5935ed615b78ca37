"""Factories for the incubator app."""

from __future__ import annotations

import datetime

import factory

from incubator.models import (
    ApplicationReview,
    Assistance,
    AssistanceStatusChange,
    Cohort,
    CohortApplication,
    Milestone,
    Stage,
    StageChange,
    Venture,
    VentureMetric,
)
from tests.training.factories import BlkkFactory, TraineeFactory


def month(n: int) -> datetime.date:
    """The first day of the n-th month from January 2020, for unique periods."""
    return datetime.date(2020 + n // 12, n % 12 + 1, 1)


class CohortFactory(factory.django.DjangoModelFactory):
    blkk = factory.SubFactory(BlkkFactory, is_incubator=True)
    name = factory.Sequence(lambda n: f"Kohort Inkubasi {n}")
    year = 2025
    start_date = datetime.date(2025, 4, 1)
    end_date = None
    status = Cohort.Status.RUNNING

    class Meta:
        model = Cohort


class VentureFactory(factory.django.DjangoModelFactory):
    cohort = factory.SubFactory(CohortFactory)
    name = factory.Sequence(lambda n: f"Konveksi Berkah {n}")
    sector = "garmen"
    stage = Stage.PRE_INCUBATION
    nib = ""
    started_on = datetime.date(2025, 4, 14)
    # What `venture_create` writes; pass `initial_stage_change=None` to leave it out.
    initial_stage_change = factory.RelatedFactory(
        "tests.incubator.factories.StageChangeFactory",
        factory_related_name="venture",
        from_stage="",
        to_stage=factory.SelfAttribute("..stage"),
        changed_on=factory.SelfAttribute("..started_on"),
    )

    class Meta:
        model = Venture
        skip_postgeneration_save = True

    @factory.post_generation
    def founders(self, create, extracted, **kwargs):
        if not create:
            return
        self.founders.set(extracted or [TraineeFactory(blkk=self.cohort.blkk)])


class StageChangeFactory(factory.django.DjangoModelFactory):
    """By default the first entry of a venture's history (from nothing)."""

    venture = factory.SubFactory(VentureFactory, initial_stage_change=None)
    from_stage = ""
    to_stage = factory.SelfAttribute("venture.stage")
    changed_on = factory.SelfAttribute("venture.started_on")
    changed_by = None

    class Meta:
        model = StageChange


class MilestoneFactory(factory.django.DjangoModelFactory):
    venture = factory.SubFactory(VentureFactory)
    title = factory.Sequence(lambda n: f"Mengurus NIB {n}")
    due_on = datetime.date(2025, 6, 30)
    done_on = None

    class Meta:
        model = Milestone


class VentureMetricFactory(factory.django.DjangoModelFactory):
    venture = factory.SubFactory(VentureFactory)
    period = factory.Sequence(month)
    revenue = 2_500_000
    workers = 2
    customers = 40

    class Meta:
        model = VentureMetric


# --- intake and assistance -----------------------------------------------------------


class OpenCohortFactory(CohortFactory):
    """A cohort taking applications since the start of 2025, with no close date."""

    applications_open_on = datetime.date(2025, 1, 1)
    applications_close_on = None


class CohortApplicationFactory(factory.django.DjangoModelFactory):
    """A submitted application by a person the cohort's BLKK registered."""

    cohort = factory.SubFactory(OpenCohortFactory)
    applicant = factory.SubFactory(
        TraineeFactory, blkk=factory.SelfAttribute("..cohort.blkk")
    )
    business_name = factory.Sequence(lambda n: f"Warung Kopi Lestari {n}")
    sector = "kuliner"
    idea = "Kopi bubuk dari petani setempat, dijual daring dan di pasar."
    received_on = datetime.date(2025, 3, 3)
    status = CohortApplication.Status.SUBMITTED
    decided_on = None
    venture = None

    class Meta:
        model = CohortApplication
        skip_postgeneration_save = True

    @factory.post_generation
    def co_applicants(self, create, extracted, **kwargs):
        if create and extracted:
            self.co_applicants.set(extracted)


class ApplicationReviewFactory(factory.django.DjangoModelFactory):
    application = factory.SubFactory(CohortApplicationFactory)
    reviewer = factory.SubFactory("tests.accounts.factories.UserFactory")
    market = 4
    team = 3
    feasibility = 4
    job_potential = 3
    comment = "Pasar jelas; tim perlu pendamping keuangan."

    class Meta:
        model = ApplicationReview


class AssistanceFactory(factory.django.DjangoModelFactory):
    """A proposed assistance to a BLKK, with its first history entry. Traits give
    the later statuses with the dates and handover number they need."""

    blkk = factory.SubFactory(BlkkFactory)
    venture = None
    year = 2025
    kind = Assistance.Kind.EQUIPMENT
    description = "Mesin jahit high speed 5 unit"
    value = 25_000_000
    proposed_on = datetime.date(2025, 2, 3)
    status = Assistance.Status.PROPOSED
    proposal = factory.RelatedFactory(
        "tests.incubator.factories.AssistanceStatusChangeFactory",
        factory_related_name="assistance",
    )

    class Meta:
        model = Assistance
        skip_postgeneration_save = True

    class Params:
        approved = factory.Trait(
            status=Assistance.Status.APPROVED, approved_on=datetime.date(2025, 3, 3)
        )
        delivered = factory.Trait(
            status=Assistance.Status.DELIVERED,
            approved_on=datetime.date(2025, 3, 3),
            delivered_on=datetime.date(2025, 4, 7),
            handover_number=factory.Sequence(lambda n: f"BAST/{n:04d}/2025"),
        )


class AssistanceStatusChangeFactory(factory.django.DjangoModelFactory):
    """By default the first entry of an assistance's history: its proposal."""

    assistance = factory.SubFactory(AssistanceFactory, proposal=None)
    from_status = ""
    to_status = Assistance.Status.PROPOSED
    on = factory.SelfAttribute("assistance.proposed_on")
    by = None

    class Meta:
        model = AssistanceStatusChange
