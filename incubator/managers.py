"""Scoped querysets of the incubator app (see `blkk_portal.scoping`)."""

from __future__ import annotations

import datetime

from django.db.models import DecimalField, Q, QuerySet

from blkk_portal.access import ADD, ALL_ACTIONS, CHANGE, SIGNED_IN, STAFF, Access
from blkk_portal.accounts.models import Role
from blkk_portal.accounts.scope import Reach, Scope, scope_of
from blkk_portal.scoping import NO_ROWS, ScopedQuerySet

MANAGER_WRITES_ALL = {Role.BLKK_MANAGER: ALL_ACTIONS}


class CohortQuerySet(ScopedQuerySet):
    access = Access(read=SIGNED_IN, write=MANAGER_WRITES_ALL)

    def reached_by_blkks(self, blkk_ids: QuerySet) -> Q:
        return Q(blkk_id__in=blkk_ids)

    def reached_by_mentor(self, scope: Scope) -> Q:
        return Q(pk__in=scope.reach(Reach.MENTORED_COHORTS))

    def taking_applications_on(self, day: datetime.date) -> QuerySet:
        """Cohorts that take applications on `day` (`Cohort.takes_applications_on`)."""
        from .models import CohortStatus

        return self.exclude(status=CohortStatus.CLOSED).filter(
            Q(applications_open_on__lte=day)
            & (
                Q(applications_close_on__isnull=True)
                | Q(applications_close_on__gte=day)
            )
        )


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


# --- intake and assistance (DESIGN.md, "Programme records the seeds name") ---------
#
# An application belongs to its cohort's BLKK. Its managers write it; a mentor
# assigned to that BLKK or one of its ventures reads it, to review it. A review is
# written by its reviewer alone (`writable_by`), and a mentor reads only their own,
# so that scores are given independently. Assistance belongs to its BLKK or its
# venture's cohort's BLKK; managers change only its checks (the service's rule) and
# move it only through the status service; ministry staff propose, approve, cancel.


# An application's score: the mean of totals of 4..20, to 2 decimals.
SCORE_FIELD: DecimalField = DecimalField(max_digits=4, decimal_places=2)


class CohortApplicationQuerySet(ScopedQuerySet):
    access = Access(read=SIGNED_IN, write={Role.BLKK_MANAGER: ALL_ACTIONS})

    def reached_by_blkks(self, blkk_ids: QuerySet) -> Q:
        return Q(cohort__blkk_id__in=blkk_ids)

    def reached_by_mentor(self, scope: Scope) -> Q:
        return Q(cohort__blkk_id__in=scope.reach(Reach.MENTORED_BLKKS))

    def reviewable_by(self, user) -> QuerySet:
        """Applications `user` may review: every one for ministry staff, their
        BLKKs' for a manager, and for a mentor those of the BLKKs they hold an
        active assignment to (to the BLKK or one of its ventures) today."""
        scope = scope_of(user)
        if scope.everything:
            return self.all()
        condition = NO_ROWS
        if user.role == Role.BLKK_MANAGER and scope.blkk_ids is not None:
            condition |= self.reached_by_blkks(scope.blkk_ids)
        if scope.mentor_id is not None:
            condition |= Q(
                cohort__blkk_id__in=scope.reach(Reach.ACTIVELY_MENTORED_BLKKS)
            )
        return self.filter(condition)

    def with_score(self) -> QuerySet:
        """Annotate `score`: the mean of the reviews' totals (4..20) to 2 decimals,
        None without reviews (DESIGN.md).

        A subquery per application shown (an index look-up of its reviews), not a
        GROUP BY over every application: a page of 50 no longer aggregates all
        90,000 before it is cut (issue #14: 1 s -> 13 ms), and counting the list
        needs no aggregate at all."""
        from django.db.models import Avg, F, OuterRef, Subquery
        from django.db.models.functions import Cast, Round

        from .models import ApplicationReview

        total = F("market") + F("team") + F("feasibility") + F("job_potential")
        mean = (
            ApplicationReview.objects.filter(application=OuterRef("pk"))
            .order_by()
            .values("application")
            .annotate(mean=Cast(Round(Avg(total), 2), SCORE_FIELD))
            .values("mean")
        )
        return self.annotate(score=Subquery(mean, output_field=SCORE_FIELD))


class ApplicationReviewQuerySet(ScopedQuerySet):
    access = Access(
        read=SIGNED_IN,
        write={Role.BLKK_MANAGER: ALL_ACTIONS, Role.MENTOR: ALL_ACTIONS},
    )

    def reached_by_blkks(self, blkk_ids: QuerySet) -> Q:
        return Q(application__cohort__blkk_id__in=blkk_ids)

    def reached_by_mentor(self, scope: Scope) -> Q:
        return Q(reviewer_id=scope.user.pk)

    def written_by_mentor(self, scope: Scope) -> Q:
        return Q(reviewer_id=scope.user.pk)

    def writable_by(self, user) -> QuerySet:
        """A review is changed by its reviewer alone, within their reach (ministry
        staff may also correct or remove anyone's)."""
        if scope_of(user).everything:
            return self.all()
        return super().writable_by(user).filter(reviewer_id=user.pk)


class AssistanceQuerySet(ScopedQuerySet):
    # Managers change an assistance's checks and move it through the status
    # service (delivered, in use); ministry staff alone add and delete it.
    access = Access(read=STAFF, write={Role.BLKK_MANAGER: frozenset({CHANGE})})

    def reached_by_blkks(self, blkk_ids: QuerySet) -> Q:
        # The ventures as an id subquery, hashed once: an OR across the join to
        # their cohorts read every assistance and venture in the country (a BLKK
        # page's assistance panel: 26 -> 1 ms at national scale).
        from .models import Venture

        ventures = Venture.objects.filter(cohort__blkk_id__in=blkk_ids).values("pk")
        return Q(blkk_id__in=blkk_ids) | Q(venture_id__in=ventures)

    def owned_by_blkk(self) -> QuerySet:
        """Annotate `owner_blkk_id`: the BLKK the assistance counts at (its BLKK, or
        its venture's cohort's)."""
        from django.db.models.functions import Coalesce

        return self.annotate(
            owner_blkk_id=Coalesce("blkk_id", "venture__cohort__blkk_id")
        )


class AssistanceStatusChangeQuerySet(ScopedQuerySet):
    # Written only by the status service, never as a record of its own.
    access = Access(read=STAFF)

    def reached_by_blkks(self, blkk_ids: QuerySet) -> Q:
        return Q(assistance__blkk_id__in=blkk_ids) | Q(
            assistance__venture__cohort__blkk_id__in=blkk_ids
        )
