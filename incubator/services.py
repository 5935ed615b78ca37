"""Every write of the incubator app: cohorts, ventures and their stage history,
milestones and monthly metrics. The admin, the API and commands call these.

Creates take the model's fields as keywords; updates take the row and the fields to
change; each takes `by`, the acting user (None for commands and seed data). A
venture's stage changes only through `venture_change_stage`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from blkk_portal.services import (
    ModelServices,
    changed_fields,
    model_bulk_create,
    model_bulk_update,
    model_create,
    model_delete,
    model_update,
)
from training.models import Blkk, Trainee

from .models import (
    Cohort,
    CohortStatus,
    Milestone,
    Stage,
    StageChange,
    Venture,
    VentureMetric,
    stage_move_allowed,
)
from .public import public_cohorts_forget

if TYPE_CHECKING:
    from typing import Unpack

    from django_stubs_ext import StrOrPromise

    from blkk_portal.accounts.models import User

# Fields set once, at creation, with the message that refuses a later change.
VENTURE_FIXED: dict[str, StrOrPromise] = {
    "stage": gettext_lazy("Change the stage through the stage endpoint."),
    "started_on": gettext_lazy(
        "The start opens the stage history and cannot be changed."
    ),
}


# --- cohorts --------------------------------------------------------------------------


class CohortChanges(TypedDict, total=False):
    blkk: Blkk
    name: str
    year: int
    start_date: datetime.date
    end_date: datetime.date | None
    status: str
    applications_open_on: datetime.date | None
    applications_close_on: datetime.date | None


@transaction.atomic
def cohort_create(
    *,
    blkk: Blkk,
    name: str,
    year: int,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    status: str = CohortStatus.PLANNED,
    applications_open_on: datetime.date | None = None,
    applications_close_on: datetime.date | None = None,
    by: User | None,
) -> Cohort:
    """A cohort; it takes applications from `applications_open_on` through
    `applications_close_on` (the model's constraint refuses a window that closes
    before it opens, or a close date without an open date)."""
    cohort = model_create(
        Cohort,
        fields={
            "blkk": blkk,
            "name": name,
            "year": year,
            "start_date": start_date,
            "end_date": end_date,
            "status": status,
            "applications_open_on": applications_open_on,
            "applications_close_on": applications_close_on,
        },
    )
    _public_cohorts_changed()
    return cohort


@transaction.atomic
def cohort_update(
    *, cohort: Cohort, by: User | None, **changes: Unpack[CohortChanges]
) -> Cohort:
    cohort = model_update(cohort, changes=changes)
    _public_cohorts_changed()
    return cohort


@transaction.atomic
def cohort_delete(*, cohort: Cohort, by: User | None) -> None:
    model_delete(cohort)
    _public_cohorts_changed()


def _public_cohorts_changed() -> None:
    """The public page of cohorts taking applications shows the change at once,
    not after its cache expires: a manager who opens a cohort checks the page
    (`incubator.public`). After the commit, so no page reads the old rows back
    into the cache in between."""
    transaction.on_commit(public_cohorts_forget)


# --- ventures -------------------------------------------------------------------------


def venture_record_initial_stage(*, venture: Venture, by: User | None) -> StageChange:
    """The first history entry: from nothing to the venture's stage, on `started_on`."""
    return StageChange.objects.create(
        venture=venture,
        from_stage="",
        to_stage=venture.stage,
        changed_on=venture.started_on,
        changed_by=by,
    )


def _ensure_founders(founders: Iterable[Trainee]) -> None:
    if not list(founders):
        raise ValidationError({"founders": _("A venture needs at least one founder.")})


class VentureChanges(TypedDict, total=False):
    cohort: Cohort
    name: str
    sector: str
    founders: Iterable[Trainee]
    stage: str
    nib: str
    started_on: datetime.date


