"""The KPIs of intake and assistance (DESIGN.md, "Progress report KPIs":
`applications_received`, `applications_accepted`, `assistance_delivered_value`)
against a hand-built April 2026, with every edge of the month.

BLKK A and A2 are in Jawa Barat (32), BLKK B in Jawa Timur (35). An application
counts at its cohort's BLKK; an assistance at its BLKK, or at its venture's cohort's
BLKK. Expected values are written out for A, A2, B, both provinces and the country.
"""

from __future__ import annotations

import csv
import datetime
import io
import zoneinfo
from typing import cast

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from blkk_portal.months import Month
from incubator.models import Assistance, CohortApplication
from reports import services
from reports.kpis import KPI_KEYS, counts_total, figures_by_blkk, kpis_from_counts
from reports.models import ProgressReport
from reports.selectors import scope_blkks
from tests.incubator.factories import (
    AssistanceFactory,
    CohortApplicationFactory,
    CohortFactory,
    VentureFactory,
)
from tests.training.factories import BlkkFactory, TraineeFactory, regency
from training.models import Blkk

from .factories import ProgressReportFactory
from .test_dashboards import page_figures, report_figures

pytestmark = pytest.mark.django_db

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
APRIL = Month(2026, 4)
IN_MAY = datetime.datetime(2026, 5, 12, 10, 0, tzinfo=JAKARTA)
LATE_APRIL = datetime.datetime(2026, 4, 30, 15, 0, tzinfo=JAKARTA)
KEYS = ("applications_received", "applications_accepted", "assistance_delivered_value")


def day(month: int, day_of_month: int) -> datetime.date:
    return datetime.date(2026, month, day_of_month)


def kpis(scope: str, code: str = "", month: Month = APRIL) -> dict:
    rows = figures_by_blkk(month, scope_blkks(scope, code)).values()
    return kpis_from_counts(counts_total(rows))


def figures(place) -> dict[str, dict]:
    """The three KPIs of every scope of April."""
    scopes = {
        "a": ("blkk", place["a"].code),
        "a2": ("blkk", place["a2"].code),
        "b": ("blkk", place["b"].code),
        "jabar": ("province", "32"),
        "jatim": ("province", "35"),
        "national": ("national", ""),
    }
    return {
        name: {key: kpis(scope, code)[key] for key in KEYS}
        for name, (scope, code) in scopes.items()
    }


def application(cohort, received_on, status="submitted", decided_on=None, **extra):
    """An application to `cohort` by a new person of its BLKK; an accepted one with
    its venture, as `application_decide` leaves it."""
    if status == CohortApplication.Status.ACCEPTED:
        extra["venture"] = VentureFactory(cohort=cohort, started_on=decided_on)
    return CohortApplicationFactory(
        cohort=cohort,
        received_on=received_on,
        status=status,
        decided_on=decided_on,
        **extra,
    )


def delivered(value, delivered_on, *, blkk=None, venture=None, **extra):
    return AssistanceFactory(
        blkk=blkk,
        venture=venture,
        value=value,
        delivered=True,
        delivered_on=delivered_on,
        **extra,
    )


@pytest.fixture
def place(blkk_a, blkk_b):
    a2 = BlkkFactory(regency=regency("32.04"), name="BLKK Al-Hikmah Bandung")
    return {
        "a": blkk_a,
        "a2": a2,
        "b": blkk_b,
        "cohort_a": CohortFactory(blkk=blkk_a, name="Kohort A"),
        "cohort_a2": CohortFactory(blkk=a2, name="Kohort A2"),
        "cohort_b": CohortFactory(blkk=blkk_b, name="Kohort B"),
    }


