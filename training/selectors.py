"""Reads of the training app that are more than one filter: a person found by their
exact NIK to be enrolled, and the graduates due for a follow-up (tracer study)."""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, overload

from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    DateField,
    F,
    Func,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from .models import Blkk, Enrollment, EnrollmentStatus, GradeAssessment, Trainee

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


# --- grade assessments ----------------------------------------------------------------


def blkk_grade_on(blkk: Blkk, day: datetime.date) -> str:
    """`blkk`'s grade on `day`, in one query: the grade of its latest assessment on
    or before `day` (latest `assessed_on`, then latest id: of two assessments on one
    day, the one recorded last), else the grade it was registered with.

    For one BLKK (the assessment services keep `Blkk.grade`, today's grade, with
    it); a report over many BLKKs computes the same rule set-based, not by calling
    this once per BLKK.
    """
    latest = (
        GradeAssessment.objects.filter(blkk_id=blkk.pk, assessed_on__lte=day)
        .order_by("-assessed_on", "-pk")
        .values_list("grade", flat=True)
        .first()
    )
    return latest if latest is not None else blkk.registered_grade
