"""Progress report KPIs, exactly as DESIGN.md's "Progress report KPIs" table defines
them, computed set-based.

One pass is thirteen queries, each grouped by BLKK, whatever the number of BLKKs:
the BLKK list (with each BLKK's grade on month end), three plain counts, the outcome
query, the venture query, the metrics sums, the session sums, the instructors, the
partnerships, the placements, the applications (received and accepted in one) and
the assistance delivered. Every figure is additive over BLKKs, because each thing
counted belongs to exactly one BLKK (a trainee, certification and outcome to the
trainee's BLKK; an enrollment to its batch's; a venture, its metrics and its stage
changes to its cohort's; a session to its assignment's venture's, or to the BLKK of a
BLKK-wide assignment; an instructor, a partnership and a grade to its BLKK; a
placement to the trainee's BLKK; an application to its cohort's; an assistance to
its BLKK or its venture's cohort's). So a province's figures are sums of BLKK rows,
and `ventures_mentored` (a distinct count) adds up too: a venture is in one BLKK
only.

The one figure of no BLKK: the ministry's national partnerships (no BLKK) count in the
country's `partnerships_active` only, so the country's figures are the sum of its
BLKK rows plus `national_counts` (one more query).

The reports app sits above training, incubator and mentoring, so this module reads
all three; none of them reads it.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce

from blkk_portal.months import Month
from incubator.models import (
    ACTIVE_STAGES,
    ApplicationStatus,
    Assistance,
    CohortApplication,
    Stage,
    StageChange,
    Venture,
    VentureMetric,
)
from incubator.programme_records import HANDED_OVER
from incubator.selectors import ventures_with_month_end_stage
from mentoring.models import MentoringSession
from training.models import (
    Blkk,
    Certification,
    Enrollment,
    Grade,
    GraduateOutcome,
    Instructor,
    InstructorQualification,
    OutcomeStatus,
    Partnership,
    Placement,
    Trainee,
    certified_on,
)
from training.selectors import grade_on

# The report's keys, in DESIGN.md's order; every one is always present.
KPI_KEYS = (
    "blkk_count",
    "trainees_registered",
    "graduates",
    "certified_competent",
    "outcome_counts",
    "ventures_active",
    "ventures_graduated",
    "jobs_created",
    "revenue_total",
    "mentoring_sessions",
    "mentoring_hours",
    "ventures_mentored",
    "ventures_at_risk",
    "metrics_expected",
    "metrics_reported",
    "instructors_active",
    "instructors_certified",
    "partnerships_active",
    "placements_started",
    "applications_received",
    "applications_accepted",
    "assistance_delivered_value",
    "blkk_by_grade",
)
OUTCOME_STATUSES = tuple(OutcomeStatus.values)
PLACEMENT_KINDS = tuple(Placement.Kind.values)
GRADES = tuple(Grade.values)
# Figures of a BLKK's state rather than of the month's work: an inactive BLKK that
# holds only these (instructors still marked active, an agreement with no end) has
# nothing of the month to report, and gets no report of its own.
STATE_KEYS = frozenset(
    {"blkk_count", "instructors_active", "instructors_certified", "partnerships_active"}
)
# A venture is at risk with no session in the 60 days ending on month end.
AT_RISK_WINDOW_DAYS = 60
_OUTCOME_PREFIX = "outcome:"
_PLACEMENT_PREFIX = "placement:"
_GRADE_PREFIX = "grade:"
_MINUTES = "mentoring_minutes"
# The KPIs that count per choice: their parts, and the prefix of their raw counts.
_PARTS = {
    "outcome_counts": (_OUTCOME_PREFIX, OUTCOME_STATUSES),
    "placements_started": (_PLACEMENT_PREFIX, PLACEMENT_KINDS),
    "blkk_by_grade": (_GRADE_PREFIX, GRADES),
}


@dataclass
class BlkkFigures:
    """One BLKK's raw figures for a month. `counts` holds minutes, not hours, and one
    `outcome:<status>`, `placement:<kind>` and `grade:<grade>` entry per choice, so
    that rows add up without rounding."""

    blkk_id: int
    code: str
    name: str
    province_code: str
    province_name: str
    is_active: bool
    counts: Counter = field(default_factory=Counter)

    @property
    def is_empty(self) -> bool:
        return not any(
            value
            for key, value in self.counts.items()
            if key not in STATE_KEYS and not key.startswith(_GRADE_PREFIX)
        )


def kpis_from_counts(counts: Counter) -> dict[str, Any]:
    """The report's KPI dict (DESIGN.md's keys, zeros included) from summed counts."""
    kpis: dict[str, Any] = {key: int(counts.get(key, 0)) for key in KPI_KEYS}
    for key, (prefix, choices) in _PARTS.items():
        kpis[key] = {choice: int(counts.get(prefix + choice, 0)) for choice in choices}
    kpis["mentoring_hours"] = round(counts.get(_MINUTES, 0) / 60, 2)
    kpis["metrics_expected"] = kpis["ventures_active"]
    return kpis


def counts_total(rows: Iterable[BlkkFigures]) -> Counter:
    total: Counter = Counter()
    for row in rows:
        total.update(row.counts)
    return total


def _blkk_counts(is_active: bool, grade: str) -> Counter:
    """A BLKK's own counts: itself, if active, in `blkk_count` and under its grade
    on month end (`blkk_by_grade` counts the BLKKs `blkk_count` counts)."""
    counts = Counter(blkk_count=int(is_active))
    counts[_GRADE_PREFIX + grade] = int(is_active)
    return counts


def figures_by_blkk(
    month: Month, blkks: QuerySet | None = None
) -> dict[int, BlkkFigures]:
    """Every BLKK's figures for `month`, keyed by BLKK id, in thirteen queries.

    `blkks` narrows the pass to a scope (a Blkk queryset); None means the country,
    whose report also adds `national_counts` (figures of no BLKK).
    """
    scope = None if blkks is None else blkks.order_by().values("pk")
    rows = {
        blkk["pk"]: BlkkFigures(
            blkk_id=blkk["pk"],
            code=blkk["code"],
            name=blkk["name"],
            province_code=blkk["regency__province_id"],
            province_name=blkk["regency__province__name"],
            is_active=blkk["is_active"],
            counts=_blkk_counts(blkk["is_active"], blkk["grade_at_end"]),
        )
        for blkk in (blkks if blkks is not None else Blkk.objects.all())
        .annotate(grade_at_end=grade_on(month.last_day))
        .order_by("code")
        .values(
            "pk",
            "code",
            "name",
            "is_active",
            "grade_at_end",
            "regency__province_id",
            "regency__province__name",
        )
    }
    for per_blkk in (
        _trainees_registered(month, scope),
        _graduates(month, scope),
        _certified_competent(month, scope),
        _outcome_counts(month, scope),
        _venture_figures(month, scope),
        _metric_sums(month, scope),
        _session_sums(month, scope),
        _instructor_counts(month, scope),
        _partnerships_active(month, scope),
        _placements_started(month, scope),
        _applications(month, scope),
        _assistance_delivered(month, scope),
    ):
        for blkk_id, counts in per_blkk.items():
            if blkk_id in rows:
                rows[blkk_id].counts.update(counts)
    return rows


def _within(field_name: str, scope: QuerySet | None) -> Q:
    return Q() if scope is None else Q(**{f"{field_name}__in": scope})


def _grouped(queryset: QuerySet, blkk_field: str, **aggregates) -> dict[int, dict]:
    """{blkk id: {aggregate name: value}} from one GROUP BY query."""
    result = {}
    for row in queryset.order_by().values(blkk_field).annotate(**aggregates):
        blkk_id = row.pop(blkk_field)
        result[blkk_id] = {name: value or 0 for name, value in row.items()}
    return result


def _month_range(month: Month) -> tuple[datetime.date, datetime.date]:
    return (month.first_day, month.last_day)


def _trainees_registered(month: Month, scope) -> dict[int, dict]:
    trainees = Trainee.objects.filter(
        _within("blkk_id", scope), registered_on__range=_month_range(month)
    )
    return _grouped(trainees, "blkk_id", trainees_registered=Count("pk"))


def _graduates(month: Month, scope) -> dict[int, dict]:
    enrollments = Enrollment.objects.filter(
        _within("batch__blkk_id", scope),
        status=Enrollment.Status.COMPLETED,
        completed_on__range=_month_range(month),
    )
    return _grouped(enrollments, "batch__blkk_id", graduates=Count("pk"))


def _certified_competent(month: Month, scope) -> dict[int, dict]:
    certifications = Certification.objects.filter(
        _within("trainee__blkk_id", scope),
        result=Certification.Result.COMPETENT,
        issued_on__range=_month_range(month),
    )
    return _grouped(certifications, "trainee__blkk_id", certified_competent=Count("pk"))


def _latest(rows: QuerySet, key: str, day: str, on: datetime.date) -> QuerySet:
    """The rows of `rows` dated (`day`) on or before `on` that are the latest of
    their `key` by then: the latest day, then the highest id (a graduate's latest
    outcome, a venture's stage). No later row of the same key exists by then: an
    anti-join, which PostgreSQL runs as one hash join over the table for the whole
    country, or as index probes for a small scope."""
    later = rows.model.objects.filter(
        Q(**{f"{day}__gt": OuterRef(day)})
        | Q(**{day: OuterRef(day), "pk__gt": OuterRef("pk")}),
        **{key: OuterRef(key), f"{day}__lte": on},
    )
    return rows.filter(**{f"{day}__lte": on}).filter(~Exists(later))


def _outcome_counts(month: Month, scope) -> dict[int, dict]:
    """Graduates by the status of their latest outcome surveyed by month end, in
    one pass over the outcomes (`_latest`); a subquery per trainee for its latest
    status, as before, was two thirds of the whole pass."""
    end = month.last_day
    completed = Enrollment.objects.filter(
        trainee_id=OuterRef("trainee_id"),
        status=Enrollment.Status.COMPLETED,
        completed_on__lte=end,
    )
    outcomes = GraduateOutcome.objects.filter(_within("trainee__blkk_id", scope))
    latest = _latest(outcomes, "trainee_id", "surveyed_on", end).filter(
        Exists(completed)
    )
    result: dict[int, dict] = {}
    for blkk_id, status, count in (
        latest.order_by()
        .values_list("trainee__blkk_id", "status")
        .annotate(count=Count("pk"))
    ):
        result.setdefault(blkk_id, {})[_OUTCOME_PREFIX + status] = count
    return result


def ventures_with_month_end_state(month: Month) -> QuerySet:
    """`incubator.selectors.ventures_with_month_end_stage`, and whether each venture
    had a session in the month and one in the 60 days ending on month end."""
    first, end = _month_range(month)
    sessions = MentoringSession.objects.filter(assignment__venture=OuterRef("pk"))
    window_start = end - datetime.timedelta(days=AT_RISK_WINDOW_DAYS - 1)
    return ventures_with_month_end_stage(month).annotate(
        mentored_in_month=Exists(sessions.filter(held_on__range=(first, end))),
        mentored_recently=Exists(sessions.filter(held_on__range=(window_start, end))),
    )


def _venture_figures(month: Month, scope) -> dict[int, dict]:
    """The venture figures in one query, grouped by BLKK and by whether the venture
    was active at month end. Active, graduated, reported and mentored are each
    membership of a set of the month built once (a hashed lookup per venture): the
    ventures whose latest stage change by month end (`_latest`, the rule of
    `incubator.selectors.ventures_with_month_end_stage`) is to an active stage,
    those that changed to graduated in the month, those with the month's metrics,
    those with a session in the month and in the 60 days ending on month end.
    Before, a subquery per venture and figure (the stage's three times) was a
    fifth of the pass."""
    first, end = _month_range(month)
    window_start = end - datetime.timedelta(days=AT_RISK_WINDOW_DAYS - 1)
    changes = StageChange.objects.filter(_within("venture__cohort__blkk_id", scope))
    active = (
        _latest(changes, "venture_id", "changed_on", end)
        .filter(to_stage__in=sorted(ACTIVE_STAGES))
        .values("venture_id")
    )
    graduated = changes.filter(
        to_stage=Stage.GRADUATED, changed_on__range=(first, end)
    ).values("venture_id")
    reported = VentureMetric.objects.filter(
        _within("venture__cohort__blkk_id", scope), period=first
    ).values("venture_id")

    def with_a_session(start: datetime.date) -> QuerySet:
        # Not the BLKK-wide assignments' sessions: a NULL would make NOT IN unknown.
        return MentoringSession.objects.filter(
            _within("assignment__venture__cohort__blkk_id", scope),
            held_on__range=(start, end),
            assignment__venture__isnull=False,
        ).values("assignment__venture_id")

    rows = (
        Venture.objects.filter(_within("cohort__blkk_id", scope))
        .annotate(active=ExpressionWrapper(Q(pk__in=active), BooleanField()))
        .order_by()
        .values_list("cohort__blkk_id", "active")
        .annotate(
            ventures=Count("pk"),
            graduated=Count("pk", filter=Q(pk__in=graduated)),
            reported=Count("pk", filter=Q(pk__in=reported)),
            mentored=Count("pk", filter=Q(pk__in=with_a_session(first))),
            unmentored=Count("pk", filter=~Q(pk__in=with_a_session(window_start))),
        )
    )
    result: dict[int, dict] = {}
    for (
        blkk_id,
        is_active,
        ventures,
        graduated_,
        reported_,
        mentored,
        unmentored,
    ) in rows:
        counts = result.setdefault(blkk_id, Counter())
        counts["ventures_graduated"] += graduated_
        counts["ventures_mentored"] += mentored
        if is_active:
            counts["ventures_active"] += ventures
            counts["metrics_reported"] += reported_
            counts["ventures_at_risk"] += unmentored
    return result


def _metric_sums(month: Month, scope) -> dict[int, dict]:
    metrics = VentureMetric.objects.filter(
        _within("venture__cohort__blkk_id", scope), period=month.first_day
    )
    return _grouped(
        metrics,
        "venture__cohort__blkk_id",
        jobs_created=Sum("workers"),
        revenue_total=Sum("revenue"),
    )


def _session_sums(month: Month, scope) -> dict[int, dict]:
    sessions = (
        MentoringSession.objects.annotate(
            session_blkk_id=Coalesce(
                "assignment__venture__cohort__blkk_id", "assignment__blkk_id"
            )
        )
        .filter(held_on__range=_month_range(month))
        .filter(_within("session_blkk_id", scope))
    )
    if scope is not None:
        # The same sessions, found from their assignments' ids (an index per
        # assignment and day): the COALESCE alone joined every assignment in the
        # country to its venture (a BLKK page: 43 -> 2 ms at national scale).
        sessions = sessions.filter(MentoringSession.objects.reached_by_blkks(scope))
    return _grouped(
        sessions,
        "session_blkk_id",
        mentoring_sessions=Count("pk"),
        **{_MINUTES: Sum("duration_minutes")},
    )


# --- programme records (DESIGN.md, "Programme records the seeds name") ---------------


def _instructor_counts(month: Month, scope) -> dict[int, dict]:
    """Instructors marked active now (a current figure, like `blkk_count`), and
    those of them certified on month end (`training.models.certified_on`)."""
    certified = InstructorQualification.objects.filter(
        certified_on(month.last_day), instructor=OuterRef("pk")
    )
    instructors = (
        Instructor.objects.filter(_within("blkk_id", scope), is_active=True)
        .annotate(certified=Exists(certified))
        .order_by()
    )
    return _grouped(
        instructors,
        "blkk_id",
        instructors_active=Count("pk"),
        instructors_certified=Count("pk", filter=Q(certified=True)),
    )


def _partnerships_active(month: Month, scope) -> dict[int, dict]:
    """A BLKK's own partnerships active on month end (national ones: below)."""
    partnerships = Partnership.objects.active_on(month.last_day).filter(
        _within("blkk_id", scope), blkk__isnull=False
    )
    return _grouped(partnerships, "blkk_id", partnerships_active=Count("pk"))


def _placements_started(month: Month, scope) -> dict[int, dict]:
    """Placements started in the month by kind, at the trainee's BLKK (whichever
    BLKK recorded them)."""
    placements = Placement.objects.filter(
        _within("trainee__blkk_id", scope), start_date__range=_month_range(month)
    )
    result: dict[int, dict] = {}
    for blkk_id, kind, count in (
        placements.order_by()
        .values_list("trainee__blkk_id", "kind")
        .annotate(count=Count("pk"))
    ):
        result.setdefault(blkk_id, {})[_PLACEMENT_PREFIX + kind] = count
    return result


# --- intake and assistance (issue #13) -----------------------------------------------


def _applications(month: Month, scope) -> dict[int, dict]:
    """At the cohort's BLKK: the applications received in the month (whatever
    became of them), and those accepted in it (`decided_on`, whenever received)."""
    received = Q(received_on__range=_month_range(month))
    accepted = Q(
        status=ApplicationStatus.ACCEPTED, decided_on__range=_month_range(month)
    )
    applications = CohortApplication.objects.filter(
        _within("cohort__blkk_id", scope)
    ).filter(received | accepted)
    return _grouped(
        applications,
        "cohort__blkk_id",
        applications_received=Count("pk", filter=received),
        applications_accepted=Count("pk", filter=accepted),
    )


def _assistance_delivered(month: Month, scope) -> dict[int, dict]:
    """The value of the assistance delivered in the month (`delivered_on`, whatever
    its status now: delivered or in use), at its BLKK or its venture's cohort's."""
    assistance = (
        Assistance.objects.owned_by_blkk()
        .filter(status__in=sorted(HANDED_OVER), delivered_on__range=_month_range(month))
        .filter(_within("owner_blkk_id", scope))
    )
    return _grouped(
        assistance, "owner_blkk_id", assistance_delivered_value=Sum("value")
    )


def national_counts(month: Month) -> Counter:
    """The country's figures that belong to no BLKK, nor to any province: the
    ministry's national partnerships active on month end (one query). The country's
    counts are `counts_total` of every BLKK row plus these."""
    national = Partnership.objects.active_on(month.last_day).filter(blkk__isnull=True)
    return Counter(partnerships_active=national.count())
