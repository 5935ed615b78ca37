"""Reads of the incubator app that are more than one filter."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from blkk_portal.months import Month

from .models import ACTIVE_STAGES, Stage, StageChange, Venture, VentureMetric

# Ventures annotated by `ventures_with_month_end_stage` that were active at month end.
ACTIVE_AT_END = Q(stage_at_end__in=sorted(ACTIVE_STAGES))


def ventures_with_month_end_stage(month: Month) -> QuerySet:
    """Ventures annotated with their stage at the end of `month` (from the stage
    history, `stage_at_end`), whether they graduated in it (`graduated_in_month`)
    and whether they reported its metrics (`reported_metrics`)."""
    first, end = month.first_day, month.last_day
    stage_at_end = (
        StageChange.objects.filter(venture=OuterRef("pk"), changed_on__lte=end)
        .order_by("-changed_on", "-pk")
        .values("to_stage")[:1]
    )
    return Venture.objects.annotate(
        stage_at_end=Subquery(stage_at_end),
        graduated_in_month=Exists(
            StageChange.objects.filter(
                venture=OuterRef("pk"),
                to_stage=Stage.GRADUATED,
                changed_on__range=(first, end),
            )
        ),
        reported_metrics=Exists(
            VentureMetric.objects.filter(venture=OuterRef("pk"), period=first)
        ),
    )
