"""A ministry user opens the dashboard on a phone: the charts are drawn (Chart.js,
from the page's data blocks, under the strict CSP), then they go down to a
province and to one of its BLKKs. The same pages are also saved at a desktop
width."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

from django.utils import timezone
from playwright.sync_api import Page

from blkk_portal.months import Month
from tests.browser.conftest import GUARD_SCRIPT
from tests.browser.helpers import screenshot, sign_in
from tests.incubator.factories import VentureFactory
from tests.personas import PASSWORD
from tests.reports.factories import ProgressReportFactory
from tests.training.factories import (
    BlkkFactory,
    EnrollmentFactory,
    GraduateOutcomeFactory,
    TrainingBatchFactory,
    regency,
)

DESKTOP = {"width": 1280, "height": 900}
OUTCOMES = ["employed", "self_employed", "studying", "unemployed"]

# Whether a chart's canvas holds a drawing: Chart.js knows it, it has data, and its
# pixels differ from a blank canvas of the same size.
CHART_DRAWN_JS = """(id) => {
  const canvas = document.querySelector(`canvas[data-chart="${id}"]`);
  const chart = canvas && Chart.getChart(canvas);
  if (!chart) { return {chart: false}; }
  const blank = document.createElement("canvas");
  blank.width = canvas.width;
  blank.height = canvas.height;
  return {
    chart: true,
    points: chart.data.datasets[0].data.filter((value) => value !== null).length,
    painted: canvas.toDataURL() !== blank.toDataURL(),
    width: canvas.width,
  };
}"""


def assert_drawn(page: Page, chart_id: str, points: int) -> None:
    drawn = page.evaluate(CHART_DRAWN_JS, chart_id)
    assert drawn["chart"], chart_id
    assert drawn["points"] == points, (chart_id, drawn)
    assert drawn["painted"], (chart_id, drawn)


def busy_country() -> dict:
    """Three BLKKs in two provinces with graduates this month, a venture, and six
    stored national and province reports before this month."""
    today = timezone.localdate()
    this_month = Month.of(today)
    bandung = BlkkFactory(regency=regency("32.73"), name="BLKK Al-Ikhlas Bandung")
    bogor = BlkkFactory(regency=regency("32.04"), name="BLKK Pondok Pesantren Bogor")
    surabaya = BlkkFactory(regency=regency("35.78"), name="BLKK Darussalam Surabaya")
    for blkk, graduates in ((bandung, 3), (bogor, 1), (surabaya, 2)):
        batch = TrainingBatchFactory(
            blkk=blkk,
            start_date=today - datetime.timedelta(days=60),
            end_date=today,
        )
        for number in range(graduates):
            graduate = EnrollmentFactory(
                batch=batch,
                trainee__regency=blkk.regency,
                status="completed",
                completed_on=today,
            ).trainee
            GraduateOutcomeFactory(
                trainee=graduate,
                surveyed_on=today,
                status=OUTCOMES[(number + graduates) % len(OUTCOMES)],
            )
    VentureFactory(
        cohort__blkk=bandung,
        name="Batik Ayu",
        started_on=today - datetime.timedelta(days=120),
    )
    for back in range(1, 7):
        period = this_month.shifted(-back).first_day
        ProgressReportFactory(period=period, kpis={"graduates": 40 + 7 * back})
        ProgressReportFactory(
            province=True, period=period, kpis={"graduates": 20 + 3 * back}
        )
    return {"bandung": bandung}


def test_a_ministry_user_opens_the_dashboard_and_drills_down(
    phone, browser, ministry_user, live_server
):
    places = busy_country()

    sign_in(phone, "ministry", PASSWORD)
    assert urlsplit(phone.url).path == "/dashboard/"
    assert_drawn(phone, "breakdown-chart", 2)  # Jawa Barat, Jawa Timur
    assert_drawn(phone, "trend-chart", 6)
    assert_drawn(phone, "outcome-chart", 6)
    # The BLKKs by grade per province: one stacked bar per province.
    assert_drawn(phone, "grade-chart", 2)
    screenshot(phone, "dashboard-country-phone")

    with phone.expect_navigation():
        phone.locator("table.breakdown").get_by_role("link", name="Jawa Barat").click()
    assert urlsplit(phone.url).path == "/dashboard/province/32/"
    assert_drawn(phone, "breakdown-chart", 2)  # its two BLKKs
    assert_drawn(phone, "trend-chart", 6)
    screenshot(phone, "dashboard-province-phone")

    bandung = places["bandung"]
    with phone.expect_navigation():
        phone.locator("table.breakdown").get_by_role("link", name=bandung.name).click()
    assert urlsplit(phone.url).path == f"/blkk/{bandung.code}/"
    assert_drawn(phone, "outcome-chart", 6)
    assert phone.get_by_text("Batik Ayu").first.is_visible()  # at risk, never mentored
    screenshot(phone, "dashboard-blkk-phone")

    # The same pages at a desktop width, with the guard's console and CSP checks
    # (not its phone-width check).
    context = browser.new_context(
        base_url=live_server.url, viewport=DESKTOP, locale="id-ID"
    )
    context.add_init_script(GUARD_SCRIPT)
    problems: list[str] = []
    context.on(
        "console",
        lambda message: (
            message.type == "error"
            and "page wider than the phone" not in message.text
            and problems.append(message.text)
        ),
    )
    desktop = context.new_page()
    sign_in(desktop, "ministry", PASSWORD)
    assert_drawn(desktop, "breakdown-chart", 2)
    screenshot(desktop, "dashboard-country-desktop")
    desktop.goto("/dashboard/province/32/")
    assert_drawn(desktop, "trend-chart", 6)
    screenshot(desktop, "dashboard-province-desktop")
    context.close()
    assert problems == []
