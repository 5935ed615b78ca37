"""Factories for the reports app."""

from __future__ import annotations

import datetime

import factory

from reports.models import ProgressReport
from tests.training.factories import BlkkFactory


def ended_month(n: int) -> datetime.date:
    """The first day of the n-th month back from December 2019: unique, and always
    a month that has ended (a report of a month not ended is never regenerated)."""
    return datetime.date(2019 - n // 12, 12 - n % 12, 1)


class ProgressReportFactory(factory.django.DjangoModelFactory):
    scope = ProgressReport.Scope.NATIONAL
    scope_code = ""
    period = factory.Sequence(ended_month)
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
