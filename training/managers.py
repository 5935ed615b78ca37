"""Scoped querysets of the training app (see `blkk_portal.scoping`)."""

from __future__ import annotations

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When

from blkk_portal.accounts.models import Role
from blkk_portal.accounts.scope import Scope, scope_of
from blkk_portal.scoping import ScopedQuerySet


def trainee_ids_reached_by_blkks(blkk_ids: QuerySet) -> QuerySet:
    """Ids of the people a BLKK reaches: those it registered and those it enrolled
    (DESIGN.md: enrolling by NIK makes a person visible there too).

    A UNION of two index scans, not `registered OR EXISTS(enrolled)`: the correlated
    EXISTS under an OR made PostgreSQL scan every trainee in the country for every
    manager (docs/benchmarks.md: 610 ms -> 7 ms for a manager's first page).
    """
    from .models import Enrollment, Trainee, TrainingBatch

    registered = Trainee.objects.filter(blkk_id__in=blkk_ids).order_by().values("pk")
    batches = TrainingBatch.objects.filter(blkk_id__in=blkk_ids).values("pk")
    enrolled = (
        Enrollment.objects.filter(batch_id__in=batches).order_by().values("trainee_id")
    )
    return registered.union(enrolled)


def trainees_reached_by_blkks(blkk_ids: QuerySet) -> Q:
    return Q(pk__in=trainee_ids_reached_by_blkks(blkk_ids))


class BlkkQuerySet(ScopedQuerySet):
    def reached_by_blkks(self, blkk_ids: QuerySet) -> Q:
        return Q(pk__in=blkk_ids)

    def reached_by_mentor(self, scope: Scope) -> Q:
        from incubator.models import Venture

        assigned_venture_blkks = Venture.objects.filter(
            pk__in=scope.mentored_venture_ids
        ).values("cohort__blkk_id")
        return Q(pk__in=scope.mentored_blkk_ids) | Q(pk__in=assigned_venture_blkks)

    def active(self) -> QuerySet:
        return self.filter(is_active=True)


class TrainingBatchQuerySet(ScopedQuerySet):
    def reached_by_blkks(self, blkk_ids: QuerySet) -> Q:
        return Q(blkk_id__in=blkk_ids)


class TraineeQuerySet(ScopedQuerySet):
    def reached_by_blkks(self, blkk_ids: QuerySet) -> Q:
        return trainees_reached_by_blkks(blkk_ids)

    def reached_by_mentor(self, scope: Scope) -> Q:
        from incubator.models import Venture

        founders = Venture.founders.through.objects.filter(
            venture_id__in=scope.mentored_venture_ids
        ).values("trainee_id")
        return Q(pk__in=founders)

    def with_full_nik_flag(self, user) -> QuerySet:
        """Annotate `full_nik_visible`: ministry staff and the person's own BLKKs'
        managers see the whole NIK; everyone else sees it masked."""
        scope = scope_of(user)
        if scope.everything:
            return self.annotate(full_nik_visible=Value(True, BooleanField()))
        if user.role != Role.BLKK_MANAGER or scope.blkk_ids is None:
            return self.annotate(full_nik_visible=Value(False, BooleanField()))
        managed = trainees_reached_by_blkks(scope.blkk_ids)
        return self.annotate(
            full_nik_visible=Case(
                When(managed, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )


class TraineeRecordQuerySet(ScopedQuerySet):
    """Records about a person (certifications, graduate outcomes): reached wherever
    the person is reached by a BLKK."""

    def reached_by_blkks(self, blkk_ids: QuerySet) -> Q:
        return Q(trainee_id__in=trainee_ids_reached_by_blkks(blkk_ids))


class EnrollmentQuerySet(ScopedQuerySet):
    def reached_by_blkks(self, blkk_ids: QuerySet) -> Q:
        return Q(batch__blkk_id__in=blkk_ids)

    def holding_a_place(self) -> QuerySet:
        """Enrollments that count against a batch's capacity."""
        from .models import Enrollment

        return self.exclude(status=Enrollment.Status.DROPPED)
