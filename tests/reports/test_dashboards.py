"""The dashboards (`/dashboard/`, `/dashboard/province/CODE/`) and a BLKK page's
figures: who opens which, that every figure shown is the stored report's (or, for
the month so far, what the report will store), the month rule, the lists, the
breakdown, the cache of live figures, and query counts that do not grow with the
number of BLKKs.

April 2026 is built by hand in two provinces: BLKK A and A2 in Jawa Barat (32),
BLKK B in Jawa Timur (35). Pages are read through their `data-kpi` attributes, the
figures as the HTML carries them.
"""

from __future__ import annotations

import datetime
import json
import zoneinfo
from html.parser import HTMLParser

import pytest
import time_machine
from django.urls import reverse

from blkk_portal.months import Month
from incubator.models import Stage
from incubator.services import venture_change_stage
from reports import dashboards, services, tasks
from reports.kpis import KPI_KEYS
from reports.models import ProgressReport
from tests.incubator.factories import VentureFactory, VentureMetricFactory
from tests.mentoring.factories import MentorAssignmentFactory, MentoringSessionFactory
from tests.personas import make_persona
from tests.test_content_policy import assert_strict_policy, inline_scripts
from tests.training.factories import (
    BlkkFactory,
    CertificationFactory,
    EnrollmentFactory,
    GraduateOutcomeFactory,
    TraineeFactory,
    TrainingBatchFactory,
    regency,
)
from training.models import Certification, Enrollment

pytestmark = pytest.mark.django_db

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
MARCH, APRIL, MAY = Month(2026, 3), Month(2026, 4), Month(2026, 5)
# "Today" for a stored April, and a day late in April for April so far.
IN_MAY = datetime.datetime(2026, 5, 12, 10, 0, tzinfo=JAKARTA)
LATE_APRIL = datetime.datetime(2026, 4, 30, 15, 0, tzinfo=JAKARTA)


def day(month: int, day_of_month: int) -> datetime.date:
    return datetime.date(2026, month, day_of_month)


# --- reading a page's figures ---------------------------------------------------------