@pytest.fixture
def april(place):
    """Applications and assistance on and around April's edges."""
    accepted = CohortApplication.Status.ACCEPTED
    cohort_a = place["cohort_a"]
    # Received in April: the 1st, the 30th (not 31 March, not 1 May).
    application(cohort_a, day(4, 1))
    application(cohort_a, day(4, 30))
    application(cohort_a, day(3, 31))
    application(cohort_a, day(5, 1))
    # Accepted in April but received in March: accepted only.
    application(cohort_a, day(3, 20), accepted, day(4, 2))
    # Received and accepted in April (on month end): both.
    application(cohort_a, day(4, 10), accepted, day(4, 30))
    # Received in April, accepted on 1 May: received only.
    application(cohort_a, day(4, 15), accepted, day(5, 1))
    # Rejected and withdrawn in April: received, never accepted.
    application(cohort_a, day(4, 5), "rejected", day(4, 20))
    application(cohort_a, day(4, 6), "withdrawn")
    application(cohort_a, day(4, 7), "shortlisted")
    # A person registered at B applies to A's cohort: it counts at A.
    application(
        cohort_a,
        day(4, 12),
        applicant=TraineeFactory(blkk=place["b"], regency=regency("35.78")),
    )
    application(place["cohort_b"], day(4, 15), accepted, day(4, 16))
    application(place["cohort_a2"], day(2, 1), accepted, day(3, 31))

    venture_a = VentureFactory(cohort=cohort_a)
    venture_a2 = VentureFactory(cohort=place["cohort_a2"])
    venture_b = VentureFactory(cohort=place["cohort_b"])
    # To A: delivered on month end; delivered on the 1st and in use since; not
    # the 1st of May nor 31 March.
    delivered(10_000_000, day(4, 30), blkk=place["a"])
    delivered(5_000_000, day(4, 1), blkk=place["a"], status=Assistance.Status.IN_USE)
    delivered(20_000_000, day(5, 1), blkk=place["a"])
    delivered(40_000_000, day(3, 31), blkk=place["a"])
    # To A's venture: at A, its cohort's BLKK.
    delivered(7_250_000, day(4, 15), venture=venture_a)
    # Approved, cancelled, proposed: not delivered.
    AssistanceFactory(blkk=place["a"], value=90_000_000, approved=True)
    AssistanceFactory(
        venture=venture_a, blkk=None, value=80_000_000, status="cancelled"
    )
    AssistanceFactory(blkk=place["a"], value=70_000_000)
    delivered(1_500_000, day(4, 20), venture=venture_a2)
    delivered(3_000_000, day(4, 20), venture=venture_b)
    delivered(2_000_000, day(4, 21), blkk=place["b"])


def test_the_keys_are_present_and_zero_when_nothing_counts(place):
    for scope, code in (
        ("national", ""),
        ("province", "35"),
        ("blkk", place["a"].code),
    ):
        assert {key: kpis(scope, code)[key] for key in KEYS} == dict.fromkeys(KEYS, 0)


def test_applications_and_assistance_of_a_hand_built_april(place, april):
    assert figures(place) == {
        # 1st, 30th, 10th (accepted 30th), 15th (accepted in May), rejected,
        # withdrawn, shortlisted, B's person: 8; accepted the 2nd and the 30th.
        "a": {
            "applications_received": 8,
            "applications_accepted": 2,
            "assistance_delivered_value": 10_000_000 + 5_000_000 + 7_250_000,
        },
        # Accepted on 31 March: nothing in April.
        "a2": {
            "applications_received": 0,
            "applications_accepted": 0,
            "assistance_delivered_value": 1_500_000,
        },
        "b": {
            "applications_received": 1,
            "applications_accepted": 1,
            "assistance_delivered_value": 5_000_000,
        },
        "jabar": {
            "applications_received": 8,
            "applications_accepted": 2,
            "assistance_delivered_value": 23_750_000,
        },
        "jatim": {
            "applications_received": 1,
            "applications_accepted": 1,
            "assistance_delivered_value": 5_000_000,
        },
        "national": {
            "applications_received": 9,
            "applications_accepted": 3,
            "assistance_delivered_value": 28_750_000,
        },
    }


def test_may_counts_what_april_left_out(place, april):
    may = kpis("blkk", place["a"].code, Month(2026, 5))
    assert {key: may[key] for key in KEYS} == {
        "applications_received": 1,
        "applications_accepted": 1,
        "assistance_delivered_value": 20_000_000,
    }


def test_an_inactive_blkk_with_an_application_in_the_month_gets_its_report(place):
    closed = cast(Blkk, BlkkFactory(regency=regency("32.04"), is_active=False))
    application(CohortFactory(blkk=closed), day(4, 3))
    rows = figures_by_blkk(APRIL)
    assert not rows[closed.pk].is_empty
    assert rows[closed.pk].counts["applications_received"] == 1


# --- the stored reports --------------------------------------------------------------


@time_machine.travel(IN_MAY, tick=False)
def test_the_country_is_the_sum_of_its_provinces_and_a_province_of_its_blkks(
    place, april
):
    services.reports_generate_month(month=APRIL)
    stored = ProgressReport.objects.filter(period=APRIL.first_day)
    national = stored.get(scope="national").kpis
    provinces = [report.kpis for report in stored.filter(scope="province")]
    for key in KEYS:
        assert national[key] == sum(kpis_of[key] for kpis_of in provinces), key
    jabar = stored.get(scope="province", scope_code="32").kpis
    jabar_blkks = stored.filter(
        scope="blkk", scope_code__in=[place["a"].code, place["a2"].code]
    )
    for key in KEYS:
        assert jabar[key] == sum(report.kpis[key] for report in jabar_blkks), key
    assert national["assistance_delivered_value"] == 28_750_000
    breakdown = {
        row["code"]: row["kpis"] for row in stored.get(scope="national").breakdown
    }
    assert breakdown["32"]["applications_received"] == 8


