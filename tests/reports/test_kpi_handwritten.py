"""The KPI pass against its baseline: the hand-written SQL of bench/kpis.sql gives
the same figures as `reports.kpis.figures_by_blkk`, for every BLKK and every count,
on the hand-built worlds of the KPI tests (each edge of a month), in the month they
are built for and the months either side.

Each world is built by the KPI test that owns it, which checks its own written-out
figures first; then both passes are compared.
"""

from __future__ import annotations

from collections import Counter

import pytest

from bench.kpi_sql import run_handwritten_kpis
from blkk_portal.months import Month
from reports.kpis import (
    GRADES,
    KPI_KEYS,
    OUTCOME_STATUSES,
    PLACEMENT_KINDS,
    figures_by_blkk,
    kpis_from_counts,
)
from tests.reports import test_kpis as kpi_tests
from tests.reports import test_programme_kpis as programme_tests
from tests.reports.test_intake_kpis import april, place  # noqa: F401 (fixtures)
from tests.training.factories import BlkkFactory, regency

pytestmark = pytest.mark.django_db

APRIL = Month(2026, 4)
MONTHS = (Month(2026, 2), Month(2026, 3), APRIL, Month(2026, 5))

# The KPI tests whose bodies build a world around BLKKs A and B.
WORLDS = {
    "blkk_count": kpi_tests.test_blkk_count_is_active_blkks_in_scope,
    "trainees_registered": (
        kpi_tests.test_trainees_registered_counts_first_and_last_day_of_the_month
    ),
    "graduates": (
        kpi_tests.test_graduates_count_enrollments_completed_in_the_month_at_the_batch_blkk
    ),
    "certified_competent": (
        kpi_tests.test_certified_competent_counts_competent_certificates_issued_in_the_month
    ),
    "outcome_counts": (
        kpi_tests.test_outcome_counts_take_each_graduates_latest_outcome_by_month_end
    ),
    "ventures": kpi_tests.test_ventures_active_and_graduated_follow_the_stage_history,
    "metrics": kpi_tests.test_jobs_and_revenue_sum_the_months_metrics,
    "sessions": kpi_tests.test_sessions_hours_and_ventures_mentored,
    "at_risk": (
        kpi_tests.test_ventures_at_risk_have_no_session_in_the_60_days_ending_on_month_end
    ),
    "reporting_rate": (
        kpi_tests.test_metrics_expected_and_reported_are_about_ventures_active_at_month_end
    ),
    "instructors": (
        programme_tests.test_instructors_active_and_those_certified_at_month_end
    ),
    "partnerships": (
        programme_tests.test_partnerships_active_on_month_end_and_national_ones_in_the_country_only
    ),
    "placements": (
        programme_tests.test_placements_started_count_by_kind_at_the_trainees_blkk
    ),
    "grades": (
        programme_tests.test_blkk_by_grade_takes_each_active_blkks_grade_on_month_end
    ),
}


def both_passes_agree(months=MONTHS) -> int:
    """Compare both passes for every BLKK in each of `months`; returns how many
    non-zero figures were compared, so a test can tell it compared something."""
    compared = 0
    for month in months:
        orm = {blkk_id: row.counts for blkk_id, row in figures_by_blkk(month).items()}
        handwritten = run_handwritten_kpis(month)

        assert handwritten.keys() == orm.keys(), month
        for blkk_id, counts in orm.items():
            by_hand = handwritten[blkk_id]
            # Every figure the pass counts, and nothing else non-zero by hand.
            assert {k: v for k, v in by_hand.items() if v} == {
                k: v for k, v in counts.items() if v
            }, (month, blkk_id)
            assert kpis_from_counts(Counter(by_hand)) == kpis_from_counts(counts)
            compared += sum(1 for value in counts.values() if value)
    return compared


@pytest.mark.parametrize("world", WORLDS.values(), ids=WORLDS.keys())
def test_the_handwritten_sql_gives_the_pass_figures_on_each_kpi_world(
    world, blkk_a, blkk_b
):
    world(blkk_a=blkk_a, blkk_b=blkk_b)

    assert both_passes_agree() > 0


@pytest.mark.usefixtures("april")
def test_the_handwritten_sql_gives_the_pass_figures_on_intake_and_assistance():
    assert both_passes_agree() > 0


def test_the_handwritten_sql_gives_the_pass_figures_on_many_busy_blkks():
    for regency_code in ("32.73", "32.04", "35.78", "35.78", "11.01"):
        kpi_tests._busy_blkk(regency_code)
    BlkkFactory(regency=regency("32.04"), is_active=False)

    assert both_passes_agree() > 0


def test_the_handwritten_sql_gives_every_count_for_a_blkk_with_nothing(blkk_a):
    derived = {"outcome_counts", "placements_started", "blkk_by_grade"}
    derived |= {"mentoring_hours", "metrics_expected"}
    counts = {key for key in KPI_KEYS if key not in derived} | {"mentoring_minutes"}
    counts |= {f"outcome:{status}" for status in OUTCOME_STATUSES}
    counts |= {f"placement:{kind}" for kind in PLACEMENT_KINDS}
    counts |= {f"grade:{grade}" for grade in GRADES}

    figures = run_handwritten_kpis(APRIL)

    assert set(figures[blkk_a.pk]) == counts
    assert {key for key, value in figures[blkk_a.pk].items() if value} == {
        "blkk_count",
        "grade:tumbuh",
    }
