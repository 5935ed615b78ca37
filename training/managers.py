"""Scoped querysets of the training app (see `blkk_portal.scoping`)."""

from __future__ import annotations

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When

from blkk_portal.access import ALL_ACTIONS, CHANGE, SIGNED_IN, STAFF, Access
from blkk_portal.accounts.models import Role
from blkk_portal.accounts.scope import Reach, Scope, provides, scope_of
from blkk_portal.scoping import ScopedQuerySet

MANAGER_WRITES_ALL = {Role.BLKK_MANAGER: ALL_ACTIONS}


@provides(Reach.BLKKS)
def blkks_reached_by_staff(scope: Scope) -> QuerySet | None:
    """The BLKKs of a provincial user's province, or those a manager manages."""
    from .models import Blkk

    user = scope.user
    if user.role == Role.PROVINCE and user.province_id:
        return Blkk.objects.filter(regency__province_id=user.province_id).values("pk")
    if user.role == Role.BLKK_MANAGER:
        return Blkk.managers.through.objects.filter(user_id=user.pk).values("blkk_id")
    return None


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
    # Managers change their BLKK's contact details only (the service's rule).
    access = Access(read=SIGNED_IN, write={Role.BLKK_MANAGER: frozenset({CHANGE})})

    def reached_by_blkks(self, blkk_ids: QuerySet) -> Q:
        return Q(pk__in=blkk_ids)

    def reached_by_mentor(self, scope: Scope) -> Q:
        return Q(pk__in=scope.reach(Reach.MENTORED_BLKKS))

    def active(self) -> QuerySet:
        return self.filter(is_active=True)


class TrainingBatchQuerySet(ScopedQuerySet):
    access = Access(read=STAFF, write=MANAGER_WRITES_ALL)

    def reached_by_blkks(self, blkk_ids: QuerySet) -> Q:
        return Q(blkk_id__in=blkk_ids)


class TraineeQuerySet(ScopedQuerySet):
    access = Access(read=SIGNED_IN, write=MANAGER_WRITES_ALL)

    def reached_by_blkks(self, blkk_ids: QuerySet) -> Q:
        return trainees_reached_by_blkks(blkk_ids)

    def reached_by_mentor(self, scope: Scope) -> Q:
        # The founders of the ventures the mentor is assigned to.
        return Q(pk__in=scope.reach(Reach.MENTORED_TRAINEES))

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

    access = Access(read=STAFF, write=MANAGER_WRITES_ALL)

    def reached_by_blkks(self, blkk_ids: QuerySet) -> Q:
        return Q(trainee_id__in=trainee_ids_reached_by_blkks(blkk_ids))


class EnrollmentQuerySet(ScopedQuerySet):
    access = Access(read=STAFF, write=MANAGER_WRITES_ALL)

    def reached_by_blkks(self, blkk_ids: QuerySet) -> Q:
        return Q(batch__blkk_id__in=blkk_ids)

    def holding_a_place(self) -> QuerySet:
        """Enrollments that count against a batch's capacity."""
        from .models import Enrollment

        return self.exclude(status=Enrollment.Status.DROPPED)
