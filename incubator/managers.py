"""Scoped querysets of the incubator app (see `blkk_portal.scoping`)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from blkk_portal.accounts.scope import Scope
from blkk_portal.scoping import ScopedQuerySet


class CohortQuerySet(ScopedQuerySet):
    def reached_by_blkks(self, blkk_ids: QuerySet) -> Q:
        return Q(blkk_id__in=blkk_ids)

    def reached_by_mentor(self, scope: Scope) -> Q:
        from .models import Venture

        cohorts = Venture.objects.filter(pk__in=scope.mentored_venture_ids)
        return Q(pk__in=cohorts.values("cohort_id"))


class VentureQuerySet(ScopedQuerySet):
    def reached_by_blkks(self, blkk_ids: QuerySet) -> Q:
        return Q(cohort__blkk_id__in=blkk_ids)

    def taking_metrics_from(self, user) -> QuerySet:
        """Ventures whose monthly figures `user` may report."""
        return self.filter_for_writer(
            user, lambda scope: Q(pk__in=scope.actively_mentored_venture_ids)
        )

    def reached_by_mentor(self, scope: Scope) -> Q:
        return Q(pk__in=scope.mentored_venture_ids)


class VentureRecordQuerySet(ScopedQuerySet):
    """Stage changes, milestones and metrics: reached wherever their venture is."""

    def reached_by_blkks(self, blkk_ids: QuerySet) -> Q:
        return Q(venture__cohort__blkk_id__in=blkk_ids)

    def reached_by_mentor(self, scope: Scope) -> Q:
        return Q(venture_id__in=scope.mentored_venture_ids)


class VentureMetricQuerySet(VentureRecordQuerySet):
    def written_by_mentor(self, scope: Scope) -> Q:
        """A mentor reports the figures of the ventures they mentor now."""
        return Q(venture_id__in=scope.actively_mentored_venture_ids)