class FigureParser(HTMLParser):
    """Every `data-kpi="KEY" data-value="JSON"` of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: dict[str, object] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "data-kpi" in attributes:
            key = attributes["data-kpi"]
            assert key not in self.figures, f"{key} shown twice"
            self.figures[key] = json.loads(attributes["data-value"])


def page_figures(response) -> dict[str, object]:
    assert response.status_code == 200
    parser = FigureParser()
    parser.feed(response.content.decode())
    return parser.figures


def report_figures(kpis: dict, *, blkk_page: bool = False) -> dict[str, object]:
    """A report's KPIs as a page shows them: one figure per number, outcomes,
    placements and grades one per choice; a BLKK's page leaves out the count of
    BLKKs and their grades."""
    figures: dict[str, object] = {}
    for key in KPI_KEYS:
        if key in ("blkk_count", "blkk_by_grade") and blkk_page:
            continue
        value = kpis[key]
        if isinstance(value, dict):
            figures.update({f"{key}.{name}": count for name, count in value.items()})
        else:
            figures[key] = value
    return figures


# --- the hand-built month -------------------------------------------------------------


def venture_in(blkk, *, stage=Stage.INCUBATION, name=""):
    extra = {"name": name} if name else {}
    return VentureFactory(
        cohort__blkk=blkk, started_on=day(1, 10), stage=stage, **extra
    )


def session(venture, held_on, minutes=60):
    assignment = MentorAssignmentFactory(venture=venture, start_date=day(1, 1))
    return MentoringSessionFactory(
        assignment=assignment, held_on=held_on, duration_minutes=minutes
    )


def graduate_of(blkk, completed_on, *, region="32.73"):
    batch = TrainingBatchFactory(blkk=blkk, start_date=day(1, 5), end_date=day(2, 5))
    enrollment = EnrollmentFactory(
        batch=batch,
        trainee__regency=regency(region),
        status=Enrollment.Status.COMPLETED,
        completed_on=completed_on,
    )
    return enrollment.trainee


@pytest.fixture
def april(blkk_a, blkk_b):
    """March and April 2026 in A, A2 (Jawa Barat) and B (Jawa Timur): something of
    every KPI, different in each BLKK and month."""
    blkk_a2 = BlkkFactory(regency=regency("32.04"), name="BLKK Al-Hikmah Bogor")
    # Registered: A 2, A2 1, B 1 in April; A 1 in March.
    for blkk, registered_on, region in (
        (blkk_a, day(4, 1), "32.73"),
        (blkk_a, day(4, 30), "32.73"),
        (blkk_a, day(3, 15), "32.73"),
        (blkk_a2, day(4, 9), "32.04"),
        (blkk_b, day(4, 20), "35.78"),
    ):
        TraineeFactory(blkk=blkk, registered_on=registered_on, regency=regency(region))
    # Graduates: A 2 and B 1 in April, A 1 in March; outcomes by month end.
    employed = graduate_of(blkk_a, day(4, 3))
    studying = graduate_of(blkk_a, day(4, 28))
    earlier = graduate_of(blkk_a, day(3, 10))
    jatim = graduate_of(blkk_b, day(4, 14), region="35.78")
    bogor = graduate_of(blkk_a2, day(2, 20), region="32.04")
    GraduateOutcomeFactory(trainee=employed, surveyed_on=day(4, 20), status="employed")
    GraduateOutcomeFactory(trainee=studying, surveyed_on=day(3, 1), status="employed")
    GraduateOutcomeFactory(trainee=studying, surveyed_on=day(4, 29), status="studying")
    GraduateOutcomeFactory(
        trainee=earlier, surveyed_on=day(3, 30), status="self_employed"
    )
    GraduateOutcomeFactory(trainee=jatim, surveyed_on=day(4, 30), status="unemployed")
    GraduateOutcomeFactory(
        trainee=bogor, surveyed_on=day(3, 2), status="apprenticeship"
    )
    # Certified competent: A 1 (and one not yet), B 1 in April.
    for trainee, result in (
        (employed, Certification.Result.COMPETENT),
        (studying, Certification.Result.NOT_YET),
        (jatim, Certification.Result.COMPETENT),
    ):
        CertificationFactory(trainee=trainee, issued_on=day(4, 22), result=result)
    # Ventures. A: one mentored and reporting, one at risk and silent, one that
    # graduated on 20 April. A2: one last mentored in January (at risk). B: one
    # mentored in March (within 60 days of April's end), silent in April.
    mentored = venture_in(blkk_a, name="Batik Ayu")
    silent = venture_in(blkk_a, name="Kopi Senja", stage=Stage.PRE_INCUBATION)
    graduated = venture_in(blkk_a, name="Keripik Maju")
    venture_change_stage(
        venture=graduated, to_stage=Stage.GRADUATED, changed_on=day(4, 20), by=None
    )
    old_friend = venture_in(blkk_a2, name="Sablon Bogor")
    jatim_venture = venture_in(blkk_b, name="Rias Surabaya")
    session(mentored, day(4, 10), minutes=90)
    session(mentored, day(3, 12), minutes=45)
    session(old_friend, day(1, 15), minutes=30)
    session(jatim_venture, day(3, 15), minutes=120)
    wide = MentorAssignmentFactory(venture=None, blkk=blkk_b, start_date=day(1, 1))
    MentoringSessionFactory(assignment=wide, held_on=day(4, 5), duration_minutes=50)
    VentureMetricFactory(
        venture=mentored, period=APRIL.first_day, revenue=1_250_000, workers=3
    )
    VentureMetricFactory(
        venture=graduated, period=APRIL.first_day, revenue=4_000_000, workers=5
    )
    VentureMetricFactory(
        venture=mentored, period=MARCH.first_day, revenue=900_000, workers=2
    )
    return {
        "a2": blkk_a2,
        "silent": silent,
        "old_friend": old_friend,
        "mentored": mentored,
    }


def stored(scope: str, code: str = "", month: Month = APRIL) -> ProgressReport:
    return ProgressReport.objects.get(
        scope=scope, scope_code=code, period=month.first_day
    )


def pages(blkk_a) -> dict[str, tuple[str, str, bool]]:
    """(scope, code, is a BLKK's page) of each page the agreement tests read."""
    return {
        reverse("dashboard"): ("national", "", False),
        reverse("dashboard-province", args=["32"]): ("province", "32", False),
        reverse("blkk-home", args=[blkk_a.code]): ("blkk", blkk_a.code, True),
    }


# --- agreement with the reports -------------------------------------------------------


@time_machine.travel(IN_MAY, tick=False)
def test_every_figure_shown_is_the_stored_reports(client, ministry_user, blkk_a, april):
    services.reports_generate_month(month=MARCH)
    services.reports_generate_month(month=APRIL)
    client.force_login(ministry_user)

    for url, (scope, code, blkk_page) in pages(blkk_a).items():
        response = client.get(url, {"month": "2026-04"})
        report = stored(scope, code)
        shown = page_figures(response)
        assert shown == report_figures(report.kpis, blkk_page=blkk_page), url
        # ...and each tile's change is from March's stored report.
        before = stored(scope, code, MARCH).kpis
        for tile in response.context["tiles"]:
            assert tile["previous"] == before[tile["key"]], (url, tile["key"])
            assert tile["change"] == pytest.approx(tile["value"] - tile["previous"])
        assert response.context["figures"].source == dashboards.Source.STORED
        # The ventures at risk listed are as many as the report counts.
        assert (
            response.context["board"].at_risk_count == report.kpis["ventures_at_risk"]
        )


@time_machine.travel(IN_MAY, tick=False)
def test_the_hand_built_month_is_what_the_kpis_say(
    client, ministry_user, blkk_a, april
):
    """The month's figures written out, so that the agreement above is about
    figures that are not all zero."""
    services.reports_generate_month(month=APRIL)
    client.force_login(ministry_user)

    shown = page_figures(client.get(reverse("dashboard"), {"month": "2026-04"}))

    assert {key: shown[key] for key in shown if not key.startswith("outcome")} == {
        "blkk_count": 3,
        "trainees_registered": 4,
        "graduates": 3,
        "certified_competent": 2,
        "ventures_active": 4,
        "ventures_graduated": 1,
        "jobs_created": 8,
        "revenue_total": 5_250_000,
        "mentoring_sessions": 2,
        "mentoring_hours": 2.33,
        "ventures_mentored": 1,
        "ventures_at_risk": 2,
        "metrics_expected": 4,
        "metrics_reported": 1,
        # The programme records of the month: tests/reports/test_programme_kpis.py.
        "instructors_active": 0,
        "instructors_certified": 0,
        "partnerships_active": 0,
        "placements_started.apprenticeship": 0,
        "placements_started.employment": 0,
        "placements_started.migrant_work": 0,
        "applications_received": 0,
        "applications_accepted": 0,
        "assistance_delivered_value": 0,
        "blkk_by_grade.tumbuh": 3,
        "blkk_by_grade.berkembang": 0,
        "blkk_by_grade.mandiri": 0,
    }
    assert shown["outcome_counts.employed"] == 1
    assert shown["outcome_counts.studying"] == 1
    assert shown["outcome_counts.apprenticeship"] == 1
    assert shown["outcome_counts.unemployed"] == 1
    assert shown["outcome_counts.self_employed"] == 1


@time_machine.travel(LATE_APRIL, tick=False)
def test_the_month_so_far_is_what_the_report_will_store(
    client, ministry_user, blkk_a, april
):
    client.force_login(ministry_user)
    so_far = {}
    for url in pages(blkk_a):
        response = client.get(url)
        assert response.context["figures"].source == dashboards.Source.SO_FAR
        assert response.context["month"] == APRIL
        so_far[url] = page_figures(response)

    # The month's report is generated once it has ended, with no record changed since.
    with time_machine.travel(IN_MAY, tick=False):
        services.reports_generate_month(month=APRIL)

    for url, (scope, code, blkk_page) in pages(blkk_a).items():
        assert so_far[url] == report_figures(
            stored(scope, code).kpis, blkk_page=blkk_page
        ), url


@time_machine.travel(IN_MAY, tick=False)
def test_the_breakdown_is_the_reports_own_rows(client, ministry_user, blkk_a, april):
    services.reports_generate_month(month=APRIL)
    client.force_login(ministry_user)

    country = client.get(reverse("dashboard"), {"month": "2026-04", "kpi": "graduates"})
    province = client.get(
        reverse("dashboard-province", args=["32"]),
        {"month": "2026-04", "kpi": "ventures_at_risk"},
    )

    rows = [
        (row["code"], row["value"]) for row in country.context["rows_page"].object_list
    ]
    assert rows == [("32", 2), ("35", 1)]
    # Each row links down, keeping the month.
    html = country.content.decode()
    assert f'href="{reverse("dashboard-province", args=["32"])}?month=2026-04"' in html
    breakdown = {
        row["code"]: row["kpis"]["ventures_at_risk"]
        for row in stored("province", "32").breakdown
    }
    assert {
        row["code"]: row["value"] for row in province.context["rows_page"].object_list
    } == breakdown
    assert breakdown == {blkk_a.code: 1, april["a2"].code: 1}
    assert f'href="{reverse("blkk-home", args=[blkk_a.code])}?month=2026-04"' in (
        province.content.decode()
    )


# --- the lists ------------------------------------------------------------------------


@time_machine.travel(IN_MAY, tick=False)
def test_ventures_at_risk_are_listed_with_their_last_session(
    client, province_user, blkk_a, april
):
    # Two assignments, each with a session before the 60 days: the later counts.
    twice = venture_in(april["a2"], name="Tenun Dua")
    session(twice, day(2, 1))
    session(twice, day(1, 20))
    services.reports_generate_month(month=APRIL)
    client.force_login(province_user)

    response = client.get(
        reverse("dashboard-province", args=["32"]), {"month": "2026-04"}
    )

    board = response.context["board"]
    assert [(row["name"], row["last_session"]) for row in board.at_risk] == [
        ("Kopi Senja", None),
        ("Sablon Bogor", day(1, 15)),
        ("Tenun Dua", day(2, 1)),
    ]
    assert board.at_risk_count == stored("province", "32").kpis["ventures_at_risk"]
    assert board.at_risk_count == 3
    html = response.content.decode()
    silent = april["silent"]
    assert reverse("venture-detail", args=[blkk_a.code, silent.pk]) in html
    # Jawa Timur's venture is not at risk (mentored in March) nor listed here.
    assert "Rias Surabaya" not in html


@time_machine.travel(IN_MAY, tick=False)
@pytest.mark.parametrize("month", ["2026-04", ""], ids=["stored", "so far"])
def test_the_reporting_rate_names_the_blkks_that_have_not_reported(
    client, ministry_user, blkk_a, blkk_b, april, month
):
    services.reports_generate_month(month=APRIL)
    for venture in (april["silent"], april["old_friend"]):
        # May so far: A has reported everything, A2 has not, nor has B.
        VentureMetricFactory(venture=venture, period=MAY.first_day)
    VentureMetricFactory(venture=april["mentored"], period=MAY.first_day)
    client.force_login(ministry_user)
    a2 = april["a2"]
    expected = {
        # Every one missing one venture: by name (Al-Hikmah, Al-Ikhlas, Darussalam).
        "2026-04": (25.0, [(a2.code, 1), (blkk_a.code, 1), (blkk_b.code, 1)]),
        "": (75.0, [(blkk_b.code, 1)]),
    }[month]

    country = client.get(reverse("dashboard"), {"month": month})
    province = client.get(reverse("dashboard-province", args=["32"]), {"month": month})

    rate, missing = expected
    assert country.context["reporting_rate"] == rate
    figures = country.context["figures"]
    assert [(row.code, row.missing) for row in figures.unreported] == missing
    assert figures.unreported_count == len(missing)
    in_jabar = [row for row in missing if row[0] != blkk_b.code]
    figures = province.context["figures"]
    assert [(row.code, row.missing) for row in figures.unreported] == in_jabar
    if month:
        assert province.context["reporting_rate"] == 33.3  # 1 of 3
        metrics_url = reverse("metrics-month", args=[blkk_a.code])
        assert f'href="{metrics_url}?period=2026-04"' in province.content.decode()
    else:
        assert province.context["reporting_rate"] == 100.0
        # This month's figures come after it ends: April's rate is beside it.
        assert country.context["previous_reporting_rate"] == 25.0
        assert "April 2026, 25%." in country.content.decode()


@time_machine.travel(IN_MAY, tick=False)
def test_a_province_with_many_blkks_pages_its_table_and_charts_the_first(
    client, ministry_user
):
    for number in range(30):
        blkk = BlkkFactory(regency=regency("32.04"))
        for _ in range(number % 4):
            TraineeFactory(blkk=blkk, registered_on=day(5, 2), regency=regency("32.04"))
    client.force_login(ministry_user)
    url = reverse("dashboard-province", args=["32"])

    first = client.get(url, {"kpi": "trainees_registered"})
    second = client.get(url, {"kpi": "trainees_registered", "page": "2"})

    chart = first.context["breakdown_chart"]
    assert len(chart["labels"]) == 15
    assert chart["series"][0]["values"] == sorted(chart["series"][0]["values"])[::-1]
    assert first.context["rows_page"].paginator.count == 30
    assert len(first.context["rows_page"].object_list) == 25
    assert len(second.context["rows_page"].object_list) == 5
    assert 'rel="next"' in first.content.decode()


# --- the month rule -------------------------------------------------------------------


@time_machine.travel(IN_MAY, tick=False)
def test_a_past_month_without_a_stored_report_is_computed_and_says_so(
    client, ministry_user, blkk_a, april, english
):
    client.force_login(ministry_user)

    response = client.get(reverse("dashboard"), {"month": "2026-04"})

    assert response.context["figures"].source == dashboards.Source.NOT_STORED
    assert "No report of April 2026 has been stored yet" in response.content.decode()
    shown = page_figures(response)
    services.reports_generate_month(month=APRIL)
    assert shown == report_figures(stored("national").kpis)


@time_machine.travel(IN_MAY, tick=False)
def test_a_stored_month_links_to_its_report_files(client, ministry_user, blkk_a, april):
    report = services.report_generate(scope="national", scope_code="", period=APRIL)
    client.force_login(ministry_user)

    html = client.get(reverse("dashboard"), {"month": "2026-04"}).content.decode()

    assert f'href="{reverse("report-detail", args=[report.pk])}"' in html
    for kind in ("xlsx", "csv"):
        url = reverse("report-file", args=[report.pk, kind])
        assert f'href="{url}"' in html
        assert client.get(url).status_code == 200


@time_machine.travel(IN_MAY, tick=False)
@pytest.mark.parametrize("month", ["2026-06", "2027-01", "2026-13", "April", "1899-12"])
def test_a_month_not_begun_or_not_a_month_is_404(client, ministry_user, blkk_a, month):
    client.force_login(ministry_user)
    for url in (
        reverse("dashboard"),
        reverse("dashboard-province", args=["32"]),
        reverse("blkk-home", args=[blkk_a.code]),
    ):
        assert client.get(url, {"month": month}).status_code == 404, url


def test_no_venture_expected_to_report_is_a_dash_not_a_rate(client, ministry_user):
    client.force_login(ministry_user)
    response = client.get(reverse("dashboard"))
    assert response.context["reporting_rate"] is None
    assert 'data-reporting-rate="">\u2013</p>' in response.content.decode()


@time_machine.travel(IN_MAY, tick=False)
def test_the_current_month_is_so_far_and_its_trend_the_months_before(
    client, ministry_user, blkk_a, april, english
):
    services.reports_generate_month(month=MARCH)
    services.reports_generate_month(month=APRIL)
    client.force_login(ministry_user)

    response = client.get(reverse("dashboard"))

    assert response.context["month"] == MAY
    assert response.context["figures"].source == dashboards.Source.SO_FAR
    assert "May 2026 so far" in response.content.decode()
    board = response.context["board"]
    assert board.trend_months[-1] == APRIL
    assert len(board.trend_months) == 12
    assert [row["period"] for row in board.trend] == [
        MARCH.first_day,
        APRIL.first_day,
    ]
    values = response.context["trend_chart"]["series"][0]["values"]
    assert values == [None] * 10 + [1, 3]  # graduates: March 1, April 3
    # May's change is from April's stored report.
    tiles = {tile["key"]: tile for tile in response.context["tiles"]}
    assert tiles["graduates"]["previous"] == 3
    assert tiles["graduates"]["change"] == -3


@time_machine.travel(datetime.datetime(1900, 1, 20, 9, 0, tzinfo=JAKARTA), tick=False)
def test_the_first_month_there_is_has_no_month_before(client, ministry_user):
    client.force_login(ministry_user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert response.context["board"].previous_kpis is None
    assert all(tile["change"] is None for tile in response.context["tiles"])


@time_machine.travel(IN_MAY, tick=False)
def test_an_unknown_figure_for_the_charts_shows_the_default(client, ministry_user):
    client.force_login(ministry_user)
    response = client.get(reverse("dashboard"), {"kpi": "<script>"})
    assert response.status_code == 200
    assert response.context["chart_key"] == "graduates"


# --- who opens what -------------------------------------------------------------------


def test_ministry_and_province_staff_land_on_their_dashboard(
    client, ministry_user, province_user
):
    client.force_login(ministry_user)
    assert client.get(reverse("home"))["Location"] == reverse("dashboard")
    client.force_login(province_user)
    home = reverse("dashboard-province", args=["32"])
    assert client.get(reverse("home"))["Location"] == home
    response = client.get(
        reverse("dashboard"), {"month": "2026-01", "kpi": "graduates"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{home}?month=2026-01&kpi=graduates"


@pytest.mark.parametrize(
    ("persona", "country", "jabar", "jatim"),
    [
        ("ministry_user", 200, 200, 200),
        ("province_user", 302, 200, 404),
        ("manager_a", 403, 403, 403),
        ("mentor_a", 403, 403, 403),
    ],
)
def test_who_opens_which_dashboard(client, request, persona, country, jabar, jatim):
    client.force_login(request.getfixturevalue(persona))
    for url, expected in (
        (reverse("dashboard"), country),
        (reverse("dashboard-province", args=["32"]), jabar),
        (reverse("dashboard-province", args=["35"]), jatim),
    ):
        assert client.get(url).status_code == expected, (persona, url)


def test_another_province_or_a_province_that_is_none_is_404(
    client, ministry_user, province_user
):
    client.force_login(province_user)
    assert client.get(reverse("dashboard-province", args=["35"])).status_code == 404
    assert client.get(reverse("dashboard-province", args=["99"])).status_code == 404
    client.force_login(ministry_user)
    assert client.get(reverse("dashboard-province", args=["99"])).status_code == 404
    assert client.get(reverse("dashboard-province", args=["3"])).status_code == 404


def test_signing_in_is_required(client, db):
    for url in (reverse("dashboard"), reverse("dashboard-province", args=["32"])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_a_wrong_role_gets_the_portals_403_page(client, manager_a):
    client.force_login(manager_a)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 403
    assert 'class="error-page"' in response.content.decode()


def test_a_province_user_reaches_their_blkks_from_their_dashboard(
    client, province_user, blkk_a, blkk_b
):
    client.force_login(province_user)
    html = client.get(reverse("dashboard-province", args=["32"])).content.decode()
    assert f'href="{reverse("blkk-home", args=[blkk_a.code])}"' in html
    assert blkk_b.code not in html


# --- the page itself ------------------------------------------------------------------


def test_dashboards_keep_the_strict_policy_and_draw_from_data_blocks(
    client, ministry_user, blkk_a
):
    client.force_login(ministry_user)
    for url in (
        reverse("dashboard"),
        reverse("dashboard-province", args=["32"]),
        reverse("blkk-home", args=[blkk_a.code]),
    ):
        response = client.get(url)
        assert_strict_policy(response)
        assert inline_scripts(response) == []
        html = response.content.decode()
        assert 'src="/static/vendor/chartjs/chart.umd.min.js"' in html
        assert 'src="/static/js/dashboard.js"' in html
        for chart in ("breakdown-chart", "outcome-chart"):
            if "blkk" in url and chart == "breakdown-chart":
                continue
            assert f'<script id="{chart}" type="application/json">' in html
            assert f'data-chart="{chart}"' in html


def test_names_in_chart_data_cannot_end_the_data_block(client, ministry_user):
    BlkkFactory(regency=regency("32.04"), name="</script><script>alert(1)</script>")
    client.force_login(ministry_user)
    html = client.get(reverse("dashboard-province", args=["32"])).content.decode()
    assert "<script>alert(1)" not in html
    assert "\\u003C/script\\u003E" in html


@time_machine.travel(LATE_APRIL, tick=False)
def test_live_figures_of_a_scope_are_kept_for_a_few_minutes(
    client, ministry_user, blkk_a, settings, django_assert_max_num_queries
):
    settings.DASHBOARD_LIVE_SECONDS = 300
    client.force_login(ministry_user)
    url = reverse("dashboard")
    TraineeFactory(blkk=blkk_a, registered_on=day(4, 2))
    first = page_figures(client.get(url))
    TraineeFactory(blkk=blkk_a, registered_on=day(4, 3))

    with django_assert_max_num_queries(12):
        kept = page_figures(client.get(url))
    settings.DASHBOARD_LIVE_SECONDS = 0
    fresh = page_figures(client.get(url))

    assert first["trainees_registered"] == kept["trainees_registered"] == 1
    assert fresh["trainees_registered"] == 2
    # A BLKK's page is computed on every view: its managers see what they entered.
    settings.DASHBOARD_LIVE_SECONDS = 300
    blkk_url = reverse("blkk-home", args=[blkk_a.code])
    assert page_figures(client.get(blkk_url))["trainees_registered"] == 2
    TraineeFactory(blkk=blkk_a, registered_on=day(4, 4))
    assert page_figures(client.get(blkk_url))["trainees_registered"] == 3


@time_machine.travel(LATE_APRIL, tick=False)
def test_the_warm_pass_keeps_the_country_and_every_province_from_one_pass(
    client, ministry_user, blkk_a, april, settings, django_assert_max_num_queries
):
    settings.DASHBOARD_LIVE_SECONDS = 600
    services.reports_generate_month(month=MARCH)
    # One pass (13) and the country's national partnerships, the ventures at risk
    # and the provinces with BLKKs, and whether March is stored.
    with django_assert_max_num_queries(17):
        kept = tasks.dashboards_warm()
    assert kept == 3  # the country, Jawa Barat, Jawa Timur
    client.force_login(ministry_user)
    urls = [
        reverse("dashboard"),
        reverse("dashboard-province", args=["32"]),
        reverse("dashboard-province", args=["35"]),
    ]
    warm = {}
    for url in urls:
        # No pass, no list of the month: the session, the user, the province's
        # name, the stored trend (and the request's savepoint); and today's lists,
        # the BLKKs that moved up, the agreements ending soon, the assistance
        # delivered this year and the assistance due for a check.
        with django_assert_max_num_queries(10):
            response = client.get(url)
        board = response.context["board"]
        warm[url] = (page_figures(response), board.at_risk, board.at_risk_count)

    settings.DASHBOARD_LIVE_SECONDS = 0
    for url in urls:
        response = client.get(url)
        board = response.context["board"]
        fresh = (page_figures(response), board.at_risk, board.at_risk_count)
        assert warm[url] == fresh, url
    assert warm[urls[1]][2] == 2  # Jawa Barat's: Kopi Senja, Sablon Bogor


@time_machine.travel(LATE_APRIL, tick=False)
def test_the_warm_pass_keeps_the_month_before_until_it_is_stored(
    client, ministry_user, blkk_a, april, settings, django_assert_max_num_queries
):
    settings.DASHBOARD_LIVE_SECONDS = 600
    assert dashboards.live_figures_warm() == 6  # April and March, 3 places each
    client.force_login(ministry_user)
    # Issue #13 added today's two assistance panels (7 before).
    with django_assert_max_num_queries(9):
        response = client.get(reverse("dashboard"))
    tiles = {tile["key"]: tile for tile in response.context["tiles"]}
    assert tiles["trainees_registered"]["previous"] == 1  # A's in March


def test_the_warm_pass_does_nothing_when_live_figures_are_not_kept(
    settings, blkk_a, django_assert_num_queries
):
    settings.DASHBOARD_LIVE_SECONDS = 0
    with django_assert_num_queries(0):
        assert dashboards.live_figures_warm() == 0


def test_a_cache_that_does_not_answer_leaves_the_figures_computed(
    client, ministry_user, blkk_a, settings
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    client.force_login(ministry_user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert page_figures(response)["blkk_count"] == 1


# --- query counts ---------------------------------------------------------------------


def busy_blkks(count: int, region: str) -> list:
    """`count` BLKKs with a trainee, a graduate, a venture at risk and one
    mentored with its metrics: every list and figure has rows."""
    blkks = []
    for _ in range(count):
        blkk = BlkkFactory(regency=regency(region))
        TraineeFactory(blkk=blkk, registered_on=day(5, 4), regency=regency(region))
        graduate_of(blkk, day(5, 2), region=region)
        venture_in(blkk)
        mentored = venture_in(blkk)
        session(mentored, day(5, 6))
        VentureMetricFactory(venture=mentored, period=MAY.first_day)
        VentureMetricFactory(venture=mentored, period=APRIL.first_day)
        blkks.append(blkk)
    return blkks


@time_machine.travel(IN_MAY, tick=False)
@pytest.mark.parametrize("month", ["", "2026-04"], ids=["so far", "stored"])
def test_query_counts_do_not_grow_with_the_number_of_blkks(
    client, ministry_user, settings, django_assert_max_num_queries, month
):
    settings.DASHBOARD_LIVE_SECONDS = 0
    client.force_login(ministry_user)
    first = busy_blkks(2, "32.73")
    services.reports_generate_month(month=MARCH)
    if month:
        services.reports_generate_month(month=APRIL)
    urls = [
        reverse("dashboard"),
        reverse("dashboard-province", args=["32"]),
        reverse("blkk-home", args=[first[0].code]),
    ]
    counts = {}
    for url in urls:
        # 40 before issue #13 (two more queries in the pass, two panels of today).
        with django_assert_max_num_queries(45) as few:
            assert client.get(url, {"month": month}).status_code == 200
        counts[url] = len(few)

    busy_blkks(18, "32.04")
    services.reports_generate_month(month=MARCH)
    if month:
        services.reports_generate_month(month=APRIL)
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert client.get(url, {"month": month}).status_code == 200


# --- formats --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind", "figure", "change"),
    [
        (1234, "count", "1.234", "+1.234"),
        (-3, "count", "-3", "\u22123"),
        (0, "count", "0", "0"),
        (1_250_000, "rupiah", "Rp\u00a01.250.000", "+Rp\u00a01.250.000"),
        (-1_250_000, "rupiah", "Rp\u00a0-1.250.000", "\u2212Rp\u00a01.250.000"),
        (12.75, "hours", "12,75", "+12,75"),
        (2.5, "hours", "2,50", "+2,50"),
        (85.25, "percent", "85,3%", "+85,3%"),
        (None, "count", "\u2013", "\u2013"),
    ],
)
def test_figures_and_changes_read_the_indonesian_way(value, kind, figure, change):
    from blkk_portal.templatetags.portal import jumlah, selisih

    assert jumlah(value, kind) == figure
    assert selisih(value, kind) == change


def test_a_persona_of_another_province_sees_only_theirs(client, db):
    """A province user of Jawa Timur (not a suite persona) is sent to 35."""
    user = make_persona("province_32")
    user.province_id = "35"
    user.save(update_fields=["province"])
    client.force_login(user)
    assert client.get(reverse("dashboard"))["Location"] == reverse(
        "dashboard-province", args=["35"]
    )
    assert client.get(reverse("dashboard-province", args=["32"])).status_code == 404
