"""Reads of the incubator app that are more than one filter."""

from __future__ import annotations

import datetime

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from blkk_portal.months import Month
from training.models import Blkk
from training.selectors import add_months

from .managers import AssistanceQuerySet
from .models import ACTIVE_STAGES, Stage, StageChange, Venture, VentureMetric
from .programme_records import HANDED_OVER

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


# --- assistance (bantuan wirausaha) ---------------------------------------------------

# An assistance handed over is seen (checked) at least this often.
ASSISTANCE_CHECK_MONTHS = 6


def assistance_check_due_since(today: datetime.date) -> datetime.date:
    """The earliest day an assistance may last have been seen for it not to be
    overdue for a check on `today`: `today` less six months (31 August less six
    months is the last day of February, as PostgreSQL counts)."""
    return add_months(today, -ASSISTANCE_CHECK_MONTHS)


def assistance_with_check_due(rows: QuerySet, today: datetime.date) -> QuerySet:
    """`rows` (assistance) annotated with `last_seen` (its last check, else its
    delivery: `Assistance.last_seen_on`) and `check_overdue`: handed over
    (delivered or in use) and not seen for more than six months on `today`."""
    overdue = Q(
        status__in=sorted(HANDED_OVER),
        last_seen__lt=assistance_check_due_since(today),
    )
    return rows.annotate(
        last_seen=Coalesce("last_checked_on", "delivered_on")
    ).annotate(
        check_overdue=Case(
            When(overdue, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def assistance_check_overdue(rows: QuerySet, today: datetime.date) -> QuerySet:
    """The assistance of `rows` handed over and not checked for more than six
    months on `today`, longest unseen first (pass the user's `visible_to` rows; the
    dashboards' panel of assistance to check)."""
    return (
        assistance_with_check_due(rows, today)
        .filter(check_overdue=True)
        .order_by("last_seen", "pk")
    )


def assistance_delivered_between(
    rows: AssistanceQuerySet, first_day: datetime.date, last_day: datetime.date
) -> QuerySet:
    """The assistance of `rows` delivered from `first_day` to `last_day`
    (inclusive), annotated with `owner_blkk_id`, the BLKK it counts at: its own, or
    its venture's cohort's (DESIGN.md, KPI `assistance_delivered_value`)."""
    return rows.owned_by_blkk().filter(delivered_on__range=(first_day, last_day))