@transaction.atomic
def venture_create(
    *,
    cohort: Cohort,
    name: str,
    sector: str,
    founders: Iterable[Trainee],
    stage: str = Stage.PRE_INCUBATION,
    nib: str = "",
    started_on: datetime.date,
    by: User | None,
) -> Venture:
    """Store a venture with its founders and its first stage change, all or nothing."""
    founders = list(founders)
    _ensure_founders(founders)
    venture = model_create(
        Venture,
        fields={
            "cohort": cohort,
            "name": name,
            "sector": sector,
            "founders": founders,
            "stage": stage,
            "nib": nib,
            "started_on": started_on,
        },
    )
    venture_record_initial_stage(venture=venture, by=by)
    return venture


@transaction.atomic
def venture_update(
    *, venture: Venture, by: User | None, **changes: Unpack[VentureChanges]
) -> Venture:
    """Change a venture; its stage moves only through `venture_change_stage`, and its
    start, which opens the stage history, stays."""
    if "founders" in changes:
        changes["founders"] = list(changes["founders"])
        _ensure_founders(changes["founders"])
    return model_update(venture, changes=changes, fixed=VENTURE_FIXED)


@transaction.atomic
def venture_delete(*, venture: Venture, by: User | None) -> None:
    """Delete a venture with its stage history, milestones and metrics."""
    model_delete(venture)


@transaction.atomic
def venture_change_stage(
    *,
    venture: Venture,
    to_stage: str,
    changed_on: datetime.date,
    note: str = "",
    by: User | None,
) -> StageChange:
    """Move a venture to `to_stage` if the stage rules allow it, and record the move.

    Rules (DESIGN.md): forward only (skips allowed), any non-final stage may drop,
    graduated and dropped are final; the date is neither in the future nor before
    the previous change. The venture row is locked so two moves cannot interleave.
    """
    venture = Venture.objects.select_for_update().get(pk=venture.pk)
    if not stage_move_allowed(venture.stage, to_stage):
        message = _("A venture cannot move from %(from)s to %(to)s.") % {
            "from": venture.get_stage_display(),
            "to": dict(Stage.choices).get(to_stage, to_stage),
        }
        raise ValidationError(
            {"to_stage": ValidationError(message, code="stage_move_forbidden")}
        )
    if changed_on > timezone.localdate():
        raise ValidationError({"changed_on": _("This date cannot be in the future.")})
    last = venture.stage_changes.order_by("-changed_on", "-pk").first()
    if last and changed_on < last.changed_on:
        raise ValidationError(
            {
                "changed_on": _(
                    "The date cannot be before the previous change (%(d)s)."
                )
                % {"d": last.changed_on.isoformat()}
            }
        )
    change = StageChange.objects.create(
        venture=venture,
        from_stage=venture.stage,
        to_stage=to_stage,
        changed_on=changed_on,
        changed_by=by,
        note=note,
    )
    venture.stage = to_stage
    venture.save(update_fields=["stage"])
    return change


# --- milestones -----------------------------------------------------------------------


class MilestoneChanges(TypedDict, total=False):
    venture: Venture
    title: str
    due_on: datetime.date | None
    done_on: datetime.date | None


@transaction.atomic
def milestone_create(
    *,
    venture: Venture,
    title: str,
    due_on: datetime.date | None = None,
    done_on: datetime.date | None = None,
    by: User | None,
) -> Milestone:
    return model_create(
        Milestone,
        fields={
            "venture": venture,
            "title": title,
            "due_on": due_on,
            "done_on": done_on,
        },
    )


@transaction.atomic
def milestone_update(
    *, milestone: Milestone, by: User | None, **changes: Unpack[MilestoneChanges]
) -> Milestone:
    return model_update(milestone, changes=changes)


@transaction.atomic
def milestone_delete(*, milestone: Milestone, by: User | None) -> None:
    model_delete(milestone)


# --- monthly metrics ------------------------------------------------------------------


def metric_ensure_month_begun(metric: VentureMetric) -> None:
    """A month's figures are reported once the month has begun, not before."""
    if metric.period and metric.period > timezone.localdate().replace(day=1):
        raise ValidationError(
            {
                "period": ValidationError(
                    _("This month has not begun yet."), code="future_month"
                )
            }
        )


