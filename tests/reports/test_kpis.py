"""Each KPI of DESIGN.md's table against a hand-built dataset, April 2026.

BLKK A is in Jawa Barat (32), BLKK B in Jawa Timur (35); a second, inactive Jawa
Barat BLKK appears where the test says so. Expected values are written out; each
test also checks that B's records do not leak into A's or Jawa Barat's figures.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blkk_portal.months import Month
from incubator.models import CohortApplication, Stage
from incubator.services import venture_change_stage
from mentoring.models import MentorAssignment
from reports.kpis import counts_total, figures_by_blkk, kpis_from_counts
from reports.selectors import scope_blkks
from tests.incubator.factories import (
    AssistanceFactory,
    CohortApplicationFactory,
    VentureFactory,
    VentureMetricFactory,
)
from tests.mentoring.factories import MentorAssignmentFactory, MentoringSessionFactory
from tests.training.factories import (
    BlkkFactory,
    CertificationFactory,
    EnrollmentFactory,
    GradeAssessmentFactory,
    GraduateOutcomeFactory,
    InstructorQualificationFactory,
    PlacementFactory,
    TraineeFactory,
    TrainingBatchFactory,
    regency,
)
from training.models import Certification, Enrollment

pytestmark = pytest.mark.django_db

APRIL = Month(2026, 4)
NO_OUTCOMES = {
    "employed": 0,
    "self_employed": 0,
    "apprenticeship": 0,
    "migrant_worker": 0,
    "studying": 0,
    "unemployed": 0,
}


def day(month: int, day_of_month: int) -> datetime.date:
    return datetime.date(2026, month, day_of_month)


def kpis(scope: str, code: str = "", month: Month = APRIL) -> dict:
    rows = figures_by_blkk(month, scope_blkks(scope, code)).values()
    return kpis_from_counts(counts_total(rows))


def figure(key: str, *, blkk_a, blkk_b) -> dict:
    """One figure for A, B, Jawa Barat, Jawa Timur and the country."""
    return {
        "a": kpis("blkk", blkk_a.code)[key],
        "b": kpis("blkk", blkk_b.code)[key],
        "jabar": kpis("province", "32")[key],
        "jatim": kpis("province", "35")[key],
        "national": kpis("national")[key],
    }


def completed_enrollment(trainee, batch, on: datetime.date):
    return EnrollmentFactory(
        trainee=trainee,
        batch=batch,
        status=Enrollment.Status.COMPLETED,
        completed_on=on,
    )


STARTED = datetime.date(2026, 1, 10)


def venture_in(blkk, *, started_on=STARTED, stage=Stage.PRE_INCUBATION):
    return VentureFactory(cohort__blkk=blkk, started_on=started_on, stage=stage)


def move(venture, to_stage: str, on: datetime.date) -> None:
    venture_change_stage(venture=venture, to_stage=to_stage, changed_on=on, by=None)
    venture.refresh_from_db()


def session(venture, held_on: datetime.date, minutes: int = 60):
    assignment = MentorAssignmentFactory(venture=venture, start_date=day(1, 1))
    return MentoringSessionFactory(
        assignment=assignment, held_on=held_on, duration_minutes=minutes
    )


def test_every_key_is_present_and_zero_when_nothing_counts(blkk_a):
    assert kpis("national", month=Month(2019, 1)) == {
        "blkk_count": 1,
        "trainees_registered": 0,
        "graduates": 0,
        "certified_competent": 0,
        "outcome_counts": NO_OUTCOMES,
        "ventures_active": 0,
        "ventures_graduated": 0,
        "jobs_created": 0,
        "revenue_total": 0,
        "mentoring_sessions": 0,
        "mentoring_hours": 0.0,
        "ventures_mentored": 0,
        "ventures_at_risk": 0,
        "metrics_expected": 0,
        "metrics_reported": 0,
        "instructors_active": 0,
        "instructors_certified": 0,
        "partnerships_active": 0,
        "placements_started": {
            "apprenticeship": 0,
            "employment": 0,
            "migrant_work": 0,
        },
        "applications_received": 0,
        "applications_accepted": 0,
        "assistance_delivered_value": 0,
        "blkk_by_grade": {"tumbuh": 1, "berkembang": 0, "mandiri": 0},
    }


def test_blkk_count_is_active_blkks_in_scope(blkk_a, blkk_b):
    inactive = BlkkFactory(regency=regency("32.04"), is_active=False)

    assert figure("blkk_count", blkk_a=blkk_a, blkk_b=blkk_b) == {
        "a": 1,
        "b": 1,
        "jabar": 1,
        "jatim": 1,
        "national": 2,
    }
    assert kpis("blkk", inactive.code)["blkk_count"] == 0


def test_trainees_registered_counts_first_and_last_day_of_the_month(blkk_a, blkk_b):
    for registered_on in (day(4, 1), day(4, 30), day(3, 31), day(5, 1)):
        TraineeFactory(blkk=blkk_a, registered_on=registered_on)
    TraineeFactory(blkk=blkk_b, regency=regency("35.78"), registered_on=day(4, 15))

    assert figure("trainees_registered", blkk_a=blkk_a, blkk_b=blkk_b) == {
        "a": 2,
        "b": 1,
        "jabar": 2,
        "jatim": 1,
        "national": 3,
    }


def test_graduates_count_enrollments_completed_in_the_month_at_the_batch_blkk(
    blkk_a, blkk_b
):
    batch_a1 = TrainingBatchFactory(blkk=blkk_a, start_date=day(3, 1))
    batch_a2 = TrainingBatchFactory(blkk=blkk_a, start_date=day(3, 1))
    batch_b = TrainingBatchFactory(blkk=blkk_b, start_date=day(3, 1))
    twice = TraineeFactory(blkk=blkk_a)
    # One person completing two batches in the month counts twice.
    completed_enrollment(twice, batch_a1, day(4, 1))
    completed_enrollment(twice, batch_a2, day(4, 30))
    completed_enrollment(TraineeFactory(blkk=blkk_a), batch_a1, day(3, 31))
    EnrollmentFactory(trainee=TraineeFactory(blkk=blkk_a), batch=batch_a1, dropped=True)
    # Registered at A, trained at B: the enrollment belongs to B.
    completed_enrollment(TraineeFactory(blkk=blkk_a), batch_b, day(4, 10))

    assert figure("graduates", blkk_a=blkk_a, blkk_b=blkk_b) == {
        "a": 2,
        "b": 1,
        "jabar": 2,
        "jatim": 1,
        "national": 3,
    }


def test_certified_competent_counts_competent_certificates_issued_in_the_month(
    blkk_a, blkk_b
):
    person_a = TraineeFactory(blkk=blkk_a)
    for issued_on, result in (
        (day(4, 1), Certification.Result.COMPETENT),
        (day(4, 30), Certification.Result.COMPETENT),
        (day(4, 15), Certification.Result.NOT_YET),
        (day(5, 1), Certification.Result.COMPETENT),
    ):
        CertificationFactory(trainee=person_a, issued_on=issued_on, result=result)
    CertificationFactory(
        trainee=TraineeFactory(blkk=blkk_b, regency=regency("35.78")),
        issued_on=day(4, 2),
    )

    assert figure("certified_competent", blkk_a=blkk_a, blkk_b=blkk_b) == {
        "a": 2,
        "b": 1,
        "jabar": 2,
        "jatim": 1,
        "national": 3,
    }


def test_outcome_counts_take_each_graduates_latest_outcome_by_month_end(blkk_a, blkk_b):
    batch = TrainingBatchFactory(blkk=blkk_a, start_date=day(1, 1))
    several = TraineeFactory(blkk=blkk_a)
    completed_enrollment(several, batch, day(1, 31))
    GraduateOutcomeFactory(trainee=several, surveyed_on=day(2, 1), status="unemployed")
    GraduateOutcomeFactory(trainee=several, surveyed_on=day(4, 30), status="employed")
    # Surveyed after month end: not yet known at month end.
    GraduateOutcomeFactory(
        trainee=several, surveyed_on=day(5, 1), status="self_employed"
    )
    same_day = TraineeFactory(blkk=blkk_a)
    completed_enrollment(same_day, batch, day(1, 31))
    GraduateOutcomeFactory(trainee=same_day, surveyed_on=day(3, 3), status="studying")
    # Same survey date: the later record counts.
    GraduateOutcomeFactory(
        trainee=same_day, surveyed_on=day(3, 3), status="apprenticeship"
    )
    late_graduate = TraineeFactory(blkk=blkk_a)
    completed_enrollment(late_graduate, batch, day(5, 2))
    GraduateOutcomeFactory(
        trainee=late_graduate, surveyed_on=day(4, 1), status="employed"
    )
    last_day = TraineeFactory(blkk=blkk_a)
    completed_enrollment(last_day, batch, day(4, 30))
    GraduateOutcomeFactory(trainee=last_day, surveyed_on=day(4, 30), status="studying")
    graduate_b = TraineeFactory(blkk=blkk_b, regency=regency("35.78"))
    completed_enrollment(
        graduate_b, TrainingBatchFactory(blkk=blkk_b, start_date=day(1, 1)), day(2, 1)
    )
    GraduateOutcomeFactory(
        trainee=graduate_b, surveyed_on=day(3, 1), status="migrant_worker"
    )

    jabar = {**NO_OUTCOMES, "employed": 1, "apprenticeship": 1, "studying": 1}
    jatim = {**NO_OUTCOMES, "migrant_worker": 1}
    assert figure("outcome_counts", blkk_a=blkk_a, blkk_b=blkk_b) == {
        "a": jabar,
        "b": jatim,
        "jabar": jabar,
        "jatim": jatim,
        "national": {**jabar, "migrant_worker": 1},
    }


def test_ventures_active_and_graduated_follow_the_stage_history(blkk_a, blkk_b):
    twice_in_month = venture_in(blkk_a)
    move(twice_in_month, Stage.INCUBATION, day(4, 5))
    move(twice_in_month, Stage.POST_INCUBATION, day(4, 20))
    graduated_last_day = venture_in(blkk_a, stage=Stage.INCUBATION)
    move(graduated_last_day, Stage.GRADUATED, day(4, 30))
    dropped = venture_in(blkk_a)
    move(dropped, Stage.DROPPED, day(4, 10))
    venture_in(blkk_a, started_on=day(5, 1))
    graduated_after = venture_in(blkk_a, stage=Stage.POST_INCUBATION)
    move(graduated_after, Stage.GRADUATED, day(5, 2))
    graduated_before = venture_in(blkk_a)
    move(graduated_before, Stage.GRADUATED, day(3, 31))
    other = venture_in(blkk_b, stage=Stage.INCUBATION)
    move(other, Stage.GRADUATED, day(4, 1))

    assert figure("ventures_active", blkk_a=blkk_a, blkk_b=blkk_b) == {
        "a": 2,
        "b": 0,
        "jabar": 2,
        "jatim": 0,
        "national": 2,
    }
    assert figure("ventures_graduated", blkk_a=blkk_a, blkk_b=blkk_b) == {
        "a": 1,
        "b": 1,
        "jabar": 1,
        "jatim": 1,
        "national": 2,
    }


def test_jobs_and_revenue_sum_the_months_metrics(blkk_a, blkk_b):
    first, second = venture_in(blkk_a), venture_in(blkk_a)
    VentureMetricFactory(venture=first, period=day(4, 1), workers=3, revenue=5_000_000)
    VentureMetricFactory(venture=second, period=day(4, 1), workers=2, revenue=1_500_000)
    VentureMetricFactory(venture=first, period=day(3, 1), workers=9, revenue=9_000_000)
    VentureMetricFactory(
        venture=venture_in(blkk_b), period=day(4, 1), workers=4, revenue=700_000
    )

    assert figure("jobs_created", blkk_a=blkk_a, blkk_b=blkk_b) == {
        "a": 5,
        "b": 4,
        "jabar": 5,
        "jatim": 4,
        "national": 9,
    }
    assert figure("revenue_total", blkk_a=blkk_a, blkk_b=blkk_b) == {
        "a": 6_500_000,
        "b": 700_000,
        "jabar": 6_500_000,
        "jatim": 700_000,
        "national": 7_200_000,
    }


def test_sessions_hours_and_ventures_mentored(blkk_a, blkk_b):
    mentored, also_mentored = venture_in(blkk_a), venture_in(blkk_a)
    session(mentored, day(4, 1), minutes=90)
    session(mentored, day(4, 30), minutes=45)
    session(also_mentored, day(4, 12), minutes=30)
    session(also_mentored, day(3, 31), minutes=120)
    # A BLKK-wide session counts in sessions and hours, not in ventures mentored.
    MentoringSessionFactory(
        assignment=MentorAssignmentFactory(
            whole_blkk=True, blkk=blkk_a, start_date=day(1, 1)
        ),
        held_on=day(4, 15),
        duration_minutes=60,
    )
    session(mentored, day(4, 16), minutes=20)
    session(venture_in(blkk_b), day(4, 2), minutes=50)

    # A: 90 + 45 + 30 + 60 + 20 = 245 minutes = 4.0833 hours.
    assert figure("mentoring_sessions", blkk_a=blkk_a, blkk_b=blkk_b) == {
        "a": 5,
        "b": 1,
        "jabar": 5,
        "jatim": 1,
        "national": 6,
    }
    assert figure("mentoring_hours", blkk_a=blkk_a, blkk_b=blkk_b) == {
        "a": 4.08,
        "b": 0.83,
        "jabar": 4.08,
        "jatim": 0.83,
        # 295 minutes, rounded once from the sum: 4.92, not 4.08 + 0.83 = 4.91.
        "national": 4.92,
    }
    assert figure("ventures_mentored", blkk_a=blkk_a, blkk_b=blkk_b) == {
        "a": 2,
        "b": 1,
        "jabar": 2,
        "jatim": 1,
        "national": 3,
    }


def test_ventures_at_risk_have_no_session_in_the_60_days_ending_on_month_end(
    blkk_a, blkk_b
):
    # 30 April minus 59 days is 2 March; minus 60 days is 1 March.
    session(venture_in(blkk_a), day(3, 2))
    session(venture_in(blkk_a), day(3, 1))
    venture_in(blkk_a)
    session(venture_in(blkk_a), day(5, 1))
    dropped = venture_in(blkk_a)
    move(dropped, Stage.DROPPED, day(2, 1))
    MentoringSessionFactory(
        assignment=MentorAssignmentFactory(
            whole_blkk=True, blkk=blkk_a, start_date=day(1, 1)
        ),
        held_on=day(4, 15),
    )
    session(venture_in(blkk_b), day(4, 30))

    assert figure("ventures_at_risk", blkk_a=blkk_a, blkk_b=blkk_b) == {
        "a": 3,
        "b": 0,
        "jabar": 3,
        "jatim": 0,
        "national": 3,
    }


def test_metrics_expected_and_reported_are_about_ventures_active_at_month_end(
    blkk_a, blkk_b
):
    reported = venture_in(blkk_a)
    VentureMetricFactory(venture=reported, period=day(4, 1))
    silent = venture_in(blkk_a)
    VentureMetricFactory(venture=silent, period=day(3, 1))
    dropped = venture_in(blkk_a)
    VentureMetricFactory(venture=dropped, period=day(4, 1))
    move(dropped, Stage.DROPPED, day(4, 29))
    VentureMetricFactory(venture=venture_in(blkk_b), period=day(4, 1))

    assert figure("metrics_expected", blkk_a=blkk_a, blkk_b=blkk_b) == {
        "a": 2,
        "b": 1,
        "jabar": 2,
        "jatim": 1,
        "national": 3,
    }
    assert figure("metrics_reported", blkk_a=blkk_a, blkk_b=blkk_b) == {
        "a": 1,
        "b": 1,
        "jabar": 1,
        "jatim": 1,
        "national": 2,
    }


def test_an_ended_assignment_still_counts_its_sessions_in_the_month(blkk_a):
    venture = venture_in(blkk_a)
    assignment = MentorAssignmentFactory(
        venture=venture,
        start_date=day(1, 1),
        end_date=day(4, 10),
        status=MentorAssignment.Status.ENDED,
    )
    MentoringSessionFactory(assignment=assignment, held_on=day(4, 10))

    figures = kpis("blkk", blkk_a.code)
    assert (figures["mentoring_sessions"], figures["ventures_mentored"]) == (1, 1)


def _busy_blkk(province_regency: str) -> None:
    """A BLKK with one of everything the month's figures count."""
    blkk = BlkkFactory(regency=regency(province_regency))
    person = TraineeFactory(blkk=blkk, registered_on=day(4, 3))
    batch = TrainingBatchFactory(blkk=blkk, start_date=day(3, 1))
    completed_enrollment(person, batch, day(4, 20))
    CertificationFactory(trainee=person, issued_on=day(4, 21))
    GraduateOutcomeFactory(trainee=person, surveyed_on=day(4, 25))
    venture = venture_in(blkk)
    VentureMetricFactory(venture=venture, period=day(4, 1))
    session(venture, day(4, 7))
    InstructorQualificationFactory(instructor__blkk=blkk, issued_on=day(1, 5))
    PlacementFactory(trainee=person, start_date=day(4, 22))
    GradeAssessmentFactory(blkk=blkk, assessed_on=day(4, 2))
    GradeAssessmentFactory(blkk=blkk, assessed_on=day(4, 9))
    CohortApplicationFactory(
        cohort=venture.cohort,
        applicant=person,
        received_on=day(4, 2),
        status=CohortApplication.Status.ACCEPTED,
        decided_on=day(4, 6),
        venture=venture_in(blkk),
    )
    AssistanceFactory(blkk=blkk, delivered=True, delivered_on=day(4, 8))
    AssistanceFactory(
        blkk=None, venture=venture, delivered=True, delivered_on=day(4, 9)
    )


def _queries_for_every_blkk() -> int:
    with CaptureQueriesContext(connection) as queries:
        figures_by_blkk(APRIL)
    return len(queries)


def test_all_blkk_pass_runs_the_same_queries_for_2_or_20_blkks():
    for _ in range(2):
        _busy_blkk("32.73")
    few = _queries_for_every_blkk()
    for index in range(18):
        _busy_blkk("35.78" if index % 2 else "32.04")
    many = _queries_for_every_blkk()

    assert len(figures_by_blkk(APRIL)) == 20
    # The BLKK list (with each one's grade on month end) and one query per other
    # figure or group of figures: registered, graduates, certified, outcomes,
    # ventures, metrics, sessions, instructors, partnerships, placements,
    # applications (received and accepted), assistance delivered.
    assert many == few == 13


def test_the_national_pass_gives_each_blkk_the_figures_of_its_own_report():
    for regency_code in ("32.73", "32.04", "35.78"):
        _busy_blkk(regency_code)
    rows = figures_by_blkk(APRIL)

    for row in rows.values():
        assert kpis_from_counts(row.counts) == kpis("blkk", row.code)
    assert kpis_from_counts(counts_total(rows.values())) == kpis("national")
