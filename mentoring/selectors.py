"""Reads of the mentoring app that are more than one filter: a mentor's mentees,
their sessions, and the ventures whose monthly figures the mentor reports.

Every read starts from `visible_to(user)`; `mentor_id` narrows it to one mentor's own
assignments (a manager who also mentors sees their BLKK's assignments too, and these
pages are about their mentoring only).
"""

from __future__ import annotations

import datetime

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
)

from blkk_portal.months import Month
from incubator.models import Venture, VentureMetric
from training.models import Trainee

from .managers import assignment_active_on
from .models import MentorAssignment, MentoringSession


def own_assignments(*, user, mentor_id: int) -> QuerySet[MentorAssignment]:
    """The assignments of the mentor `mentor_id`, as `user` sees them."""
    return MentorAssignment.objects.visible_to(user).filter(mentor_id=mentor_id)


def own_sessions(*, user, mentor_id: int) -> QuerySet[MentoringSession]:
    """The sessions held under the mentor's own assignments, newest first."""
    return (
        MentoringSession.objects.visible_to(user)
        .filter(assignment__mentor_id=mentor_id)
        .order_by("-held_on", "-pk")
    )


def _latest_metric_period(user, venture_ref: OuterRef) -> Subquery:
    metrics = VentureMetric.objects.visible_to(user).filter(venture=venture_ref)
    return Subquery(metrics.order_by("-period").values("period")[:1])


def mentee_list(
    *, user, mentor_id: int, today: datetime.date
) -> QuerySet[MentorAssignment]:
    """The mentor's assignments, those active on `today` first, then the newest.

    Each carries `is_active` (active on `today`), `last_session_on` (the latest
    session held under it, or None), `last_metric_period` (the first day of its
    venture's latest reported month; None for a BLKK-wide one or a venture that never
    reported) and, for a venture, `venture.founder_list` (the founders by name). The
    number of queries does not grow with the number of assignments: the dates are
    subqueries and the founders one prefetch.
    """
    last_session = (
        MentoringSession.objects.visible_to(user)
        .filter(assignment=OuterRef("pk"))
        .order_by("-held_on")
        .values("held_on")[:1]
    )
    founders = (
        Trainee.objects.visible_to(user).only("full_name").order_by("full_name", "pk")
    )
    return (
        own_assignments(user=user, mentor_id=mentor_id)
        .select_related("venture", "blkk")
        .prefetch_related(
            Prefetch("venture__founders", queryset=founders, to_attr="founder_list")
        )
        .annotate(
            is_active=ExpressionWrapper(
                assignment_active_on(today), output_field=BooleanField()
            ),
            last_session_on=Subquery(last_session),
            last_metric_period=_latest_metric_period(user, OuterRef("venture_id")),
        )
        .order_by("-is_active", "-start_date", "-pk")
    )


def last_session_of(*, user, mentor_id: int) -> MentoringSession | None:
    """The mentor's latest session (by the day held, then the latest recorded), for
    the defaults of the next one."""
    return (
        own_sessions(user=user, mentor_id=mentor_id)
        .only("mode", "duration_minutes", "held_on")
        .first()
    )


def metric_ventures(
    *, user, mentor_id: int, today: datetime.date, month: Month
) -> QuerySet[Venture]:
    """The ventures whose monthly figures the mentor reports: those of their
    assignments active on `today` that `user` may write figures of, by name.

    Each carries `reported` (figures stored for `month`) and `last_period` (the first
    day of the latest month reported, or None).
    """
    mentored = (
        own_assignments(user=user, mentor_id=mentor_id)
        .active_on(today)
        .values("venture_id")
    )
    reported = VentureMetric.objects.visible_to(user).filter(
        venture=OuterRef("pk"), period=month.first_day
    )
    return (
        Venture.objects.taking_metrics_from(user)
        .filter(pk__in=mentored)
        .annotate(
            reported=Exists(reported),
            last_period=_latest_metric_period(user, OuterRef("pk")),
        )
        .order_by("name", "pk")
    )