class VentureMetricChanges(TypedDict, total=False):
    venture: Venture
    period: datetime.date
    revenue: int
    workers: int
    customers: int


@transaction.atomic
def metric_create(
    *,
    venture: Venture,
    period: datetime.date,
    revenue: int = 0,
    workers: int = 0,
    customers: int = 0,
    by: User | None,
) -> VentureMetric:
    """Record a venture's figures for a month that has begun (`period`: its first
    day); one per venture and month."""
    return model_create(
        VentureMetric,
        fields={
            "venture": venture,
            "period": period,
            "revenue": revenue,
            "workers": workers,
            "customers": customers,
        },
        check=metric_ensure_month_begun,
    )


@transaction.atomic
def metric_update(
    *, metric: VentureMetric, by: User | None, **changes: Unpack[VentureMetricChanges]
) -> VentureMetric:
    if "period" in changed_fields(metric, changes):
        metric_ensure_month_begun(VentureMetric(period=changes["period"]))
    return model_update(metric, changes=changes)


@transaction.atomic
def metrics_bulk_create(
    *, metrics: list[VentureMetric], by: User | None
) -> list[VentureMetric]:
    """Store many months of figures at once (the demo data), under the same rules as
    `metric_create`."""
    return model_bulk_create(VentureMetric, metrics, check=metric_ensure_month_begun)


@transaction.atomic
def metrics_store_month(
    *,
    period: datetime.date,
    figures: Sequence[Mapping[str, int]],
    by: User | None,
    progress: Callable[[int], None] | None = None,
    reason: str = "",
    chunk_size: int = 500,
) -> int:
    """Store many ventures' figures for one month at once (a spreadsheet import),
    all or none. Each of `figures` is a venture's `venture_id`, `revenue`,
    `workers` and `customers`; a venture that has the month's figures gets them
    replaced, as the month's form does, the others new rows, under the rules of
    `metric_create` and `metric_update`, with their history (`by`, `reason`).
    Figures equal to those stored are left alone. `progress(rows_done)` after
    each chunk. Returns the rows created or changed."""
    metric_ensure_month_begun(VentureMetric(period=period))
    venture_ids = [row["venture_id"] for row in figures]
    stored = {
        metric.venture_id: metric
        for metric in VentureMetric.objects.select_for_update().filter(
            period=period, venture_id__in=venture_ids
        )
    }
    written = 0
    for start in range(0, len(figures), chunk_size):
        new: list[VentureMetric] = []
        changed: list[VentureMetric] = []
        for row in figures[start : start + chunk_size]:
            values = {name: row[name] for name in ("revenue", "workers", "customers")}
            metric = stored.get(row["venture_id"])
            if metric is None:
                new.append(
                    VentureMetric(venture_id=row["venture_id"], period=period, **values)
                )
            elif changed_fields(metric, values):
                for name, value in values.items():
                    setattr(metric, name, value)
                changed.append(metric)
        model_bulk_create(
            VentureMetric, new, check=metric_ensure_month_begun, by=by, reason=reason
        )
        model_bulk_update(
            VentureMetric,
            changed,
            fields=["revenue", "workers", "customers"],
            by=by,
            reason=reason,
        )
        written += len(new) + len(changed)
        if progress is not None:
            progress(min(start + chunk_size, len(figures)))
    return written


@transaction.atomic
def metric_delete(*, metric: VentureMetric, by: User | None) -> None:
    model_delete(metric)


# --- for the admin and the API --------------------------------------------------------

COHORTS = ModelServices(
    create=cohort_create, update=cohort_update, delete=cohort_delete
)
VENTURES = ModelServices(
    create=venture_create,
    update=venture_update,
    delete=venture_delete,
    fixed=tuple(VENTURE_FIXED),
)
MILESTONES = ModelServices(
    create=milestone_create, update=milestone_update, delete=milestone_delete
)
METRICS = ModelServices(
    create=metric_create, update=metric_update, delete=metric_delete
)
