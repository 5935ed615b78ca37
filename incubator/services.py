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

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from blkk_portal.accounts.models import Role
from blkk_portal.services import (
    ModelServices,
    changed_fields,
    model_bulk_create,
    model_bulk_update,
    model_create,
    model_delete,
    model_update,
    refuse_changes,
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
from .programme_records import (
    DECIDED_STATUSES,
    HANDED_OVER,
    MINISTRY_MOVES,
    OPEN_APPLICATION_STATUSES,
    ApplicationReview,
    ApplicationStatus,
    Assistance,
    AssistanceCondition,
    AssistanceStatus,
    AssistanceStatusChange,
    CohortApplication,
    application_move_allowed,
    assistance_move_allowed,
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


# --- intake: applications to a cohort, their reviews, the decision --------------------
#
# DESIGN.md, "Programme records the seeds name". An application belongs to its
# cohort's BLKK: that BLKK's managers (and ministry staff) record, change, delete and
# decide it. Two locks keep the rules true under concurrency: the cohort's row while
# an application's people are checked (a person is on at most one application per
# cohort), and the application's row for a decision and every review write (accepted
# once, one venture; no review slips in after the decision).

APPLICATION_FIXED: dict[str, StrOrPromise] = {
    "status": gettext_lazy(
        "The status changes only by a decision (the decide endpoint or button)."
    ),
    "decided_on": gettext_lazy("The decision date is set by the decision."),
    "venture": gettext_lazy("The venture is created by accepting the application."),
    "recorded_by": gettext_lazy("Who recorded the application stays as it was."),
}
APPLICATIONS_WRITTEN_BY = gettext_lazy(
    "Only the managers of the cohort's BLKK and ministry staff record and decide "
    "its applications."
)
APPLICATION_COHORT_NOT_YOURS = gettext_lazy("Choose a cohort of a BLKK you manage.")
APPLICATION_PERSON_NOT_REACHED = gettext_lazy(
    "Choose people registered or enrolled at a BLKK you manage."
)
COHORT_TAKES_NO_APPLICATIONS = gettext_lazy("This cohort does not take applications.")
APPLICANT_ALSO_CO_APPLICANT = gettext_lazy(
    "The applicant cannot also be a co-applicant."
)
APPLICATION_CLOSED = gettext_lazy(
    "This application has been decided or withdrawn: it can no longer be changed."
)
APPLICATION_DECIDED_STAYS = gettext_lazy(
    "A decided application cannot be deleted: it is part of the cohort's record."
)
REVIEWERS_ONLY = gettext_lazy(
    "Only BLKK managers, mentors and ministry staff review applications."
)
REVIEW_NOT_OFFERED = gettext_lazy(
    "You may review only applications to the cohorts of BLKKs you manage or mentor now."
)
REVIEW_OWN_APPLICATION = gettext_lazy("You cannot review an application you are on.")
REVIEWS_CLOSED = gettext_lazy(
    "This application has been decided or withdrawn: its reviews can no longer change."
)
REVIEW_BY_ITS_REVIEWER = gettext_lazy("Only its reviewer changes a review.")
REVIEW_TWICE = gettext_lazy("You have already reviewed this application.")
REVIEW_FIXED: dict[str, StrOrPromise] = {
    "application": gettext_lazy("The application of a review cannot be changed."),
    "reviewer": gettext_lazy("The reviewer of a review cannot be changed."),
}


def _ensure_application_recorder(by: User | None) -> None:
    """Commands, ministry staff and BLKK managers record applications."""
    if by is None or by.sees_everything:
        return
    if not by.has_perm("incubator.add_cohortapplication"):
        raise PermissionDenied(APPLICATIONS_WRITTEN_BY)


def _ensure_application_writable(
    application: CohortApplication, by: User | None
) -> None:
    """Only the cohort's BLKK's managers (and ministry staff) change, delete or
    decide an application, whichever door calls."""
    if by is None or by.sees_everything:
        return
    if not by.has_perm("incubator.change_cohortapplication") or (
        not CohortApplication.objects.writable_by(by).filter(pk=application.pk).exists()
    ):
        raise PermissionDenied(APPLICATIONS_WRITTEN_BY)


def _locked_cohort(cohort: Cohort, by: User | None) -> Cohort:
    """`cohort`, if `by` writes its records, locked until the transaction ends: the
    people of its applications are checked one application at a time."""
    if (
        by is not None
        and not by.sees_everything
        and not Cohort.objects.writable_by(by).filter(pk=cohort.pk).exists()
    ):
        raise ValidationError(
            {"cohort": ValidationError(APPLICATION_COHORT_NOT_YOURS, code="not_yours")}
        )
    return Cohort.objects.select_for_update().get(pk=cohort.pk)


def _check_received_on(cohort: Cohort, received_on: datetime.date) -> None:
    """Received on a day that has come, while the cohort takes applications."""
    if received_on > timezone.localdate():
        raise ValidationError(
            {
                "received_on": ValidationError(
                    _("This date cannot be in the future."), code="future"
                )
            }
        )
    if cohort.takes_applications_on(received_on):
        return
    if cohort.status == CohortStatus.CLOSED or cohort.applications_open_on is None:
        raise ValidationError(
            {"cohort": ValidationError(COHORT_TAKES_NO_APPLICATIONS, code="not_taking")}
        )
    window = {"open": date_format(cohort.applications_open_on)}
    if cohort.applications_close_on is None:
        message = _("This cohort takes applications from %(open)s.") % window
    else:
        window["close"] = date_format(cohort.applications_close_on)
        message = (
            _("This cohort takes applications from %(open)s through %(close)s.")
            % window
        )
    raise ValidationError(
        {"received_on": ValidationError(message, code="outside_window")}
    )


def _check_people(
    *,
    cohort: Cohort,
    applicant: Trainee,
    co_applicants: list[Trainee],
    new_people: set[int],
    application: CohortApplication | None,
    by: User | None,
) -> None:
    """The applicant and co-applicants: people `by` reaches as a manager (checked
    for `new_people`, those not already on the application), the applicant not
    among the co-applicants, and none of them on another application to `cohort`
    (whose row the caller has locked)."""
    co_ids = {person.pk for person in co_applicants}
    if applicant.pk in co_ids:
        raise ValidationError(
            {
                "co_applicants": ValidationError(
                    APPLICANT_ALSO_CO_APPLICANT, code="applicant_twice"
                )
            }
        )
    if by is not None and not by.sees_everything and new_people:
        reached = set(
            Trainee.objects.writable_by(by)
            .filter(pk__in=new_people)
            .values_list("pk", flat=True)
        )
        if applicant.pk in new_people - reached:
            raise ValidationError({"applicant": APPLICATION_PERSON_NOT_REACHED})
        if new_people - reached:
            raise ValidationError({"co_applicants": APPLICATION_PERSON_NOT_REACHED})
    others = CohortApplication.objects.filter(cohort_id=cohort.pk)
    if application is not None and application.pk is not None:
        others = others.exclude(pk=application.pk)
    people = {applicant.pk, *co_ids}
    taken = set(
        others.filter(applicant_id__in=people).values_list("applicant_id", flat=True)
    ) | set(
        CohortApplication.co_applicants.through.objects.filter(
            cohortapplication__in=others, trainee_id__in=people
        ).values_list("trainee_id", flat=True)
    )
    if not taken:
        return
    field = "applicant" if applicant.pk in taken else "co_applicants"
    person = (
        applicant
        if applicant.pk in taken
        else next(p for p in co_applicants if p.pk in taken)
    )
    raise ValidationError(
        {
            field: ValidationError(
                _("%(person)s is already on another application to this cohort.")
                % {"person": person.full_name},
                code="already_applied",
            )
        }
    )


class CohortApplicationChanges(TypedDict, total=False):
    cohort: Cohort
    applicant: Trainee
    co_applicants: Iterable[Trainee]
    business_name: str
    sector: str
    idea: str
    received_on: datetime.date


@transaction.atomic
def application_create(
    *,
    cohort: Cohort,
    applicant: Trainee,
    co_applicants: Iterable[Trainee] = (),
    business_name: str,
    sector: str,
    idea: str,
    received_on: datetime.date | None = None,
    by: User | None,
) -> CohortApplication:
    """Record an application to `cohort` by `applicant` (and `co_applicants`),
    received on `received_on` (default today) while the cohort takes applications.
    The people are those `by` reaches as a BLKK manager, each on no other
    application to the cohort; the application starts as submitted."""
    _ensure_application_recorder(by)
    co_applicants = list(co_applicants)
    received_on = received_on or timezone.localdate()
    locked = _locked_cohort(cohort, by)
    _check_received_on(locked, received_on)
    _check_people(
        cohort=locked,
        applicant=applicant,
        co_applicants=co_applicants,
        new_people={applicant.pk, *(person.pk for person in co_applicants)},
        application=None,
        by=by,
    )
    return model_create(
        CohortApplication,
        fields={
            "cohort": cohort,
            "applicant": applicant,
            "co_applicants": co_applicants,
            "business_name": business_name,
            "sector": sector,
            "idea": idea,
            "received_on": received_on,
            "status": ApplicationStatus.SUBMITTED,
            "recorded_by": by,
        },
    )


@transaction.atomic
def application_update(
    *,
    application: CohortApplication,
    by: User | None,
    **changes: Unpack[CohortApplicationChanges],
) -> CohortApplication:
    """Change an application while it is submitted or shortlisted. Its status,
    decision date and venture change only through `application_decide`; a new
    cohort, date or people are checked as `application_create` checks them."""
    _ensure_application_writable(application, by)
    stored = CohortApplication.objects.select_for_update().get(pk=application.pk)
    if "co_applicants" in changes:
        changes["co_applicants"] = list(changes["co_applicants"])
    changed = changed_fields(stored, changes)
    refuse_changes(changed, APPLICATION_FIXED)
    if stored.status not in OPEN_APPLICATION_STATUSES:
        raise ValidationError(ValidationError(APPLICATION_CLOSED, code="closed"))
    cohort = changed.get("cohort", stored.cohort)
    if {"cohort", "received_on"} & set(changed):
        locked = _locked_cohort(cohort, by)
        _check_received_on(locked, changed.get("received_on", stored.received_on))
    if {"cohort", "applicant", "co_applicants"} & set(changed):
        locked = _locked_cohort(cohort, by)
        applicant = changed.get("applicant", stored.applicant)
        co_applicants = list(changed.get("co_applicants", stored.co_applicants.all()))
        people = {applicant.pk, *(person.pk for person in co_applicants)}
        _check_people(
            cohort=locked,
            applicant=applicant,
            co_applicants=co_applicants,
            new_people=people - stored.people_ids,
            application=stored,
            by=by,
        )
        _check_reviewers_not_on(stored, people)
    return model_update(stored, changes=changes, fixed=APPLICATION_FIXED)


def _check_reviewers_not_on(application: CohortApplication, people: set[int]) -> None:
    """Nobody who reviewed the application becomes one of its people."""
    reviewer_ids = application.reviews.values("reviewer_id")
    person = Trainee.objects.filter(account_id__in=reviewer_ids, pk__in=people).first()
    if person is not None:
        raise ValidationError(
            {
                "co_applicants": _(
                    "%(person)s has reviewed this application and cannot be on it."
                )
                % {"person": person.full_name}
            }
        )


@transaction.atomic
def application_delete(*, application: CohortApplication, by: User | None) -> None:
    """Delete an application (with its reviews) that is not decided: an accepted or
    rejected one stays, and an accepted one is linked to its venture."""
    _ensure_application_writable(application, by)
    stored = CohortApplication.objects.select_for_update().get(pk=application.pk)
    if stored.status in DECIDED_STATUSES:
        raise ValidationError(
            ValidationError(APPLICATION_DECIDED_STAYS, code="decided")
        )
    model_delete(stored)


@transaction.atomic
def application_decide(
    *,
    application: CohortApplication,
    decision: str,
    note: str = "",
    on: datetime.date | None = None,
    by: User | None,
) -> CohortApplication:
    """Move an application to `decision` (shortlisted, accepted, rejected or
    withdrawn) as `APPLICATION_MOVES` allow, on `on` (default today; not in the
    future, not before it was received). Accepting or rejecting sets `decided_on`;
    accepting also creates the venture, in pre-incubation from that day, named and
    placed as the application, founded by its applicant and co-applicants, and
    links it, in the same transaction. The application's row is locked, so two
    decisions at once are taken one after the other: the second is judged from the
    first one's status (an application is never accepted twice).

    `note` is kept with the move in the application's history (its change reason)
    and, on acceptance, as the note of the venture's first stage change."""
    _ensure_application_writable(application, by)
    stored = (
        CohortApplication.objects.select_for_update()
        .select_related("cohort")
        .get(pk=application.pk)
    )
    if not application_move_allowed(stored.status, decision):
        message = _("An application cannot move from %(from)s to %(to)s.") % {
            "from": stored.get_status_display(),
            "to": dict(ApplicationStatus.choices).get(decision, decision),
        }
        raise ValidationError(
            {"decision": ValidationError(message, code="decision_forbidden")}
        )
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError(
            {
                "on": ValidationError(
                    _("This date cannot be in the future."), code="future"
                )
            }
        )
    if on < stored.received_on:
        raise ValidationError(
            {
                "on": ValidationError(
                    _(
                        "The decision cannot be dated before the application was "
                        "received (%(date)s)."
                    )
                    % {"date": date_format(stored.received_on)},
                    code="before_received",
                )
            }
        )
    fields = ["status"]
    if decision in DECIDED_STATUSES:
        stored.decided_on = on
        fields.append("decided_on")
    if decision == ApplicationStatus.ACCEPTED:
        founders = [stored.applicant, *stored.co_applicants.order_by("pk")]
        stored.venture = venture_create(
            cohort=stored.cohort,
            name=stored.business_name,
            sector=stored.sector,
            founders=founders,
            stage=Stage.PRE_INCUBATION,
            started_on=on,
            by=by,
        )
        fields.append("venture")
        if note:
            first = stored.venture.stage_changes.get()
            first.note = note
            first.save(update_fields=["note"])
    stored.status = decision
    stored._change_reason = note or None
    if by is not None:
        stored._history_user = by
    stored.full_clean()
    stored.save(update_fields=fields)
    return stored


# --- reviews of an application --------------------------------------------------------


def _ensure_reviewer(reviewer: User, by: User | None) -> None:
    """A review is given by the user signed in, of a role that reviews."""
    if by is not None and by.pk != reviewer.pk:
        raise PermissionDenied(REVIEW_BY_ITS_REVIEWER)
    if reviewer.sees_everything:
        return
    if not reviewer.has_perm("incubator.add_applicationreview"):
        raise PermissionDenied(REVIEWERS_ONLY)


def _application_open_to_review(
    application: CohortApplication, reviewer: User, *, field: str
) -> CohortApplication:
    """The application's row, locked: offered to `reviewer` now
    (`reviewable_by`: a mentor needs an assignment active today), still open, and
    not one the reviewer is on."""
    offered = CohortApplication.objects.reviewable_by(reviewer)
    if not offered.filter(pk=application.pk).exists():
        raise ValidationError(
            {field: ValidationError(REVIEW_NOT_OFFERED, code="not_offered")}
        )
    stored = CohortApplication.objects.select_for_update().get(pk=application.pk)
    if stored.status not in OPEN_APPLICATION_STATUSES:
        raise ValidationError({field: ValidationError(REVIEWS_CLOSED, code="closed")})
    own = Trainee.objects.filter(account_id=reviewer.pk, pk__in=stored.people_ids)
    if own.exists():
        raise ValidationError(
            {field: ValidationError(REVIEW_OWN_APPLICATION, code="own_application")}
        )
    return stored


def _ensure_review_writable(review: ApplicationReview, by: User | None) -> None:
    if by is None or by.sees_everything:
        return
    if not ApplicationReview.objects.writable_by(by).filter(pk=review.pk).exists():
        raise PermissionDenied(REVIEW_BY_ITS_REVIEWER)


def _review_stored(store: Callable[[], ApplicationReview]) -> ApplicationReview:
    """`store()` in a savepoint; a second review by the same reviewer that the
    database refuses (two posted at once) comes back as the friendly message."""
    try:
        with transaction.atomic():
            return store()
    except IntegrityError as error:
        constraint = getattr(
            getattr(error.__cause__, "diag", None), "constraint_name", ""
        )
        if constraint != "review_once_per_reviewer":
            raise
        raise ValidationError(ValidationError(REVIEW_TWICE, code="unique")) from error


class ApplicationReviewChanges(TypedDict, total=False):
    application: CohortApplication
    reviewer: User
    market: int
    team: int
    feasibility: int
    job_potential: int
    comment: str


@transaction.atomic
def review_create(
    *,
    application: CohortApplication,
    reviewer: User,
    market: int,
    team: int,
    feasibility: int,
    job_potential: int,
    comment: str = "",
    by: User | None,
) -> ApplicationReview:
    """`reviewer`'s scores (1..5 each) of an application they may review
    (`CohortApplication.objects.reviewable_by`) and are not on, until it is
    decided; one review per reviewer."""
    _ensure_reviewer(reviewer, by)
    _application_open_to_review(application, reviewer, field="application")
    fields = {
        "application": application,
        "reviewer": reviewer,
        "market": market,
        "team": team,
        "feasibility": feasibility,
        "job_potential": job_potential,
        "comment": comment,
    }
    return _review_stored(lambda: model_create(ApplicationReview, fields=fields))


@transaction.atomic
def review_update(
    *,
    review: ApplicationReview,
    by: User | None,
    **changes: Unpack[ApplicationReviewChanges],
) -> ApplicationReview:
    """Change a review: by its reviewer (or ministry staff), while its reviewer may
    still review the application and it is not decided."""
    _ensure_review_writable(review, by)
    refuse_changes(changed_fields(review, changes), REVIEW_FIXED)
    _application_open_to_review(
        review.application, review.reviewer, field=NON_FIELD_ERRORS
    )
    return model_update(review, changes=changes, fixed=REVIEW_FIXED)


@transaction.atomic
def review_delete(*, review: ApplicationReview, by: User | None) -> None:
    """Withdraw a review, under the rules of `review_update`."""
    _ensure_review_writable(review, by)
    _application_open_to_review(
        review.application, review.reviewer, field=NON_FIELD_ERRORS
    )
    model_delete(review)


APPLICATIONS = ModelServices(
    create=application_create,
    update=application_update,
    delete=application_delete,
    fixed=tuple(APPLICATION_FIXED),
)
REVIEWS = ModelServices(
    create=review_create,
    update=review_update,
    delete=review_delete,
    fixed=tuple(REVIEW_FIXED),
)


# --- assistance (bantuan wirausaha) ---------------------------------------------------
#
# Ministry staff propose assistance to a BLKK or to a venture, approve it or cancel
# it; the managers of the BLKK it counts at (its own, or its venture's cohort's) and
# ministry staff record its delivery with the handover number (BAST), its move to in
# use, and its checks. Every move is kept in `AssistanceStatusChange` (DESIGN.md,
# "Programme records the seeds name"). A move the rules forbid is a ValidationError
# (400); one the role may not make is PermissionDenied (403), asked first.

ASSISTANCE_PROPOSERS = gettext_lazy(
    "Only ministry staff propose, change or delete assistance."
)
ASSISTANCE_MINISTRY_MOVES = gettext_lazy(
    "Only ministry staff approve or cancel assistance."
)
ASSISTANCE_KEEPERS = gettext_lazy(
    "Only ministry staff and the managers of the BLKK receiving it record an "
    "assistance's delivery, its use and its checks."
)
ASSISTANCE_MINISTRY_FIELD = gettext_lazy(
    "Only ministry staff change this; a BLKK's managers record the checks (last "
    "checked on, condition)."
)
ASSISTANCE_BY_MOVE = gettext_lazy(
    "This changes only with a status move (the assistance's status endpoint)."
)
ASSISTANCE_SETTLED = gettext_lazy(
    "A delivered or cancelled assistance keeps its recipient, kind, year and value."
)
ASSISTANCE_CHECKED_AFTER_DELIVERY = gettext_lazy(
    "Only a delivered assistance is checked."
)
ASSISTANCE_NOT_DELETABLE = gettext_lazy(
    "Only a proposed or cancelled assistance can be deleted: cancel an approved one "
    "first; a delivered one stays on record."
)
# Set by the status moves alone; the proposal date opens the history and stays.
ASSISTANCE_MOVED_FIELDS = ("status", "approved_on", "delivered_on", "handover_number")
ASSISTANCE_FIXED: dict[str, StrOrPromise] = {
    **dict.fromkeys(ASSISTANCE_MOVED_FIELDS, ASSISTANCE_BY_MOVE),
    "proposed_on": gettext_lazy(
        "The proposal date opens the status history and cannot be changed."
    ),
}
# What a check records (`assistance_record_check`), the one change managers make.
ASSISTANCE_CHECK_FIELDS = ("last_checked_on", "condition")
# What the handover settles: unchanged once delivered, or once cancelled.
ASSISTANCE_SETTLED_FIELDS = ("blkk", "venture", "kind", "year", "value")
ASSISTANCE_SETTLED_STATUSES = frozenset({*HANDED_OVER, AssistanceStatus.CANCELLED})
# Statuses from which an assistance may be deleted (a proposal entered by mistake,
# or one cancelled); approved and handed-over ones are kept.
ASSISTANCE_DELETABLE = frozenset(
    {AssistanceStatus.PROPOSED, AssistanceStatus.CANCELLED}
)


class AssistanceChanges(TypedDict, total=False):
    blkk: Blkk | None
    venture: Venture | None
    year: int
    kind: str
    description: str
    value: int
    proposed_on: datetime.date
    status: str
    approved_on: datetime.date | None
    delivered_on: datetime.date | None
    handover_number: str
    last_checked_on: datetime.date | None
    condition: str


def _ministry(by: User | None) -> bool:
    """Ministry staff, or a command (`by` None)."""
    return by is None or by.sees_everything


def _ensure_assistance_proposer(by: User | None) -> None:
    if not _ministry(by):
        raise PermissionDenied(ASSISTANCE_PROPOSERS)


def _ensure_assistance_keeper(assistance: Assistance, by: User | None) -> None:
    """`by` records the delivery, use and checks of `assistance`: ministry staff, a
    command, or a manager of the BLKK it counts at (`writable_by`, the one door)."""
    if _ministry(by):
        return
    if (
        by is not None
        and by.role == Role.BLKK_MANAGER
        and Assistance.objects.writable_by(by).filter(pk=assistance.pk).exists()
    ):
        return
    raise PermissionDenied(ASSISTANCE_KEEPERS)


def _assistance_day(day: datetime.date | None, *, field: str) -> datetime.date:
    """`day`, today (Asia/Jakarta) when not given; never in the future."""
    today = timezone.localdate()
    if day is None:
        return today
    if day > today:
        raise ValidationError(
            {
                field: ValidationError(
                    _("This date cannot be in the future."), code="future"
                )
            }
        )
    return day


def _assistance_stamp(assistance: Assistance, by: User | None, reason: str) -> None:
    """Name `by` and `reason` in the history row the next save writes (the request's
    user is named anyway; a command or a test names its own)."""
    assistance._change_reason = reason  # type: ignore[attr-defined]
    if by is not None:
        assistance._history_user = by  # type: ignore[attr-defined]


def _assistance_locked(assistance: Assistance) -> Assistance:
    """The row as stored, locked until the transaction ends: moves, checks and
    changes of one assistance happen one after the other, each seeing the last."""
    return Assistance.objects.select_for_update().get(pk=assistance.pk)


@transaction.atomic
def assistance_create(
    *,
    blkk: Blkk | None = None,
    venture: Venture | None = None,
    year: int,
    kind: str,
    description: str,
    value: int,
    proposed_on: datetime.date | None = None,
    by: User | None,
) -> Assistance:
    """Propose assistance to `blkk` or to `venture` (exactly one; ministry staff
    only). It is stored as proposed with the first entry of its status history:
    from nothing to proposed, on `proposed_on` (today unless given: a proposal
    often predates its entry; never in the future), by `by`."""
    _ensure_assistance_proposer(by)
    proposed_on = _assistance_day(proposed_on, field="proposed_on")
    assistance = model_create(
        Assistance,
        fields={
            "blkk": blkk,
            "venture": venture,
            "year": year,
            "kind": kind,
            "description": description,
            "value": value,
            "proposed_on": proposed_on,
            "status": AssistanceStatus.PROPOSED,
        },
    )
    AssistanceStatusChange.objects.create(
        assistance=assistance,
        from_status="",
        to_status=AssistanceStatus.PROPOSED,
        on=proposed_on,
        by=by,
    )
    return assistance


@transaction.atomic
def assistance_update(
    *, assistance: Assistance, by: User | None, **changes: Unpack[AssistanceChanges]
) -> Assistance:
    """Change an assistance.

    Ministry staff change its description at any time, and its recipient, kind,
    year and value until it is delivered or cancelled. A manager of the BLKK it
    counts at changes only its check (`last_checked_on`, `condition`), under the
    rules of `assistance_record_check`; any other field they change is refused
    field by field. For everyone, its status, approval and delivery dates and
    handover number move only with `assistance_move`, and its proposal date,
    which opens the status history, stays. Values equal to those stored are no
    change.
    """
    locked = _assistance_locked(assistance)
    if not _ministry(by):
        _ensure_assistance_keeper(locked, by)
    changed = changed_fields(locked, changes)
    refused: dict[str, StrOrPromise] = {}
    if locked.status in ASSISTANCE_SETTLED_STATUSES:
        refused |= dict.fromkeys(ASSISTANCE_SETTLED_FIELDS, ASSISTANCE_SETTLED)
    if not _ministry(by):
        # What a manager may never change, whatever the status, says so first.
        refused |= {
            name: ASSISTANCE_MINISTRY_FIELD
            for name in changed
            if name not in ASSISTANCE_CHECK_FIELDS
        }
    refuse_changes(changed, {**refused, **ASSISTANCE_FIXED})
    rest = {n: v for n, v in changed.items() if n not in ASSISTANCE_CHECK_FIELDS}
    if rest:
        _assistance_stamp(locked, by, "changed")
        locked = model_update(locked, changes=rest)
    if set(changed) & set(ASSISTANCE_CHECK_FIELDS):
        locked = _assistance_check(
            locked,
            checked_on=changed.get("last_checked_on", locked.last_checked_on),
            condition=changed.get("condition", locked.condition),
            by=by,
        )
    return locked


@transaction.atomic
def assistance_delete(*, assistance: Assistance, by: User | None) -> None:
    """Delete an assistance with its status history (ministry staff only), while it
    is proposed or cancelled: an approved one is cancelled first, and a delivered
    one stays on record (its value counts in the reports)."""
    _ensure_assistance_proposer(by)
    locked = _assistance_locked(assistance)
    if locked.status not in ASSISTANCE_DELETABLE:
        raise ValidationError(ASSISTANCE_NOT_DELETABLE, code="not_deletable")
    model_delete(locked)


@transaction.atomic
def assistance_move(
    *,
    assistance: Assistance,
    to_status: str,
    on: datetime.date | None = None,
    handover_number: str = "",
    note: str = "",
    by: User | None,
) -> AssistanceStatusChange:
    """Move an assistance to `to_status` and record the move (from, to, on, by,
    note) in its status history.

    Who (PermissionDenied, asked first): approved and cancelled are ministry
    staff's moves; delivered and in use are also those of the managers of the BLKK
    it counts at. Rules (ValidationError): proposed -> approved -> delivered ->
    in use, and proposed or approved -> cancelled; `on` is today unless given,
    never in the future nor before the previous move. The move to delivered needs
    `handover_number` (the BAST) and sets `delivered_on` to `on`; the move to
    approved sets `approved_on`; a handover number given with any other move is
    refused rather than dropped. The row is locked, so two moves at once happen
    one after the other and the second is judged from the first's status.
    """
    locked = _assistance_locked(assistance)
    if to_status in MINISTRY_MOVES:
        if not _ministry(by):
            raise PermissionDenied(ASSISTANCE_MINISTRY_MOVES)
    else:
        _ensure_assistance_keeper(locked, by)
    from_status = locked.status
    if not assistance_move_allowed(from_status, to_status):
        message = _("An assistance cannot move from %(from)s to %(to)s.") % {
            "from": locked.get_status_display(),
            "to": dict(AssistanceStatus.choices).get(to_status, to_status),
        }
        raise ValidationError(
            {"to_status": ValidationError(message, code="status_move_forbidden")}
        )
    on = _assistance_day(on, field="on")
    last = locked.status_changes.order_by("-on", "-pk").first()
    if last is not None and on < last.on:
        raise ValidationError(
            {
                "on": ValidationError(
                    _("The date cannot be before the previous move (%(d)s).")
                    % {"d": date_format(last.on)},
                    code="before_previous",
                )
            }
        )
    handover_number = handover_number.strip()
    if to_status == AssistanceStatus.DELIVERED:
        if not handover_number:
            raise ValidationError(
                {
                    "handover_number": ValidationError(
                        _("Give the handover number (BAST) of the delivery."),
                        code="required",
                    )
                }
            )
        locked.delivered_on, locked.handover_number = on, handover_number
    elif handover_number:
        raise ValidationError(
            {
                "handover_number": ValidationError(
                    _("A handover number is recorded only with the delivery."),
                    code="not_a_delivery",
                )
            }
        )
    if to_status == AssistanceStatus.APPROVED:
        locked.approved_on = on
    locked.status = to_status
    locked.full_clean()
    _assistance_stamp(locked, by, f"{from_status} -> {to_status}")
    locked.save(
        update_fields=["status", "approved_on", "delivered_on", "handover_number"]
    )
    return AssistanceStatusChange.objects.create(
        assistance=locked,
        from_status=from_status,
        to_status=to_status,
        on=on,
        by=by,
        note=note,
    )


def _assistance_check(
    assistance: Assistance,
    *,
    checked_on: datetime.date | None,
    condition: str,
    by: User | None,
) -> Assistance:
    """Record a check of `assistance` (a locked row): the rules of
    `assistance_record_check`."""
    if assistance.status not in HANDED_OVER:
        raise ValidationError(
            {
                "last_checked_on": ValidationError(
                    ASSISTANCE_CHECKED_AFTER_DELIVERY, code="not_delivered"
                )
            }
        )
    if checked_on is None:
        raise ValidationError(
            {
                "last_checked_on": ValidationError(
                    _("Give the date of the check."), code="required"
                )
            }
        )
    checked_on = _assistance_day(checked_on, field="last_checked_on")
    for earliest, message in (
        (
            assistance.delivered_on,
            _("A check cannot be before the delivery (%(d)s)."),
        ),
        (
            assistance.last_checked_on,
            _("A check cannot be before the previous check (%(d)s)."),
        ),
    ):
        if earliest is not None and checked_on < earliest:
            raise ValidationError(
                {
                    "last_checked_on": ValidationError(
                        message % {"d": date_format(earliest)}, code="too_early"
                    )
                }
            )
    if condition not in AssistanceCondition.values:
        raise ValidationError(
            {
                "condition": ValidationError(
                    _("Choose the condition found: good, damaged, unused or lost."),
                    code="invalid_choice",
                )
            }
        )
    assistance.last_checked_on, assistance.condition = checked_on, condition
    assistance.full_clean()
    _assistance_stamp(assistance, by, "checked")
    assistance.save(update_fields=["last_checked_on", "condition"])
    return assistance


@transaction.atomic
def assistance_record_check(
    *,
    assistance: Assistance,
    checked_on: datetime.date,
    condition: str,
    by: User | None,
) -> Assistance:
    """Record a check of a delivered (or in use) assistance: the day it was seen
    (`checked_on`: never in the future, nor before its delivery or its previous
    check) and the `condition` found (good, damaged, unused, lost). Ministry staff
    and the managers of the BLKK it counts at record checks; the last one is kept
    on the row, and every one in its history."""
    locked = _assistance_locked(assistance)
    _ensure_assistance_keeper(locked, by)
    return _assistance_check(locked, checked_on=checked_on, condition=condition, by=by)


ASSISTANCE = ModelServices(
    create=assistance_create,
    update=assistance_update,
    delete=assistance_delete,
    fixed=tuple(ASSISTANCE_FIXED),
    # Managers may post only the check; the service refuses the rest.
    guarded=(*ASSISTANCE_SETTLED_FIELDS, "description"),
)
