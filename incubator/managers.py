"""Scoped querysets of the incubator app (see `blkk_portal.scoping`)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from blkk_portal.access import ADD, ALL_ACTIONS, CHANGE, SIGNED_IN, Access
from blkk_portal.accounts.models import Role
from blkk_portal.accounts.scope import Reach, Scope
from blkk_portal.scoping import ScopedQuerySet

MANAGER_WRITES_ALL = {Role.BLKK_MANAGER: ALL_ACTIONS}


class CohortQuerySet(ScopedQuerySet):
    access = Access(read=SIGNED_IN, write=MANAGER_WRITES_ALL)

    def reached_by_blkks(self, blkk_ids: QuerySet) -> Q:
        return Q(blkk_id__in=blkk_ids)

    def reached_by_mentor(self, scope: Scope) -> Q:
        return Q(pk__in=scope.reach(Reach.MENTORED_COHORTS))


class VentureQuerySet(ScopedQuerySet):
    access = Access(read=SIGNED_IN, write=MANAGER_WRITES_ALL)

    def reached_by_blkks(self, blkk_ids: QuerySet) -> Q:
        return Q(cohort__blkk_id__in=blkk_ids)

    def taking_metrics_from(self, user) -> QuerySet:
        """Ventures whose monthly figures `user` may report."""
        return self.filter_for_writer(
            user, lambda scope: Q(pk__in=scope.reach(Reach.ACTIVELY_MENTORED_VENTURES))
        )

    def reached_by_mentor(self, scope: Scope) -> Q:
        return Q(pk__in=scope.reach(Reach.MENTORED_VENTURES))


class VentureRecordQuerySet(ScopedQuerySet):
    """Records of a venture: reached wherever their venture is."""

    def reached_by_blkks(self, blkk_ids: QuerySet) -> Q:
        return Q(venture__cohort__blkk_id__in=blkk_ids)

    def reached_by_mentor(self, scope: Scope) -> Q:
        return Q(venture_id__in=scope.reach(Reach.MENTORED_VENTURES))


class StageChangeQuerySet(VentureRecordQuerySet):
    # Written only by the stage service, never as a record of its own.
    access = Access(read=SIGNED_IN)


class MilestoneQuerySet(VentureRecordQuerySet):
    access = Access(read=SIGNED_IN, write=MANAGER_WRITES_ALL)


class VentureMetricQuerySet(VentureRecordQuerySet):
    access = Access(
        read=SIGNED_IN,
        write={**MANAGER_WRITES_ALL, Role.MENTOR: frozenset({ADD, CHANGE})},
    )

    def written_by_mentor(self, scope: Scope) -> Q:
        """A mentor reports the figures of the ventures they mentor now."""
        return Q(venture_id__in=scope.reach(Reach.ACTIVELY_MENTORED_VENTURES))
