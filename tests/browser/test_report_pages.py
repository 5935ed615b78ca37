"""Reports on a phone: the list names each scope, a report reads in Indonesian with
formatted figures, and a run's progress bar follows the run without a reload, by
htmx polling under the strict CSP."""

from __future__ import annotations

import datetime
from collections import Counter
from urllib.parse import urlsplit

from django.utils import timezone

from blkk_portal.months import Month
from reports import services
from reports.kpis import kpis_from_counts
from reports.models import ReportRun
from tests.browser.helpers import screenshot, sign_in
from tests.personas import PASSWORD
from tests.reports.factories import ProgressReportFactory

APRIL = datetime.date(2026, 4, 1)


def test_province_staff_read_a_report_on_a_phone(phone, province_user, blkk_a):
    figures = kpis_from_counts(
        Counter(
            trainees_registered=1234,
            graduates=57,
            revenue_total=1_250_000,
            mentoring_minutes=750,
            **{"outcome:employed": 12, "outcome:self_employed": 4},
        )
    )
    province = ProgressReportFactory(
        period=APRIL,
        province=True,
        kpis=figures,
        breakdown=[{"code": blkk_a.code, "name": blkk_a.name, "kpis": figures}],
    )
    own = ProgressReportFactory(
        period=APRIL, scope="blkk", scope_code=blkk_a.code, kpis=figures
    )

    sign_in(phone, "province_32", PASSWORD)
    phone.goto("/reports/")
    assert phone.get_by_text("Jawa Barat").first.is_visible()
    assert phone.get_by_text(f"{blkk_a.name} ({blkk_a.code})").first.is_visible()
    screenshot(phone, "report-list-phone")

    with phone.expect_navigation():
        phone.locator(f'a[href="/reports/{province.pk}/"]').click()
    for text in ("Peserta terdaftar", "1.234", "Rp\u00a01.250.000", "12,50"):
        assert phone.get_by_text(text, exact=True).first.is_visible(), text
    assert phone.get_by_text("Bekerja (penerima upah)").first.is_visible()
    screenshot(phone, "report-detail-phone")

    # Down to the BLKK's own report from the breakdown.
    with phone.expect_navigation():
        phone.locator(f'table.breakdown a[href="/reports/{own.pk}/"]').click()
    assert urlsplit(phone.url).path == f"/reports/{own.pk}/"


def test_the_progress_bar_follows_the_run_without_a_reload(phone, manager_a, blkk_a):
    month = Month.of(timezone.localdate()).shifted(-1)
    run = ReportRun.objects.create(
        period=month.first_day,
        scope="blkk",
        scope_code=blkk_a.code,
        requested_by=manager_a,
    )
    progress_url = f"/reports/runs/{run.pk}/progress/"

    sign_in(phone, "manager_a", PASSWORD)
    phone.goto(f"/reports/runs/{run.pk}/")
    # A mark on this very page: a reload would lose it.
    phone.evaluate("window.samePage = true")
    with phone.expect_request(lambda r: urlsplit(r.url).path == progress_url):
        pass  # htmx asks for the fragment every second
    assert phone.locator("progress").get_attribute("value") == "0"
    screenshot(phone, "report-run-waiting-phone")

    # A worker does the run meanwhile.
    services.report_run_claim(run_id=run.pk)
    report = services.report_compute_and_store(
        scope="blkk", scope_code=blkk_a.code, month=month, run=run
    )
    ReportRun.objects.filter(pk=run.pk).update(reports_total=1)
    services.report_files_render(report_id=report.pk)
    services.report_run_finish_if_complete(run=run)

    link = phone.locator(f'a[href="/reports/{report.pk}/"]')
    link.wait_for()
    assert phone.evaluate("window.samePage") is True
    assert phone.locator("progress").get_attribute("value") == "1"
    screenshot(phone, "report-run-done-phone")
    # Done: the fragment that replaced the waiting one asks no more.
    assert phone.locator("#run-progress").get_attribute("hx-trigger") is None
