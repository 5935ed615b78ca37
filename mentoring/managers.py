"""Scoped querysets of the mentoring app (see `blkk_portal.scoping`)."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from blkk_portal.access import ALL_ACTIONS, SIGNED_IN, Access
from blkk_portal.accounts.models import Role
from blkk_portal.accounts.scope import Reach, Scope, provides
from blkk_portal.scoping import ScopedQuerySet

# The BLKKs a scope reaches: a province's as a list of ids, a manager's as a subquery
# (`training.managers.blkks_reached_by_staff`).
BlkkIds = QuerySet | list[int]

# What a mentor's assignments reach, for the scopes of the apps below this one
# (`blkk_portal.accounts.scope.Reach`): computed here, where assignments are known.


@provides(Reach.MENTOR)
def mentor_profile_id(scope: Scope) -> int | None:
    from .models import Mentor

    user_id = scope.user.pk
    return Mentor.objects.filter(user_id=user_id).values_list("pk", flat=True).first()


def _assignments_of(scope: Scope) -> MentorAssignmentQuerySet:
    from .models import MentorAssignment

    return MentorAssignment.objects.filter(mentor=scope.mentor_id)


@provides(Reach.MENTORED_VENTURES)
def mentored_ventures(scope: Scope) -> QuerySet:
    return _assignments_of(scope).filter(venture__isnull=False).values("venture_id")


@provides(Reach.ACTIVELY_MENTORED_VENTURES)
def actively_mentored_ventures(scope: Scope) -> QuerySet:
    """Ventures of the mentor's assignments that are active today."""
    assignments = _assignments_of(scope).filter(venture__isnull=False)
    return assignments.active_on(timezone.localdate()).values("venture_id")


@provides(Reach.MENTORED_BLKKS)
def mentored_blkks(scope: Scope) -> QuerySet:
    """BLKKs of the mentor's BLKK-wide assignments and of their ventures' cohorts."""
    from incubator.models import Venture

    whole = _assignments_of(scope).filter(blkk__isnull=False)
    of_ventures = Venture.objects.filter(pk__in=scope.reach(Reach.MENTORED_VENTURES))
    return (
        whole.order_by()
        .values("blkk_id")
        .union(of_ventures.order_by().values("cohort__blkk_id"))
    )


@provides(Reach.ACTIVELY_MENTORED_BLKKS)
def actively_mentored_blkks(scope: Scope) -> QuerySet:
    """BLKKs of the mentor's assignments active today: BLKK-wide ones, and the
    cohorts' BLKKs of the ventures they mentor today (who may review that BLKK's
    cohort applications, DESIGN.md)."""
    from incubator.models import Venture

    active = _assignments_of(scope).active_on(timezone.localdate())
    whole = active.filter(blkk__isnull=False)
    ventures = Venture.objects.filter(
        pk__in=active.filter(venture__isnull=False).values("venture_id")
    )
    return (
        whole.order_by()
        .values("blkk_id")
        .union(ventures.order_by().values("cohort__blkk_id"))
    )


@provides(Reach.MENTORED_COHORTS)
def mentored_cohorts(scope: Scope) -> QuerySet:
    from incubator.models import Venture

    ventures = Venture.objects.filter(pk__in=scope.reach(Reach.MENTORED_VENTURES))
    return ventures.values("cohort_id")


@provides(Reach.MENTORED_TRAINEES)
def mentored_trainees(scope: Scope) -> QuerySet:
    """The founders of the mentor's ventures."""
    from incubator.models import Venture

    return Venture.founders.through.objects.filter(
        venture_id__in=scope.reach(Reach.MENTORED_VENTURES)
    ).values("trainee_id")


def _assignment_ids_by_kind(blkk_ids: BlkkIds) -> tuple[QuerySet, QuerySet]:
    """Ids of the assignments to the whole of a BLKK in `blkk_ids`, and of those to
    a venture of a cohort of one."""
    from .models import MentorAssignment

    whole = MentorAssignment.objects.filter(blkk_id__in=blkk_ids)
    ventures = MentorAssignment.objects.filter(venture__cohort__blkk_id__in=blkk_ids)
    return whole.order_by().values("pk"), ventures.order_by().values("pk")


