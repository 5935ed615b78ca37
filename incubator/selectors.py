"""Reads of the incubator app that are more than one filter."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from blkk_portal.months import Month
from training.models import Blkk

from .models import ACTIVE_STAGES, Stage, StageChange, Venture, VentureMetric

# Ventures annotated by `ventures_with_month_end_stage` that were active at month end.
ACTIVE_AT_END = Q(stage_at_end__in=sorted(ACTIVE_STAGES))


def ventures_with_month_end_stage(
    month: Month, ventures: QuerySet | None = None
) -> QuerySet:
    """Ventures (all, or those of `ventures`) annotated with their stage at the end
    of `month` (from the stage history, `stage_at_end`), whether they graduated in
    it (`graduated_in_month`) and whether they reported its metrics
    (`reported_metrics`)."""
    first, end = month.first_day, month.last_day
    stage_at_end = (
        StageChange.objects.filter(venture=OuterRef("pk"), changed_on__lte=end)
        .order_by("-changed_on", "-pk")
        .values("to_stage")[:1]
    )
    rows = Venture.objects.all() if ventures is None else ventures
    return rows.annotate(
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


def ventures_not_reported(
    blkk: Blkk, month: Month, ventures: QuerySet | None = None
) -> QuerySet:
    """The ventures of `blkk` (among `ventures`, when given: pass the user's visible
    rows) that were active at the end of `month` and have no metrics for it, by
    name: the ventures the reporting rate counts as missing (`reports.kpis`) and
    the monthly reminder lists. One query, whatever their number."""
    return (
        ventures_with_month_end_stage(month, ventures)
        .filter(ACTIVE_AT_END, reported_metrics=False, cohort__blkk=blkk)
        .order_by("name", "pk")
    )


def ventures_reporting_month(month: Month, ventures: QuerySet) -> QuerySet:
    """The rows of a month's metrics form: the ventures of `ventures` active at the
    end of `month` (those expected to report it), and any that reported it anyway
    (a venture that graduated in the month), by name, with their cohort."""
    return (
        ventures_with_month_end_stage(month, ventures)
        .filter(ACTIVE_AT_END | Q(reported_metrics=True))
        .select_related("cohort")
        .order_by("name", "pk")
    )


def with_last_report(ventures: QuerySet) -> QuerySet:
    """`ventures` annotated with `last_reported`: the first day of the latest month
    they reported metrics for (None if never), from the (venture, period) index."""
    latest = (
        VentureMetric.objects.filter(venture=OuterRef("pk"))
        .order_by("-period")
        .values("period")[:1]
    )
    return ventures.annotate(last_reported=Subquery(latest))
