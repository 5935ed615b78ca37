"""Scoped querysets of the training app (see `blkk_portal.scoping`)."""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.db import connection
from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from blkk_portal.access import ADD, ALL_ACTIONS, CHANGE, SIGNED_IN, STAFF, Access
from blkk_portal.accounts.models import Role
from blkk_portal.accounts.scope import Reach, Scope, provides, scope_of
from blkk_portal.scoping import ScopedQuerySet

MANAGER_WRITES_ALL = {Role.BLKK_MANAGER: ALL_ACTIONS}
# A person is erased by ministry staff only (DESIGN.md, "Roles and scoping").
MANAGER_ADDS_AND_CHANGES = {Role.BLKK_MANAGER: frozenset({ADD, CHANGE})}


class NikSearchRefused(BadRequest):
    """A user who sees NIKs masked asked to find someone by NIK: a NIK is not an
    oracle, so the search is refused (400) rather than answered with one row or
    none."""

    message = _("Searching by NIK is not available to your role: search by name.")

    def __str__(self) -> str:
        return str(self.message)


@provides(Reach.BLKKS)
def blkks_reached_by_staff(scope: Scope) -> QuerySet | list[int] | None:
    """The BLKKs of a provincial user's province, or those a manager manages.

    A province's ids are read once per request, as a list: given a subquery
    through the regencies, PostgreSQL guesses a handful of BLKKs where a province
    has hundreds (435 in Jawa Barat); given the ids it plans from their real number,
    and the mentoring scopes choose their plan by it (`mentoring.managers`). One
    query more; at national scale Jawa Barat's first pages of trainees,
    certifications and outcomes take 0.7-1.5 ms of SQL instead of 2 ms
    (docs/PERFORMANCE.md)."""
    from .models import Blkk

    user = scope.user
    if user.role == Role.PROVINCE and user.province_id:
        province_blkks = Blkk.objects.filter(regency__province_id=user.province_id)
        return list(province_blkks.values_list("pk", flat=True))
    if user.role == Role.BLKK_MANAGER:
        return Blkk.managers.through.objects.filter(user_id=user.pk).values("blkk_id")
    return None


def reach_table_kept() -> bool:
    """Whether the database keeps the reach table (`TraineeReach`): PostgreSQL's
    triggers do (migration 0011_trainee_reach); on the embedded SQLite file it
    stays empty and the scope reads the base tables."""
    return connection.vendor == "postgresql"


def trainee_ids_reached_by_blkks(blkk_ids: QuerySet) -> QuerySet:
    """Ids of the people a BLKK reaches: those it registered and those it enrolled
    (DESIGN.md: enrolling by NIK makes a person visible there too).

    Read from the reach table, which the database keeps equal to that union: one
    index scan of its primary key (blkk, trainee), where the UNION of registered and
    enrolled people read the trainees, the batches and the enrollments of every BLKK
    in scope on each request, and grew with a province (docs/performance-reach.md).
    """
    if not reach_table_kept():
        return trainee_ids_reached_by_base_tables(blkk_ids)
    from .models import TraineeReach

    return TraineeReach.objects.filter(blkk_id__in=blkk_ids).values("trainee_id")


def trainee_ids_reached_by_base_tables(blkk_ids: QuerySet) -> QuerySet:
    """The same ids computed from the base tables, for a database without the reach
    table's triggers (and the tests that check the table against them).

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


@provides(Reach.BLKK_TRAINEES)
def trainees_reached_by_staff(scope: Scope) -> QuerySet | None:
    """The people the scope's BLKKs reach, or None for a scope without BLKKs."""
    blkk_ids = scope.blkk_ids
    return None if blkk_ids is None else trainee_ids_reached_by_blkks(blkk_ids)


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


class BlkkHandoverQuerySet(ScopedQuerySet):
    # Written only by the hand-over service (ministry staff), never as a record of
    # its own; read by whoever reads the BLKK's staff records.
    access = Access(read=STAFF)

    def reached_by_blkks(self, blkk_ids: QuerySet) -> Q:
        return Q(blkk_id__in=blkk_ids)


class TrainingBatchQuerySet(ScopedQuerySet):
    access = Access(read=STAFF, write=MANAGER_WRITES_ALL)

    def reached_by_blkks(self, blkk_ids: QuerySet) -> Q:
        return Q(blkk_id__in=blkk_ids)


