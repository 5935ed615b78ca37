"""Report models: what the database refuses."""

from __future__ import annotations

import datetime

import pytest

from reports.models import ProgressReport
from tests.constraints import violates

from .factories import ProgressReportFactory

pytestmark = pytest.mark.django_db


def test_factory_builds_a_record_that_passes_full_clean():
    ProgressReportFactory().full_clean()


@pytest.mark.parametrize("trait", ["province", "blkk"])
def test_progress_report_factory_traits_pass_full_clean(trait):
    ProgressReportFactory(**{trait: True}).full_clean()


# --- ProgressReport ---------------------------------------------------------------


def test_database_refuses_a_second_report_for_one_scope_and_month():
    report = ProgressReportFactory(province=True)
    with violates("report_once_per_scope_month"):
        ProgressReportFactory(province=True, period=report.period)


def test_database_refuses_a_second_national_report_for_one_month():
    report = ProgressReportFactory()
    with violates("report_once_per_scope_month"):
        ProgressReportFactory(period=report.period)


def test_reports_of_two_provinces_for_one_month_are_stored():
    report = ProgressReportFactory(province=True, scope_code="32")
    ProgressReportFactory(province=True, scope_code="35", period=report.period)
    assert ProgressReport.objects.filter(period=report.period).count() == 2


def test_database_refuses_report_with_unknown_scope():
    report = ProgressReportFactory(province=True)
    with violates("report_scope_known"):
        ProgressReport.objects.filter(pk=report.pk).update(scope="regency")


def test_database_refuses_national_report_with_a_scope_code():
    with violates("report_scope_code_fits_scope"):
        ProgressReportFactory(scope="national", scope_code="32")


@pytest.mark.parametrize("scope", ["province", "blkk"])
def test_database_refuses_province_or_blkk_report_without_a_scope_code(scope):
    with violates("report_scope_code_fits_scope"):
        ProgressReportFactory(scope=scope, scope_code="")


def test_database_refuses_report_period_other_than_the_first_of_a_month():
    with violates("report_period_first_of_month"):
        ProgressReportFactory(period=datetime.date(2025, 6, 30))
