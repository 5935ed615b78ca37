"""Scoped querysets of the mentoring app (see `blkk_portal.scoping`)."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet

from blkk_portal.accounts.scope import Scope
from blkk_portal.scoping import ScopedQuerySet


def _assignments_reaching(blkk_ids: QuerySet) -> Q:
    """Assignments to a venture of, or to the whole of, a BLKK in `blkk_ids`."""
    return Q(venture__cohort__blkk_id__in=blkk_ids) | Q(blkk_id__in=blkk_ids)


class MentorQuerySet(ScopedQuerySet):
    """A BLKK reaches the mentors assigned there and the mentors it is home to."""

    def reached_by_blkks(self, blkk_ids: QuerySet) -> Q:
        from .models import MentorAssignment

        assigned = MentorAssignment.objects.filter(_assignments_reaching(blkk_ids))
        return Q(pk__in=assigned.values("mentor_id")) | Q(home_blkk_id__in=blkk_ids)

    def reached_by_mentor(self, scope: Scope) -> Q:
        return Q(pk=scope.mentor_id)


class MentorAssignmentQuerySet(ScopedQuerySet):
    def reached_by_blkks(self, blkk_ids: QuerySet) -> Q:
        return _assignments_reaching(blkk_ids)

    def reached_by_mentor(self, scope: Scope) -> Q:
        return Q(mentor_id=scope.mentor_id)

    def active_on(self, day: datetime.date) -> QuerySet:
        """Assignments whose status is active and whose dates include `day`."""
        from .models import MentorAssignment

        return self.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=day),
            status=MentorAssignment.Status.ACTIVE,
            start_date__lte=day,
        )


def _assignment_ids_reaching(blkk_ids: QuerySet) -> QuerySet:
    """The same assignments as `_assignments_reaching`, as a UNION of ids: sessions
    filtered by an OR across two joins were read in full for every BLKK
    (docs/benchmarks.md: 816 ms -> 11 ms for a manager's first page)."""
    from .models import MentorAssignment

    whole = MentorAssignment.objects.filter(blkk_id__in=blkk_ids)
    ventures = MentorAssignment.objects.filter(venture__cohort__blkk_id__in=blkk_ids)
    return whole.order_by().values("pk").union(ventures.order_by().values("pk"))


class MentoringSessionQuerySet(ScopedQuerySet):
    def reached_by_blkks(self, blkk_ids: QuerySet) -> Q:
        return Q(assignment_id__in=_assignment_ids_reaching(blkk_ids))

    def reached_by_mentor(self, scope: Scope) -> Q:
        return Q(assignment__mentor_id=scope.mentor_id)

    def written_by_mentor(self, scope: Scope) -> Q:
        # Whether the assignment is active and the session still editable is the
        # service's rule (`session_ensure_writable`), which says why it refuses.
        return Q(assignment__mentor_id=scope.mentor_id)
