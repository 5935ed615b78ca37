"""Scoped querysets of the training app (see `blkk_portal.scoping`)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from blkk_portal.accounts.models import Role
from blkk_portal.accounts.scope import Scope, scope_of
from blkk_portal.scoping import ScopedQuerySet


def trainees_reached_by_blkks(blkk_ids: QuerySet) -> Q:
    """A person is reached by the BLKK that registered them and by every BLKK that
    enrolled them (DESIGN.md: enrolling by NIK makes them visible there too)."""
    from .models import Enrollment

    enrolled_there = Enrollment.objects.filter(
        trainee_id=OuterRef("pk"), batch__blkk_id__in=blkk_ids
    )
    return Q(blkk_id__in=blkk_ids) | Q(Exists(enrolled_there))


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
        from django.db.models import BooleanField, Value

        scope = scope_of(user)
        if scope.everything:
            return self.annotate(full_nik_visible=Value(True, BooleanField()))
        if user.role != Role.BLKK_MANAGER or scope.blkk_ids is None:
            return self.annotate(full_nik_visible=Value(False, BooleanField()))
        from .models import Trainee

        managed = Trainee.objects.filter(
            trainees_reached_by_blkks(scope.blkk_ids), pk=OuterRef("pk")
        )
        return self.annotate(full_nik_visible=Exists(managed))


class TraineeRecordQuerySet(ScopedQuerySet):
    """Records about a person (certifications, graduate outcomes): reached wherever
    the person is reached by a BLKK."""

    def reached_by_blkks(self, blkk_ids: QuerySet) -> Q:
        from .models import Trainee

        trainees = Trainee.objects.filter(trainees_reached_by_blkks(blkk_ids))
        return Q(trainee_id__in=trainees.values("pk"))


class EnrollmentQuerySet(ScopedQuerySet):
    def reached_by_blkks(self, blkk_ids: QuerySet) -> Q:
        return Q(batch__blkk_id__in=blkk_ids)

    def holding_a_place(self) -> QuerySet:
        """Enrollments that count against a batch's capacity."""
        from .models import Enrollment

        return self.exclude(status=Enrollment.Status.DROPPED)