@time_machine.travel(IN_MAY, tick=False)
def test_the_files_api_and_report_page_carry_the_keys(
    client, ministry_user, place, april
):
    report = services.report_generate(scope="national", scope_code="", period=APRIL)
    with translation.override("en"):
        report = services.report_files_render(report_id=report.pk)
    with report.csv_file.open("rb") as handle:
        keys, labels, national, *_ = csv.reader(
            io.StringIO(handle.read().decode("utf-8-sig"))
        )
    row = dict(zip(keys, national, strict=True))
    assert (
        row["applications_received"],
        row["applications_accepted"],
        row["assistance_delivered_value"],
    ) == ("9", "3", "28750000")
    label = dict(zip(keys, labels, strict=True))
    assert label["applications_received"] == "Cohort applications received"
    assert keys.index("placements_started_migrant_work") < keys.index(
        "applications_received"
    )
    with report.xlsx_file.open("rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()))
    sheet = workbook.worksheets[0]
    cells = {r[0].value: r[1] for r in sheet.iter_rows() if len(r) > 1}
    value = cells["Value of entrepreneurship assistance delivered (IDR)"]
    assert value.value == 28_750_000
    assert value.number_format == '"Rp" #,##0'

    client.force_login(ministry_user)
    api = client.get(f"/api/v1/reports/{report.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert {key: api.json()["kpis"][key] for key in KEYS} == {
        "applications_received": 9,
        "applications_accepted": 3,
        "assistance_delivered_value": 28_750_000,
    }
    html = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert 'data-key="applications_received">9<' in html
    # Indonesian by default: `Rp 28.750.000`.
    assert 'data-key="assistance_delivered_value">Rp\u00a028.750.000<' in html


@time_machine.travel(IN_MAY, tick=False)
def test_a_report_stored_before_these_kpis_shows_dashes(client, ministry_user, place):
    old = kpis_from_counts(counts_total([]))
    for key in KEYS:
        del old[key]
    report = cast(
        ProgressReport, ProgressReportFactory(period=APRIL.first_day, kpis=old)
    )
    client.force_login(ministry_user)

    shown = page_figures(client.get(reverse("dashboard"), {"month": "2026-04"}))
    assert {key: shown[key] for key in KEYS} == dict.fromkeys(KEYS)
    html = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert 'data-key="applications_received">\u2013<' in html
    assert 'data-key="assistance_delivered_value">\u2013<' in html
    with translation.override("en"):
        rendered = services.report_files_render(report_id=report.pk)
    with rendered.csv_file.open("rb") as handle:
        keys, _labels, national = csv.reader(
            io.StringIO(handle.read().decode("utf-8-sig"))
        )
    assert dict(zip(keys, national, strict=True))["applications_accepted"] == ""


# --- the month so far is what the report will store -----------------------------------


@time_machine.travel(LATE_APRIL, tick=False)
def test_the_month_so_far_shows_what_the_monthly_pass_stores(
    client, ministry_user, place, settings
):
    settings.DASHBOARD_LIVE_SECONDS = 0
    accepted = CohortApplication.Status.ACCEPTED
    application(place["cohort_a"], day(4, 1))
    application(place["cohort_a"], day(3, 2), accepted, day(4, 29))
    application(place["cohort_b"], day(4, 30))
    delivered(4_000_000, day(4, 30), venture=VentureFactory(cohort=place["cohort_a2"]))
    delivered(6_000_000, day(4, 2), blkk=place["b"])
    client.force_login(ministry_user)
    urls = {
        reverse("dashboard"): ("national", "", False),
        reverse("dashboard-province", args=["32"]): ("province", "32", False),
        reverse("blkk-home", args=[place["a"].code]): ("blkk", place["a"].code, True),
    }
    so_far = {url: page_figures(client.get(url)) for url in urls}

    with time_machine.travel(IN_MAY, tick=False):
        services.reports_generate_month(month=APRIL)

    for url, (scope, code, blkk_page) in urls.items():
        report = ProgressReport.objects.get(
            scope=scope, scope_code=code, period=APRIL.first_day
        )
        assert so_far[url] == report_figures(report.kpis, blkk_page=blkk_page), url
    national = so_far[reverse("dashboard")]
    assert [national[key] for key in KEYS] == [2, 1, 10_000_000]
    assert set(KEYS) <= set(KPI_KEYS)
