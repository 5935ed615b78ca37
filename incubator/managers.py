"""Scoped querysets of the incubator app (see `blkk_portal.scoping`)."""

from __future__ import annotations

from django.db import models
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


class ReportRunQuerySet(models.QuerySet):
    """Background generations: ministry staff see all; others see what they asked."""

    def visible_to(self, user) -> QuerySet:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.sees_everything:
            return self.all()
        return self.filter(requested_by_id=user.pk)


class ProgressReportQuerySet(ScopedQuerySet):
    """Everyone signed in reads the national report (it holds no personal data);
    provincial staff read their province's report; BLKK reports follow the BLKKs a
    user reaches. Mentors read only the national report."""

    access = Access(read=SIGNED_IN)

    def visible_to(self, user) -> QuerySet:
        from .models import ReportScope

        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        shared = Q(scope=ReportScope.NATIONAL)
        if user.role == Role.PROVINCE and user.province_id:
            shared |= Q(scope=ReportScope.PROVINCE, scope_code=user.province_id)
        return super().visible_to(user) | self.filter(shared)

    def reached_by_blkks(self, blkk_ids: QuerySet) -> Q:
        from training.models import Blkk

        reached = Blkk.objects.filter(pk__in=blkk_ids)
        return Q(scope="blkk", scope_code__in=reached.values("code"))