def _assignments_reaching(blkk_ids: BlkkIds) -> Q:
    """Assignments to a venture of, or to the whole of, a BLKK in `blkk_ids`: two
    id subqueries the database hashes once each, where an OR across the join to the
    ventures' cohorts read every assignment in the country (a manager's first page
    of assignments: 44 -> 10 ms at national scale)."""
    whole, ventures = _assignment_ids_by_kind(blkk_ids)
    return Q(pk__in=whole) | Q(pk__in=ventures)


def _reaches_a_province(blkk_ids: BlkkIds) -> bool:
    """Whether `blkk_ids` are a province's: read as a list (hundreds of BLKKs,
    `training.managers.blkks_reached_by_staff`), where a manager's are a subquery
    of a few. The two call for opposite plans of a date-ordered list: a province
    reaches a tenth of the country, so walking the date index and keeping its rows
    finds a page at once; a manager's rows are one in thousands, found faster from
    their own few ids."""
    return isinstance(blkk_ids, list)


class MentorQuerySet(ScopedQuerySet):
    """A BLKK reaches the mentors assigned there and the mentors it is home to."""

    access = Access(read=SIGNED_IN)

    def reached_by_blkks(self, blkk_ids: BlkkIds) -> Q:
        from .models import MentorAssignment

        if _reaches_a_province(blkk_ids):
            reaching = _assignments_reaching(blkk_ids)
        else:
            # A manager: the UNION of their few assignments' ids (56 -> 4 ms).
            reaching = Q(pk__in=_assignment_ids_reaching(blkk_ids))
        assigned = MentorAssignment.objects.filter(reaching)
        return Q(pk__in=assigned.values("mentor_id")) | Q(home_blkk_id__in=blkk_ids)

    def reached_by_mentor(self, scope: Scope) -> Q:
        return Q(pk=scope.mentor_id)


class MentorAssignmentQuerySet(ScopedQuerySet):
    access = Access(read=SIGNED_IN)

    def reached_by_blkks(self, blkk_ids: BlkkIds) -> Q:
        return _assignments_reaching(blkk_ids)

    def reached_by_mentor(self, scope: Scope) -> Q:
        return Q(mentor_id=scope.mentor_id)

    def active_on(self, day: datetime.date) -> QuerySet:
        """Assignments whose status is active and whose dates include `day`."""
        return self.filter(assignment_active_on(day))


def assignment_active_on(day: datetime.date) -> Q:
    """An assignment's status is active and its dates include `day` (as a filter or,
    wrapped, an annotation)."""
    from .models import AssignmentStatus

    return Q(status=AssignmentStatus.ACTIVE, start_date__lte=day) & (
        Q(end_date__isnull=True) | Q(end_date__gte=day)
    )


def _assignment_ids_reaching(blkk_ids: BlkkIds) -> QuerySet:
    """The same assignments as `_assignments_reaching`, as a UNION of ids: sessions
    filtered by an OR across two joins were read in full for every BLKK
    (docs/benchmarks.md: 816 ms -> 11 ms for a manager's first page)."""
    whole, ventures = _assignment_ids_by_kind(blkk_ids)
    return whole.union(ventures)


class MentoringSessionQuerySet(ScopedQuerySet):
    access = Access(read=SIGNED_IN, write={Role.MENTOR: ALL_ACTIONS})

    def reached_by_blkks(self, blkk_ids: BlkkIds) -> Q:
        if _reaches_a_province(blkk_ids):
            # Two hashed id sets, filtering the walk down the date index: Jawa
            # Barat's first page 278 -> 35 ms, where the UNION was joined row by
            # row to every session read.
            whole, ventures = _assignment_ids_by_kind(blkk_ids)
            return Q(assignment_id__in=whole) | Q(assignment_id__in=ventures)
        return Q(assignment_id__in=_assignment_ids_reaching(blkk_ids))

    def reached_by_mentor(self, scope: Scope) -> Q:
        return Q(assignment__mentor_id=scope.mentor_id)

    def written_by_mentor(self, scope: Scope) -> Q:
        # Whether the assignment is active and the session still editable is the
        # service's rule (`session_ensure_writable`), which says why it refuses.
        return Q(assignment__mentor_id=scope.mentor_id)
