"""The KPIs of the programme records (DESIGN.md, "Progress report KPIs": instructors,
partnerships, placements and grades) against a hand-built April 2026.

BLKK A is in Jawa Barat (32), BLKK B in Jawa Timur (35); other Jawa Barat BLKKs
appear where a test says so. Expected values are written out for A, B, both
provinces and the country, so that nothing of B leaks into A's figures and the
country's adds up (with the national partnerships, which belong to no BLKK).
"""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine

from blkk_portal.months import Month
from reports import services
from reports.kpis import (
    GRADES,
    KPI_KEYS,
    PLACEMENT_KINDS,
    counts_total,
    figures_by_blkk,
    kpis_from_counts,
    national_counts,
)
from reports.models import ProgressReport
from reports.selectors import scope_blkks
from tests.training.factories import (
    BlkkFactory,
    EnrollmentFactory,
    GradeAssessmentFactory,
    InstructorFactory,
    InstructorQualificationFactory,
    PartnerFactory,
    PartnershipFactory,
    PlacementFactory,
    TraineeFactory,
    TrainingBatchFactory,
    regency,
)
from training.models import Enrollment, Grade, InstructorQualification, Placement

pytestmark = pytest.mark.django_db

APRIL = Month(2026, 4)
IN_MAY = datetime.datetime(2026, 5, 12, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Jakarta"))
NO_PLACEMENTS = dict.fromkeys(PLACEMENT_KINDS, 0)
NO_GRADES = dict.fromkeys(GRADES, 0)
PROGRAMME_KEYS = (
    "instructors_active",
    "instructors_certified",
    "partnerships_active",
    "placements_started",
    "blkk_by_grade",
)


def day(month: int, day_of_month: int, year: int = 2026) -> datetime.date:
    return datetime.date(year, month, day_of_month)


def kpis(scope: str, code: str = "", month: Month = APRIL) -> dict:
    """A scope's KPIs as its report stores them (the country's with the figures
    of no BLKK)."""
    rows = figures_by_blkk(month, scope_blkks(scope, code)).values()
    counts = counts_total(rows)
    if scope == "national":
        counts.update(national_counts(month))
    return kpis_from_counts(counts)


def figure(key: str, *, blkk_a, blkk_b) -> dict:
    return {
        "a": kpis("blkk", blkk_a.code)[key],
        "b": kpis("blkk", blkk_b.code)[key],
        "jabar": kpis("province", "32")[key],
        "jatim": kpis("province", "35")[key],
        "national": kpis("national")[key],
    }


# --- the keys ---------------------------------------------------------------------


def test_the_new_keys_follow_metrics_reported_in_designs_order():
    at = KPI_KEYS.index("metrics_reported")
    # Issue #13's intake and assistance keys come between placements and grades.
    assert KPI_KEYS[at + 1 :] == (
        *PROGRAMME_KEYS[:-1],
        "applications_received",
        "applications_accepted",
        "assistance_delivered_value",
        PROGRAMME_KEYS[-1],
    )


def test_the_new_keys_are_present_and_zero_when_nothing_counts(blkk_a):
    figures = kpis("national", month=Month(2019, 1))
    assert {key: figures[key] for key in PROGRAMME_KEYS} == {
        "instructors_active": 0,
        "instructors_certified": 0,
        "partnerships_active": 0,
        "placements_started": NO_PLACEMENTS,
        # The one active BLKK, at the grade it was registered with.
        "blkk_by_grade": {**NO_GRADES, "tumbuh": 1},
    }


# --- instructors --------------------------------------------------------------------


def competency(instructor, issued_on, valid_until, **extra):
    return InstructorQualificationFactory(
        instructor=instructor, issued_on=issued_on, valid_until=valid_until, **extra
    )


def test_instructors_active_and_those_certified_at_month_end(blkk_a, blkk_b):
    # A: five active instructors, two of them certified on 30 April.
    open_ended = InstructorFactory(blkk=blkk_a)
    competency(open_ended, day(1, 10), None)
    ends_on_month_end = InstructorFactory(blkk=blkk_a)
    competency(ends_on_month_end, day(4, 30, 2023), day(4, 30))
    expired_mid_month = InstructorFactory(blkk=blkk_a)
    competency(expired_mid_month, day(4, 16, 2023), day(4, 15))
    issued_after = InstructorFactory(blkk=blkk_a)
    competency(issued_after, day(5, 1), day(5, 1, 2029))
    methodology_only = InstructorFactory(blkk=blkk_a)
    competency(
        methodology_only,
        day(1, 10),
        None,
        kind=InstructorQualification.Kind.METHODOLOGY,
    )
    # Two valid certificates: one instructor, counted once.
    competency(open_ended, day(2, 1), day(2, 1, 2029))
    # Inactive: counted nowhere, certified or not.
    gone = InstructorFactory(blkk=blkk_a, is_active=False)
    competency(gone, day(1, 10), None)
    InstructorFactory(blkk=blkk_a, is_active=False)
    competency(InstructorFactory(blkk=blkk_b), day(3, 1), day(3, 1, 2029))

    assert figure("instructors_active", blkk_a=blkk_a, blkk_b=blkk_b) == {
        "a": 5,
        "b": 1,
        "jabar": 5,
        "jatim": 1,
        "national": 6,
    }
    assert figure("instructors_certified", blkk_a=blkk_a, blkk_b=blkk_b) == {
        "a": 2,
        "b": 1,
        "jabar": 2,
        "jatim": 1,
        "national": 3,
    }


# --- partnerships -------------------------------------------------------------------


def partnership(blkk, start_date, end_date=None):
    return PartnershipFactory(blkk=blkk, start_date=start_date, end_date=end_date)


def test_partnerships_active_on_month_end_and_national_ones_in_the_country_only(
    blkk_a, blkk_b
):
    partnership(blkk_a, day(1, 1, 2025), day(4, 30))  # ends on month end: counts
    partnership(blkk_a, day(1, 1, 2025), day(4, 29))  # ended the day before
    partnership(blkk_a, day(4, 30))  # starts on month end, no end: counts
    partnership(blkk_a, day(5, 1))  # not begun
    partnership(blkk_a, day(3, 1, 2024), day(12, 31))
    partnership(blkk_b, day(1, 1), day(1, 1, 2027))
    # The ministry's own: the country's figure only.
    partnership(None, day(1, 1, 2025))
    partnership(None, day(1, 1, 2025), day(3, 31))

    assert figure("partnerships_active", blkk_a=blkk_a, blkk_b=blkk_b) == {
        "a": 3,
        "b": 1,
        "jabar": 3,
        "jatim": 1,
        "national": 5,
    }
    assert national_counts(APRIL)["partnerships_active"] == 1


# --- placements ---------------------------------------------------------------------


def placement(trainee, kind, start_date, **extra):
    """A placement with no partnership (a partnership would count in its own KPI)."""
    return PlacementFactory(
        trainee=trainee,
        kind=kind,
        start_date=start_date,
        partnership=None,
        partner=PartnerFactory(),
        **extra,
    )


def test_placements_started_count_by_kind_at_the_trainees_blkk(blkk_a, blkk_b):
    graduate = TraineeFactory(blkk=blkk_a, graduate=True)
    placement(graduate, Placement.Kind.EMPLOYMENT, day(4, 1))
    placement(graduate, Placement.Kind.MIGRANT_WORK, day(4, 30))
    placement(graduate, Placement.Kind.EMPLOYMENT, day(3, 31))
    placement(graduate, Placement.Kind.EMPLOYMENT, day(5, 1))
    # An apprenticeship may start during training: it counts in its start month.
    in_training = TraineeFactory(blkk=blkk_a)
    EnrollmentFactory(
        trainee=in_training,
        batch=TrainingBatchFactory(blkk=blkk_a, start_date=day(3, 2)),
        status=Enrollment.Status.ACTIVE,
    )
    placement(
        in_training,
        Placement.Kind.APPRENTICESHIP,
        day(4, 10),
        status=Placement.Status.ACTIVE,
    )
    # Registered at B, trained at A, placed by A: it counts at B, the person's BLKK.
    from_b = TraineeFactory(blkk=blkk_b, regency=regency("35.78"))
    EnrollmentFactory(
        trainee=from_b,
        batch=TrainingBatchFactory(blkk=blkk_a),
        completed=True,
    )
    placement(from_b, Placement.Kind.EMPLOYMENT, day(4, 5), recorded_by_blkk=blkk_a)

    a = {"apprenticeship": 1, "employment": 1, "migrant_work": 1}
    b = {**NO_PLACEMENTS, "employment": 1}
    assert figure("placements_started", blkk_a=blkk_a, blkk_b=blkk_b) == {
        "a": a,
        "b": b,
        "jabar": a,
        "jatim": b,
        "national": {"apprenticeship": 1, "employment": 2, "migrant_work": 1},
    }


# --- grades -------------------------------------------------------------------------


def assessed(blkk, on, grade):
    return GradeAssessmentFactory(blkk=blkk, assessed_on=on, grade=grade)


def test_blkk_by_grade_takes_each_active_blkks_grade_on_month_end(blkk_a, blkk_b):
    # A: an old assessment, then two in the month: the later date wins (mandiri).
    assessed(blkk_a, day(1, 5), Grade.TUMBUH)
    assessed(blkk_a, day(4, 20), Grade.MANDIRI)
    assessed(blkk_a, day(4, 5), Grade.BERKEMBANG)
    # Two on one date: the later record wins (berkembang).
    same_day = BlkkFactory(regency=regency("32.04"))
    assessed(same_day, day(4, 10), Grade.MANDIRI)
    assessed(same_day, day(4, 10), Grade.BERKEMBANG)
    # Assessed after month end: March's grade holds (berkembang); `Blkk.grade`,
    # today's, is not the month end's.
    later = BlkkFactory(regency=regency("32.04"), grade=Grade.MANDIRI)
    assessed(later, day(3, 1), Grade.BERKEMBANG)
    assessed(later, day(5, 2), Grade.MANDIRI)
    # Never assessed: the grade it was registered with (mandiri).
    BlkkFactory(
        regency=regency("32.04"), registered_grade=Grade.MANDIRI, grade=Grade.TUMBUH
    )
    # Inactive: counted in no grade, as in no `blkk_count`.
    inactive = BlkkFactory(regency=regency("32.04"), is_active=False)
    assessed(inactive, day(4, 1), Grade.MANDIRI)
    # B: never assessed, registered tumbuh.

    jabar = {"tumbuh": 0, "berkembang": 2, "mandiri": 2}
    assert figure("blkk_by_grade", blkk_a=blkk_a, blkk_b=blkk_b) == {
        "a": {**NO_GRADES, "mandiri": 1},
        "b": {**NO_GRADES, "tumbuh": 1},
        "jabar": jabar,
        "jatim": {**NO_GRADES, "tumbuh": 1},
        "national": {**jabar, "tumbuh": 1},
    }
    for scope, code in (("province", "32"), ("national", "")):
        figures = kpis(scope, code)
        assert sum(figures["blkk_by_grade"].values()) == figures["blkk_count"]
    assert kpis("blkk", inactive.code)["blkk_by_grade"] == NO_GRADES


def test_an_inactive_blkk_with_only_instructors_and_agreements_gets_no_report():
    inactive = BlkkFactory(is_active=False)
    competency(InstructorFactory(blkk=inactive), day(1, 10), None)
    partnership(inactive, day(1, 1, 2025))

    [row] = figures_by_blkk(APRIL).values()

    assert row.counts["instructors_active"] == 1
    assert row.counts["partnerships_active"] == 1
    assert row.is_empty
    placement(
        TraineeFactory(blkk=inactive, graduate=True),
        Placement.Kind.EMPLOYMENT,
        day(4, 2),
    )
    [row] = figures_by_blkk(APRIL).values()
    assert not row.is_empty


# --- the stored reports add up ------------------------------------------------------


@pytest.fixture
def busy_april(blkk_a, blkk_b):
    """Something of every new KPI in A, a second Jawa Barat BLKK and B, and one
    national partnership."""
    a2 = BlkkFactory(regency=regency("32.04"))
    for blkk, region in ((blkk_a, "32.73"), (a2, "32.04"), (blkk_b, "35.78")):
        competency(InstructorFactory(blkk=blkk), day(1, 10), None)
        InstructorFactory(blkk=blkk)
        partnership(blkk, day(1, 1))
        person = TraineeFactory(blkk=blkk, graduate=True, regency=regency(region))
        placement(person, Placement.Kind.EMPLOYMENT, day(4, 3))
    placement(
        TraineeFactory(blkk=a2, graduate=True, regency=regency("32.04")),
        Placement.Kind.MIGRANT_WORK,
        day(4, 9),
    )
    assessed(blkk_a, day(4, 1), Grade.BERKEMBANG)
    assessed(blkk_b, day(2, 1), Grade.MANDIRI)
    partnership(None, day(1, 1, 2025))
    return a2


def added(reports: list[dict]) -> dict:
    """The KPI dicts of `reports` added key by key (dict KPIs part by part)."""
    total: dict = {}
    for kpis_of in reports:
        for key, value in kpis_of.items():
            if isinstance(value, dict):
                parts = total.setdefault(key, {})
                for part, count in value.items():
                    parts[part] = parts.get(part, 0) + count
            else:
                total[key] = total.get(key, 0) + value
    return total


@time_machine.travel(IN_MAY, tick=False)
def test_the_country_is_the_sum_of_its_provinces_plus_national_partnerships(
    blkk_a, busy_april
):
    services.reports_generate_month(month=APRIL)
    stored = ProgressReport.objects.filter(period=APRIL.first_day)
    national = stored.get(scope="national").kpis
    provinces = [report.kpis for report in stored.filter(scope="province")]

    summed = added(provinces)
    for key in ("instructors_active", "instructors_certified", "placements_started"):
        assert national[key] == summed[key], key
    assert national["blkk_by_grade"] == summed["blkk_by_grade"]
    assert national["partnerships_active"] == summed["partnerships_active"] + 1
    assert national["partnerships_active"] == 4
    assert national["placements_started"] == {
        **NO_PLACEMENTS,
        "employment": 3,
        "migrant_work": 1,
    }
    assert national["blkk_by_grade"] == {
        "tumbuh": 1,
        "berkembang": 1,
        "mandiri": 1,
    }
    # A province is the sum of its BLKKs' reports: no national partnership.
    jabar = stored.get(scope="province", scope_code="32").kpis
    jabar_blkks = stored.filter(
        scope="blkk", scope_code__in=[blkk_a.code, busy_april.code]
    )
    assert jabar["partnerships_active"] == 2
    assert added([report.kpis for report in jabar_blkks]) == jabar
    # The country's breakdown carries each province's new figures too.
    breakdown = {
        row["code"]: row["kpis"] for row in stored.get(scope="national").breakdown
    }
    assert breakdown["32"] == jabar
