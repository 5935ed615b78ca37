"""Factories for the incubator app."""

from __future__ import annotations

import datetime

import factory

from incubator.models import (
    Cohort,
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
