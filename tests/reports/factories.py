"""Factories for the reports app."""

from __future__ import annotations

import datetime

import factory

from reports.models import ProgressReport
from tests.incubator.factories import month
from tests.training.factories import BlkkFactory


class ProgressReportFactory(factory.django.DjangoModelFactory):
    scope = ProgressReport.Scope.NATIONAL
    scope_code = ""
    period = factory.Sequence(month)
    kpis = factory.LazyFunction(lambda: {"trainees": 0})
    generated_at = factory.LazyAttribute(
        lambda o: datetime.datetime(
            o.period.year, o.period.month, 2, 3, 0, tzinfo=datetime.UTC
        )
    )

    class Meta:
        model = ProgressReport

    class Params:
        province = factory.Trait(scope=ProgressReport.Scope.PROVINCE, scope_code="32")
        blkk = factory.Trait(
            scope=ProgressReport.Scope.BLKK,
            scope_code=factory.LazyFunction(lambda: BlkkFactory().code),
        )
