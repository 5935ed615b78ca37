"""Province staff open a BLKK's page on a phone: read-only, with the month so far,
the stored months drawn as a chart, and the to-do lists."""

from __future__ import annotations

from django.utils import timezone

from blkk_portal.months import Month
from tests.browser.helpers import screenshot, sign_in
from tests.personas import PASSWORD
from tests.reports.factories import ProgressReportFactory


def test_province_staff_read_a_blkks_page_on_a_phone(phone, province_user, blkk_a):
    this_month = Month.of(timezone.localdate())
    for back in range(1, 7):
        ProgressReportFactory(
            blkk=True,
            scope_code=blkk_a.code,
            period=this_month.shifted(-back).first_day,
            kpis={"graduates": 10 * back, "revenue_total": 1_250_000 * back},
        )

    sign_in(phone, "province_32", PASSWORD)
    phone.goto(f"/blkk/{blkk_a.code}/")

    assert phone.locator(".notice").is_visible()
    # The trend chart, drawn by Chart.js: one bar for each of the six stored months.
    bars = phone.evaluate(
        """() => {
          const canvas = document.querySelector('canvas[data-chart="trend-chart"]');
          const values = Chart.getChart(canvas).data.datasets[0].data;
          return values.filter((value) => value !== null);
        }"""
    )
    assert bars == [60, 50, 40, 30, 20, 10]
    assert phone.get_by_text("Rp\u00a07.500.000").first.is_visible()
    # Read-only: no way to add anything from the page or its sections.
    phone.goto(f"/blkk/{blkk_a.code}/trainees/")
    assert phone.locator(f'a[href="/blkk/{blkk_a.code}/trainees/new/"]').count() == 0
    phone.goto(f"/blkk/{blkk_a.code}/")
    screenshot(phone, "province-blkk-page-phone")