class TraineeQuerySet(ScopedQuerySet):
    # Managers register people and change them (the service narrows what a BLKK
    # that only enrolled the person may change); erasing is the ministry's act.
    access = Access(read=SIGNED_IN, write=MANAGER_ADDS_AND_CHANGES)

    def reached_by_blkks(self, blkk_ids: QuerySet) -> Q:
        return trainees_reached_by_blkks(blkk_ids)

    def reached_by_scope_blkks(self, scope: Scope) -> Q:
        return Q(pk__in=scope.reach(Reach.BLKK_TRAINEES))

    def reached_by_mentor(self, scope: Scope) -> Q:
        # The founders of the ventures the mentor is assigned to.
        return Q(pk__in=scope.reach(Reach.MENTORED_TRAINEES))

    def with_full_nik_flag(self, user) -> QuerySet:
        """Annotate `full_nik_visible`: ministry staff and the person's own BLKKs'
        managers see the whole NIK; everyone else sees it masked.

        The rows a manager who mentors no one sees are exactly the people their
        BLKKs reach, so on `visible_to(user)`'s rows the flag is a constant, not a
        second subquery; otherwise (a manager who also mentors, or rows not known to
        be narrowed) it asks whether each row is among those people, with the
        scope's one subquery of them."""
        condition = whole_nik_condition(user)
        if condition is None:
            return self.annotate(full_nik_visible=Value(False, BooleanField()))
        if not condition or (
            self.within_visible_to(user) and scope_of(user).mentor_id is None
        ):
            return self.annotate(full_nik_visible=Value(True, BooleanField()))
        return self.annotate(
            full_nik_visible=Case(
                When(condition, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )

    def searchable_by_nik(self, user) -> QuerySet:
        """The rows `user` may find by NIK: those whose NIK they see whole. Raises
        NikSearchRefused for a user who sees every NIK masked."""
        condition = whole_nik_condition(user)
        if condition is None:
            raise NikSearchRefused
        return self.filter(condition)


def whole_nik_condition(user) -> Q | None:
    """Which people's NIK `user` sees whole: everyone's for ministry staff (an empty
    Q), the people a manager's BLKKs reach; None for a user who sees NIKs masked."""
    scope = scope_of(user)
    if scope.everything:
        return Q()
    if user.role != Role.BLKK_MANAGER or scope.blkk_ids is None:
        return None
    return Q(pk__in=scope.reach(Reach.BLKK_TRAINEES))


def sees_whole_niks(user) -> bool:
    """Whether `user` sees any NIK whole (and so may look people up by NIK)."""
    return whole_nik_condition(user) is not None


class TraineeRecordQuerySet(ScopedQuerySet):
    """Records about a person (certifications, graduate outcomes): read wherever the
    person is reached by a BLKK, written only by the BLKK they were recorded for
    (`recorded_by_blkk`; empty: ministry staff alone)."""

    access = Access(read=STAFF, write=MANAGER_WRITES_ALL)

    def reached_by_blkks(self, blkk_ids: QuerySet) -> Q:
        return Q(trainee_id__in=trainee_ids_reached_by_blkks(blkk_ids))

    def reached_by_scope_blkks(self, scope: Scope) -> Q:
        return Q(trainee_id__in=scope.reach(Reach.BLKK_TRAINEES))

    def written_by_blkks(self, blkk_ids: QuerySet) -> Q:
        return Q(recorded_by_blkk_id__in=blkk_ids)


class EnrollmentQuerySet(ScopedQuerySet):
    access = Access(read=STAFF, write=MANAGER_WRITES_ALL)

    def reached_by_blkks(self, blkk_ids: QuerySet) -> Q:
        return Q(batch__blkk_id__in=blkk_ids)

    def holding_a_place(self) -> QuerySet:
        """Enrollments that count against a batch's capacity."""
        from .models import Enrollment

        return self.exclude(status=Enrollment.Status.DROPPED)


# --- programme records (DESIGN.md, "Programme records the seeds name") ---------------


class BlkkRecordQuerySet(ScopedQuerySet):
    """Records of a BLKK's own (instructors, grade assessments): read by the staff
    who reach the BLKK; written by its managers unless a subclass says otherwise."""

    access = Access(read=STAFF, write=MANAGER_WRITES_ALL)

    def reached_by_blkks(self, blkk_ids: QuerySet) -> Q:
        return Q(blkk_id__in=blkk_ids)


class InstructorQuerySet(BlkkRecordQuerySet):
    pass


class InstructorQualificationQuerySet(ScopedQuerySet):
    access = Access(read=STAFF, write=MANAGER_WRITES_ALL)

    def reached_by_blkks(self, blkk_ids: QuerySet) -> Q:
        return Q(instructor__blkk_id__in=blkk_ids)


class GradeAssessmentQuerySet(BlkkRecordQuerySet):
    # Ministry staff alone record a BLKK's grade (DESIGN.md, "Roles and scoping").
    access = Access(read=STAFF)


class PartnerQuerySet(ScopedQuerySet):
    """Shared reference data about organisations (no personal data): every row for
    everyone signed in; managers may add partners, ministry staff change or delete
    them (`writable_by` is the ministry's alone)."""

    access = Access(read=SIGNED_IN, write={Role.BLKK_MANAGER: frozenset({ADD})})

    def visible_to(self, user) -> QuerySet:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.all()

    def writable_by(self, user) -> QuerySet:
        return self.all() if scope_of(user).everything else self.none()

    def reached_by_blkks(self, blkk_ids: QuerySet) -> Q:
        return Q()


NATIONAL_PARTNERSHIP = Q(blkk__isnull=True)


class PartnershipQuerySet(ScopedQuerySet):
    """A BLKK's local partnerships, and the ministry's national ones (no BLKK), which
    everyone signed in reads and ministry staff alone write."""

    access = Access(read=SIGNED_IN, write=MANAGER_WRITES_ALL)

    def reached_by_blkks(self, blkk_ids: QuerySet) -> Q:
        return Q(blkk_id__in=blkk_ids) | NATIONAL_PARTNERSHIP

    def written_by_blkks(self, blkk_ids: QuerySet) -> Q:
        return Q(blkk_id__in=blkk_ids)

    def reached_by_mentor(self, scope: Scope) -> Q:
        return NATIONAL_PARTNERSHIP

    def active_on(self, day) -> QuerySet:
        """Partnerships in force on `day`: started, and not ended before it."""
        return self.filter(start_date__lte=day).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=day)
        )


class PlacementQuerySet(TraineeRecordQuerySet):
    """A placement is a record about a person: read wherever the person is reached,
    written by the BLKK it was recorded for."""
