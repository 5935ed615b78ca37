"""Reads of the training app that are more than one filter: a person found by their
exact NIK to be enrolled, the graduates due for a follow-up (tracer study), the
placements that ended early, the instructors certified on a date, partnerships'
status and those about to expire, and a BLKK's grade on a date, its roadmap and its
trades without a certified instructor (the programme records)."""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, overload

from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    CharField,
    DateField,
    Exists,
    F,
    Field,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from .models import (
    Blkk,
    Enrollment,
    EnrollmentStatus,
    Grade,
    GradeAssessment,
    GraduateOutcome,
    Placement,
    Trainee,
)
from .programme_records import (
    EXPIRING_WITHIN_DAYS,
    ROADMAP_CRITERIA,
    Instructor,
    InstructorQualification,
    certified_on,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

NO_PERSON_WITH_NIK: StrOrPromise = _(
    "No person is registered with this NIK: register them first."
)


def trainee_by_nik(nik: str) -> Trainee:
    """The person registered with exactly this NIK, wherever they were registered.

    This is how a BLKK enrolls a person another BLKK registered (DESIGN.md, "Domain
    model": enrolling by the exact NIK makes the person visible there too). It is
    deliberately not scoped: call it only on behalf of a user who may enroll, and
    show nothing of the person until they are enrolled. Raises a ValidationError
    on `trainee_nik` (the API's field and the page's) when nobody has the NIK.
    """
    trainee = Trainee.objects.filter(nik=nik).first()
    if trainee is None:
        raise ValidationError({"trainee_nik": NO_PERSON_WITH_NIK}, code="no_person")
    return trainee


# --- graduates due for a follow-up ----------------------------------------------------

# Months after a graduate's completion date when their BLKK asks what became of them.
FOLLOW_UP_MONTHS = (3, 6, 12)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` plus `months`, on the month's last day when that day does not exist
    there (31 August + 6 months = 28 February, 29 in a leap year), as PostgreSQL's
    `date + interval` counts."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


class AddMonths(Func):
    """`add_months` in SQL: a date plus a number of months, clamped to the month's
    last day. PostgreSQL's `date + interval` clamps by itself; SQLite's
    `date(..., '+N months')` would run over into the next month, so its day is
    clamped by hand (the embedded database of `make run`)."""

    arity = 2
    output_field = DateField()

    def as_postgresql(self, compiler, connection, **extra_context):
        date_sql, date_params = compiler.compile(self.source_expressions[0])
        months_sql, months_params = compiler.compile(self.source_expressions[1])
        sql = (
            f"CAST(({date_sql}) + make_interval(months => CAST(({months_sql}) AS "
            f"integer)) AS date)"
        )
        return sql, (*date_params, *months_params)

    def as_sqlite(self, compiler, connection, **extra_context):
        d, d_params = compiler.compile(self.source_expressions[0])
        m, m_params = compiler.compile(self.source_expressions[1])
        first_of_month = f"date(({d}), 'start of month', '+' || ({m}) || ' months')"
        days_in_month = (
            f"CAST(strftime('%%d', date(({d}), 'start of month', "
            f"'+' || (({m}) + 1) || ' months', '-1 day')) AS integer)"
        )
        day = f"min(CAST(strftime('%%d', ({d})) AS integer), {days_in_month})"
        sql = f"date({first_of_month}, '+' || ({day} - 1) || ' days')"
        return sql, (*d_params, *m_params, *d_params, *d_params, *m_params)

    def as_sql(
        self,
        compiler,
        connection,
        function=None,
        template=None,
        arg_joiner=None,
        **extra_context,
    ):
        raise NotImplementedError(
            f"AddMonths has no SQL for {connection.vendor}: only PostgreSQL and SQLite."
        )


@dataclass(frozen=True)
class FollowUp:
    """A graduate due for a follow-up: `milestone` months after `completed_on`,
    due since `due_on`."""

    person: Trainee
    completed_on: datetime.date
    milestone: int
    due_on: datetime.date
    days_overdue: int
    last_surveyed_on: datetime.date | None


class FollowUps:
    """The rows of `graduates_due_for_follow_up`, oldest due date first, evaluated
    when asked: `count()` is one query; a slice (a page) is two, its rows and its
    people, whatever its length. A Paginator takes it as it takes a queryset."""

    ordered = True

    def __init__(self, rows: QuerySet, *, people: QuerySet, today: datetime.date):
        self.rows = rows
        self.people = people
        self.today = today

    def count(self) -> int:
        return self.rows.count()

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> FollowUp: ...

    @overload
    def __getitem__(self, index: slice) -> list[FollowUp]: ...

    def __getitem__(self, index: int | slice) -> FollowUp | list[FollowUp]:
        if isinstance(index, slice):
            return self._follow_ups(self.rows[index])
        return self._follow_ups([self.rows[index]])[0]

    def __iter__(self) -> Iterator[FollowUp]:
        return iter(self._follow_ups(self.rows))

    def _follow_ups(self, rows: Iterable[dict]) -> list[FollowUp]:
        rows = list(rows)
        people = self.people.in_bulk([row["trainee_id"] for row in rows])
        return [
            FollowUp(
                person=people[row["trainee_id"]],
                completed_on=row["graduated_on"],
                milestone=row["milestone"],
                due_on=row["due_on"],
                days_overdue=(self.today - row["due_on"]).days,
                last_surveyed_on=row["last_surveyed_on"],
            )
            for row in rows
            # A person `people` leaves out is not shown (see the selector).
            if row["trainee_id"] in people
        ]


def _blkk_ids(blkks: Blkk | int | Iterable[int] | QuerySet) -> QuerySet | list[int]:
    if isinstance(blkks, Blkk):
        return [blkks.pk]
    if isinstance(blkks, int):
        return [blkks]
    if isinstance(blkks, QuerySet):
        return blkks.values("pk") if blkks.model is Blkk else blkks
    return list(blkks)


def graduates_due_for_follow_up(
    blkk_ids_or_blkk: Blkk | int | Iterable[int] | QuerySet,
    today: datetime.date,
    *,
    people: QuerySet | None = None,
) -> FollowUps:
    """The graduates of these BLKKs whose follow-up is due on `today`, one row each.

    A BLKK follows up the people who completed one of its batches: 3, 6 and 12
    months after the completion date (`add_months`: 31 August + 6 months is the
    last day of February). Of several completed batches there, the latest
    completion counts: a new training starts the count again. A milestone is due
    from its date until an outcome of the person is surveyed on or after that
    date, whoever recorded it (an outcome is about the person, not the BLKK). Only
    the latest milestone reached counts: one survey on or after it answers the
    earlier ones too. So a person who completed on 1 January 2026 is due at 3
    months from 1 April; surveyed on 2 April, they are not due again until 1 July
    (6 months); once surveyed on or after 1 January 2027 (12 months), never again;
    never surveyed, they stay due at 12 months, more overdue each day.

    Each row (`FollowUp`) gives the person, the completion date, the milestone in
    months, its due date, the days since (0 on the day itself) and the last survey
    date. Rows come oldest due date first. One query counts them and two read a
    page, however many graduates there are. `people` (by default every trainee) is
    where the persons are read from, for example `Trainee.objects.visible_to(user)
    .with_full_nik_flag(user)` so that each shows as the user may see them.
    """
    completions = Enrollment.objects.filter(
        status=EnrollmentStatus.COMPLETED,
        batch__blkk_id__in=_blkk_ids(blkk_ids_or_blkk),
    )
    graduated_on = F("graduated_on")
    milestone = Case(
        *(
            When(
                LessThanOrEqual(AddMonths(graduated_on, Value(months)), today),
                then=Value(months),
            )
            for months in sorted(FOLLOW_UP_MONTHS, reverse=True)
        ),
        default=None,
        output_field=IntegerField(),
    )
    rows = (
        completions.values("trainee_id")
        .annotate(graduated_on=Max("completed_on"))
        .annotate(milestone=milestone)
        .filter(milestone__isnull=False)
        .annotate(
            due_on=AddMonths(graduated_on, F("milestone")),
            last_surveyed_on=Max("trainee__outcomes__surveyed_on"),
        )
        .filter(Q(last_surveyed_on__isnull=True) | Q(last_surveyed_on__lt=F("due_on")))
        .values("trainee_id", "graduated_on", "milestone", "due_on", "last_surveyed_on")
        .order_by("due_on", "trainee__full_name", "trainee_id")
    )
    return FollowUps(
        rows, people=Trainee.objects.all() if people is None else people, today=today
    )


# --- placements that ended early ------------------------------------------------------


def placements_ended_early(
    placements: QuerySet, today: datetime.date, *, people: QuerySet | None = None
) -> QuerySet:
    """Of `placements` (for a BLKK's follow-ups: those of the people it reaches),
    those that ended early on or before `today`, of a graduate (a training
    completed by `today`: an outcome is recorded for a graduate only, so an
    apprenticeship left during training waits until the person completes one),
    whose person has no outcome surveyed on or after the end date, whoever recorded
    it (an outcome is about the person, as for `graduates_due_for_follow_up`). The
    BLKK asks what the person does now; the outcome it records ends the follow-up.
    Oldest end first, then by name. `people` (by default every trainee) is where
    each placement's person is read from, in one query for a page."""
    graduated = Enrollment.objects.filter(
        trainee_id=OuterRef("trainee_id"),
        status=EnrollmentStatus.COMPLETED,
        completed_on__lte=today,
    )
    answered = GraduateOutcome.objects.filter(
        trainee_id=OuterRef("trainee_id"), surveyed_on__gte=OuterRef("end_date")
    )
    return (
        placements.filter(status=Placement.Status.ENDED_EARLY, end_date__lte=today)
        .filter(Exists(graduated))
        .exclude(Exists(answered))
        .select_related("partner")
        .prefetch_related(
            Prefetch(
                "trainee", queryset=Trainee.objects.all() if people is None else people
            )
        )
        .order_by("end_date", "trainee__full_name", "pk")
    )


# --- instructors certified on a date --------------------------------------------------


def instructors_certified_on(
    day: datetime.date, *, instructors: QuerySet | None = None
) -> QuerySet:
    """The instructors (of `instructors`, by default all of them) certified on
    `day`: holding a competency qualification issued on or before it and valid on
    it (`certified_on`), whether or not they are active. One query, whatever the
    number of qualifications; `.filter(pk=OuterRef("pk"))` inside an `Exists` flags
    the rows of a list."""
    rows = Instructor.objects.all() if instructors is None else instructors
    holding = InstructorQualification.objects.filter(certified_on(day))
    return rows.filter(pk__in=holding.values("instructor_id"))


# --- partnerships ---------------------------------------------------------------------


class PartnershipStatus:
    """What a partnership's dates make it today (`partnerships_with_status`)."""

    UPCOMING = "upcoming"
    ACTIVE = "active"
    EXPIRING = "expiring"
    ENDED = "ended"


def _ends_soon(today: datetime.date) -> Q:
    return Q(
        end_date__gte=today,
        end_date__lte=today + datetime.timedelta(days=EXPIRING_WITHIN_DAYS),
    )


def partnerships_with_status(queryset: QuerySet, today: datetime.date) -> QuerySet:
    """`queryset` annotated with `status` (a `PartnershipStatus`), computed by the
    database: ended before today, not started yet, expiring (in force and ending
    within 60 days, as `partnerships_expiring`), else active."""
    return queryset.annotate(
        status=Case(
            When(end_date__lt=today, then=Value(PartnershipStatus.ENDED)),
            When(start_date__gt=today, then=Value(PartnershipStatus.UPCOMING)),
            When(_ends_soon(today), then=Value(PartnershipStatus.EXPIRING)),
            default=Value(PartnershipStatus.ACTIVE),
            output_field=CharField(),
        )
    )


# --- programme records: grades, roadmap, instructors, agreements (issue #12) ---------


def grade_on(day: datetime.date) -> Coalesce:
    """An expression, on a Blkk queryset, for each BLKK's grade on `day` (DESIGN.md,
    `GradeAssessment`): its latest assessment's on or before that day (the latest
    `assessed_on`, then the latest id), else the grade it was registered with. One
    step down the `assessment_latest_idx` index per BLKK."""
    latest = (
        GradeAssessment.objects.filter(blkk_id=OuterRef("pk"), assessed_on__lte=day)
        .order_by("-assessed_on", "-pk")
        .values("grade")[:1]
    )
    return Coalesce(Subquery(latest), F("registered_grade"), output_field=CharField())


# The grades in the order a BLKK moves up through them.
GRADE_ORDER = {grade: rank for rank, grade in enumerate(Grade.values)}


def grade_rank(field_name: str) -> Case:
    """The grade in the annotation `field_name` as its place in `GRADE_ORDER`
    (tumbuh 0 < berkembang 1 < mandiri 2)."""
    return Case(
        *(
            When(**{field_name: grade}, then=Value(rank))
            for grade, rank in GRADE_ORDER.items()
        ),
        output_field=IntegerField(),
    )


def blkk_grade_assessments(assessments: QuerySet) -> QuerySet:
    """`assessments` (one BLKK's, as its page reads them) newest first: the latest
    `assessed_on`, then the latest id, the order in which the first is the one that
    gives the BLKK's grade; each with its assessor to hand."""
    return assessments.select_related("assessed_by").order_by("-assessed_on", "-pk")


def grade_of_today(blkk: Blkk, latest: GradeAssessment | None) -> str:
    """The BLKK's grade today from its latest assessment (`blkk_grade_assessments`'
    first; assessments are never dated in the future), else its registered grade."""
    return latest.grade if latest is not None else blkk.registered_grade


@dataclass(frozen=True)
class Criterion:
    """A criterion of the roadmap to independence: its field name and its label."""

    name: str
    label: StrOrPromise


def roadmap_criteria() -> list[Criterion]:
    """The roadmap's criteria in the ministry's order, labelled with the verbose
    names of `GradeAssessment`'s fields."""
    fields = [GradeAssessment._meta.get_field(name) for name in ROADMAP_CRITERIA]
    # The criteria are boolean fields: each has its verbose name.
    return [
        Criterion(field.name, field.verbose_name)
        for field in fields
        if isinstance(field, Field)
    ]


def missing_criteria(assessment: GradeAssessment) -> list[Criterion]:
    """The roadmap criteria `assessment` found unmet, in the ministry's order."""
    missing = set(assessment.missing_criteria())
    return [criterion for criterion in roadmap_criteria() if criterion.name in missing]


def trades_without_certified_instructor(
    blkk: Blkk, today: datetime.date, *, instructors: QuerySet | None = None
) -> QuerySet:
    """The BLKK's trades (`Blkk.vocational_fields`) that no active instructor of its
    own teaching that trade is certified in on `today`: none holds a competency
    qualification valid that day (`certified_on`). `instructors` is where they are
    read from (by default every instructor; a page passes the rows it reads). One
    query."""
    source = Instructor.objects.all() if instructors is None else instructors
    certified = source.filter(
        blkk=blkk,
        is_active=True,
        vocational_fields=OuterRef("pk"),
        qualifications__in=InstructorQualification.objects.filter(certified_on(today)),
    )
    return blkk.vocational_fields.filter(~Exists(certified)).order_by("name")


def partnerships_expiring(partnerships: QuerySet, today: datetime.date) -> QuerySet:
    """Of `partnerships`, those whose agreement ends between `today` and `today`
    plus `EXPIRING_WITHIN_DAYS`, both included: the soonest first, each with its
    partner and BLKK to hand."""
    return (
        partnerships.filter(_ends_soon(today))
        .select_related("partner", "blkk")
        .order_by("end_date", "partner__name", "pk")
    )


# --- grade assessments ----------------------------------------------------------------


def blkk_grade_on(blkk: Blkk, day: datetime.date) -> str:
    """`blkk`'s grade on `day`, in one query: the grade of its latest assessment on
    or before `day` (latest `assessed_on`, then latest id: of two assessments on one
    day, the one recorded last), else the grade it was registered with.

    For one BLKK (the assessment services keep `Blkk.grade`, today's grade, with
    it); a report over many BLKKs computes the same rule set-based, not by calling
    this once per BLKK.
    """
    return (
        Blkk.objects.filter(pk=blkk.pk)
        .annotate(grade_then=grade_on(day))
        .values_list("grade_then", flat=True)
        .get()
    )
