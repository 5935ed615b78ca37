"""Reads of the incubator app that are more than one filter."""

from __future__ import annotations

import datetime

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from blkk_portal.months import Month
from training.models import Blkk
from training.selectors import add_months

from .managers import AssistanceQuerySet
from .models import (
    ACTIVE_STAGES,
    Assistance,
    Cohort,
    Stage,
    StageChange,
    Venture,
    VentureMetric,
)
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


# --- cohorts taking applications (issue #13) ------------------------------------------

# What the public page (`/programmes/cohorts/`, no sign-in) shows of a cohort: the
# cohort, and its BLKK's institutional contact details and place, under the names
# the page reads. Named field by field, so that nothing about a person (a manager,
# an applicant) can reach the page.
PUBLIC_COHORT_FIELDS = {
    "cohort_name": F("name"),
    "cohort_year": F("year"),
    "starts_on": F("start_date"),
    "ends_on": F("end_date"),
    "open_on": F("applications_open_on"),
    "close_on": F("applications_close_on"),
    "blkk_name": F("blkk__name"),
    "address": F("blkk__address"),
    "phone": F("blkk__phone"),
    "email": F("blkk__email"),
    "regency": F("blkk__regency__name"),
    "province_code": F("blkk__regency__province_id"),
    "province": F("blkk__regency__province__name"),
}


def cohorts_open_for_applications(day: datetime.date) -> list[dict]:
    """The cohorts of active BLKKs that take applications on `day`
    (`CohortQuerySet.taking_applications_on`), in province order (by code), then
    by regency, BLKK and cohort: `PUBLIC_COHORT_FIELDS` of each, one query. Read
    for everyone, so it is not scoped: it holds nothing but these fields."""
    return list(
        Cohort.objects.taking_applications_on(day)
        .filter(blkk__is_active=True)
        .order_by(
            "blkk__regency__province_id",
            "blkk__regency__name",
            "blkk__name",
            "name",
            "pk",
        )
        .values(**PUBLIC_COHORT_FIELDS)
    )


def with_taking_applications(cohorts: QuerySet, day: datetime.date) -> QuerySet:
    """`cohorts` annotated with `taking_applications`: whether each takes
    applications on `day` (the rule of `CohortQuerySet.taking_applications_on`)."""
    taking = Cohort.objects.taking_applications_on(day).filter(pk=OuterRef("pk"))
    return cohorts.annotate(taking_applications=Exists(taking))


# --- assistance on the dashboards (issue #13) ----------------------------------------


def assistance_owned_in(assistance: QuerySet, blkks: QuerySet | None) -> QuerySet:
    """The assistance of `assistance` that belongs to one of `blkks` (its BLKK, or
    its venture's cohort's BLKK); all of it when `blkks` is None (the country)."""
    if blkks is None:
        return assistance
    return assistance.filter(
        Assistance.objects.reached_by_blkks(blkks.order_by().values("pk"))
    )


def assistance_value_by_province(assistance: QuerySet) -> list[dict]:
    """`assistance` summed by the province of the BLKK it belongs to: `code`,
    `name`, `value` (rupiah) and `count`, the largest value first (one query)."""
    return list(
        assistance.annotate(
            code=Coalesce(
                "blkk__regency__province_id",
                "venture__cohort__blkk__regency__province_id",
            ),
            name=Coalesce(
                "blkk__regency__province__name",
                "venture__cohort__blkk__regency__province__name",
            ),
        )
        .order_by()
        .values("code", "name")
        .annotate(value=Sum("value"), count=Count("pk"))
        .order_by("-value", "code")
    )


def assistance_value_by_blkk(assistance: QuerySet) -> list[dict]:
    """`assistance` summed by the BLKK it belongs to (its own, or its venture's
    cohort's): `code`, `name`, `value` (rupiah) and `count`, the largest value
    first (one query)."""
    return list(
        assistance.annotate(
            code=Coalesce("blkk__code", "venture__cohort__blkk__code"),
            name=Coalesce("blkk__name", "venture__cohort__blkk__name"),
        )
        .order_by()
        .values("code", "name")
        .annotate(value=Sum("value"), count=Count("pk"))
        .order_by("-value", "name", "code")
    )


def assistance_due_for_check(assistance: QuerySet, today: datetime.date) -> QuerySet:
    """`assistance_check_overdue`, each row with its owner BLKK's `blkk_code` and
    `blkk_name`, and its venture's name when it went to a venture (the dashboards'
    list of assistance to check)."""
    return assistance_check_overdue(assistance, today).annotate(
        blkk_code=Coalesce("blkk__code", "venture__cohort__blkk__code"),
        blkk_name=Coalesce("blkk__name", "venture__cohort__blkk__name"),
        venture_name=F("venture__name"),
    )


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
    return rows.owned_by_blkk().filter(
        status__in=sorted(HANDED_OVER), delivered_on__range=(first_day, last_day)
    )
