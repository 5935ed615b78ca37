"""A chunk of the monthly fan-out rendered and mailed in one transaction from a
fixed number of queries, however many reports it holds (issue #14): the files are
those one report at a time would give, each report's trend is its own, each
manager's mail is recorded once."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from blkk_portal.months import Month
from reports import selectors, services
from reports.models import ProgressReport, ReportDelivery
from tests.accounts.factories import UserFactory
from tests.training.factories import BlkkFactory, TraineeFactory, regency
from training.models import Blkk

from .factories import ProgressReportFactory

pytestmark = pytest.mark.django_db

APRIL = Month(2026, 4)
# A chunk's files: its reports, locked, with their places' names; their trends; one
# UPDATE of their files; and the savepoint of its transaction, opened and released.
CHUNK_QUERIES = 5
# Recording a chunk's mail: the savepoint of the finishing transaction, opened and
# released; the managers, the reports with no one to mail, the deliveries, those
# still to send.
MAIL_QUERIES = 6


def month_of(blkk_count: int) -> list[int]:
    """April stored for `blkk_count` BLKKs over two provinces: their ids."""
    for index in range(blkk_count):
        blkk = BlkkFactory(regency=regency("32.73" if index % 2 else "35.78"))
        TraineeFactory(blkk=blkk, registered_on=APRIL.first_day)
    return services.reports_generate_month(month=APRIL)


def file_bytes(report: ProgressReport) -> tuple[bytes, bytes]:
    with report.xlsx_file.open("rb") as xlsx, report.csv_file.open("rb") as csv:
        return xlsx.read(), csv.read()


@pytest.mark.parametrize("blkk_count", [2, 12])
def test_a_chunk_is_rendered_in_a_fixed_number_of_queries(
    blkk_count, django_assert_num_queries
):
    report_ids = month_of(blkk_count)

    with django_assert_num_queries(CHUNK_QUERIES):
        rendered = services.reports_files_render(report_ids=report_ids)

    assert [report.pk for report in rendered] == sorted(report_ids)
    assert not ProgressReport.objects.unfinished().exists()


def test_a_chunk_gives_the_files_one_report_at_a_time_gives(blkk_a, blkk_b):
    report_ids = month_of(3)
    ProgressReportFactory(province=True, period=Month(2026, 3).first_day)
    chunked = {
        report.pk: file_bytes(report)
        for report in services.reports_files_render(report_ids=report_ids)
    }

    one_by_one = {
        report_id: file_bytes(services.report_files_render(report_id=report_id))
        for report_id in report_ids
    }

    assert chunked == one_by_one


def test_each_report_of_a_chunk_gets_its_own_trend(blkk_a):
    months = [Month(2025, 3), Month(2025, 5), Month(2026, 3), Month(2026, 4)]
    for month in months:
        for trait in ({}, {"province": True}):
            ProgressReportFactory(period=month.first_day, **trait)
        ProgressReportFactory(
            period=month.first_day, scope="blkk", scope_code=blkk_a.code
        )
    # Not in any trend: another province, and a month after the reports'.
    ProgressReportFactory(period=APRIL.first_day, scope="province", scope_code="35")
    ProgressReportFactory(period=datetime.date(2026, 5, 1))
    chunk = list(
        ProgressReport.objects.filter(
            period__in=[APRIL.first_day, Month(2025, 5).first_day],
            scope_code__in=["", "32", blkk_a.code],
        )
    )
    assert len(chunk) == 6

    trends = selectors.reports_trends(chunk)

    assert trends == {report.pk: selectors.report_trend(report) for report in chunk}
    national_april = next(
        r for r in chunk if r.scope == "national" and r.period.year == 2026
    )
    assert [row["period"] for row in trends[national_april.pk]] == [
        datetime.date(2025, 5, 1),
        datetime.date(2026, 3, 1),
        datetime.date(2026, 4, 1),
    ]


def test_a_chunk_records_each_managers_mail_once_in_a_fixed_number_of_queries(
    django_assert_num_queries, django_capture_on_commit_callbacks
):
    report_ids = month_of(4)
    busy, also, unmanaged, quiet = Blkk.objects.order_by("code")
    two = UserFactory.create_batch(2, blkk_manager=True, managed_blkks=[busy])
    both = UserFactory(blkk_manager=True, managed_blkks=[busy, also])
    UserFactory(blkk_manager=True, managed_blkks=[unmanaged], is_active=False)
    UserFactory(blkk_manager=True, managed_blkks=[unmanaged], email="")
    ProgressReport.objects.filter(scope_code=quiet.code).update(
        mailed_at=timezone.now()
    )
    UserFactory(blkk_manager=True, managed_blkks=[quiet])

    with (
        django_assert_num_queries(CHUNK_QUERIES + MAIL_QUERIES),
        django_capture_on_commit_callbacks() as queued,
    ):
        pending = services.reports_finish(report_ids=report_ids, notify=True)

    deliveries = ReportDelivery.objects.all()
    assert sorted(deliveries.values_list("report__scope_code", "recipient")) == sorted(
        [(busy.code, user.email) for user in [*two, both]] + [(also.code, both.email)]
    )
    assert sorted(pending) == sorted(deliveries.values_list("pk", flat=True))
    # Each send is queued after commit; the replaced files (none) are not deleted.
    assert len(queued) == len(pending)
    assert ProgressReport.objects.get(scope_code=unmanaged.code).mailed_at

    # Finished again (a redelivered chunk): nothing more is recorded.
    services.reports_finish(report_ids=report_ids, notify=True)
    assert ReportDelivery.objects.count() == len(pending)
