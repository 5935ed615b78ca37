"""The programme records on the dashboards (`/dashboard/`, `/dashboard/province/CODE/`)
and a BLKK's page (`/blkk/CODE/`): the tiles and tables of the new KPIs, BLKKs by
grade per province, the BLKKs that moved up this year, the agreements ending within
60 days; a BLKK's grade assessments, the roadmap criteria it still misses and its
trades without a certified instructor. Who sees what, what a report stored before
these KPIs shows, and query counts that do not grow with the rows.

"Today" is 12 May 2026 (Asia/Jakarta): last year ended on 31 December 2025, and the
60 days run through 11 July 2026.
"""

from __future__ import annotations

import csv
import datetime
import io
import zoneinfo
from collections import Counter

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from blkk_portal.months import Month
from reports import services
from reports.kpis import kpis_from_counts
from reports.models import ProgressReport
from tests.accounts.factories import UserFactory
from tests.training.factories import (
    BlkkFactory,
    GradeAssessmentFactory,
    InstructorFactory,
    InstructorQualificationFactory,
    PartnerFactory,
    PartnershipFactory,
    PlacementFactory,
    TraineeFactory,
    regency,
    trade,
)
from training.models import Grade, Placement

from .factories import ProgressReportFactory
from .test_dashboards import page_figures, report_figures

pytestmark = pytest.mark.django_db

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
TODAY = datetime.datetime(2026, 5, 12, 10, 0, tzinfo=JAKARTA)
APRIL, MAY = Month(2026, 4), Month(2026, 5)
# A report's KPIs as stored before issue #12: none of the programme records' keys.
OLD_KEYS = (
    "instructors_active",
    "instructors_certified",
    "partnerships_active",
    "placements_started",
    "blkk_by_grade",
)


def day(month: int, day_of_month: int, year: int = 2026) -> datetime.date:
    return datetime.date(year, month, day_of_month)


def assessed(blkk, on, grade, **extra):
    return GradeAssessmentFactory(blkk=blkk, assessed_on=on, grade=grade, **extra)


def partnership(blkk, end_date, partner_name):
    return PartnershipFactory(
        blkk=blkk,
        start_date=day(1, 1, 2025),
        end_date=end_date,
        partner__name=partner_name,
    )


@pytest.fixture
def programme(blkk_a, blkk_b):
    """Grades and agreements in Jawa Barat (A and four more) and Jawa Timur (B)."""
    a2 = BlkkFactory(regency=regency("32.04"), name="BLKK Al-Hikmah Bogor")
    down = BlkkFactory(regency=regency("32.04"), name="BLKK Turun")
    same = BlkkFactory(
        regency=regency("32.04"), name="BLKK Tetap", registered_grade=Grade.BERKEMBANG
    )
    last_year = BlkkFactory(regency=regency("32.04"), name="BLKK Tahun Lalu")
    inactive = BlkkFactory(regency=regency("32.04"), name="BLKK Tutup", is_active=False)
    # Moved up: A (tumbuh -> berkembang), A2 (berkembang -> mandiri), B (tumbuh ->
    # mandiri, assessed today). Not: down, same grade, assessed only last year, and
    # an inactive BLKK.
    assessor = UserFactory(full_name="Rina Asesor")
    assessed(blkk_a, day(3, 1), Grade.BERKEMBANG, assessed_by=assessor)
    assessed(a2, day(6, 1, 2025), Grade.BERKEMBANG)
    assessed(a2, day(4, 1), Grade.MANDIRI)
    assessed(down, day(6, 1, 2025), Grade.MANDIRI)
    assessed(down, day(2, 1), Grade.BERKEMBANG)
    assessed(same, day(1, 10), Grade.BERKEMBANG)
    assessed(last_year, day(11, 1, 2025), Grade.MANDIRI)
    assessed(inactive, day(2, 2), Grade.MANDIRI)
    assessed(blkk_b, day(5, 12), Grade.MANDIRI)
    # Agreements: the 60 days run from today through 11 July, both included.
    partnership(blkk_a, day(5, 12), "PT Hari Ini")
    partnership(blkk_a, day(7, 11), "PT Enam Puluh Hari")
    partnership(blkk_a, day(7, 12), "PT Enam Puluh Satu Hari")
    partnership(blkk_a, day(5, 11), "PT Kemarin")
    partnership(blkk_a, None, "PT Tanpa Akhir")
    partnership(blkk_b, day(6, 1), "PT Surabaya")
    partnership(None, day(6, 15), "Universitas Nasional")
    return {"a2": a2, "inactive": inactive, "assessor": assessor}


def expiring_names(response) -> list[str]:
    return [p.partner.name for p in response.context["expiring"]]


def moved_up(response) -> list[tuple[str, str, str, datetime.date]]:
    return [
        (
            item["row"].code,
            item["row"].grade_before,
            item["row"].grade_now,
            item["row"].assessed_on,
        )
        for item in response.context["moved_up"]
    ]


# --- the dashboards -----------------------------------------------------------------


@time_machine.travel(TODAY, tick=False)
def test_the_country_lists_grades_per_province_moves_up_and_every_expiring_agreement(
    client, ministry_user, blkk_a, blkk_b, programme
):
    client.force_login(ministry_user)

    response = client.get(reverse("dashboard"))

    shown = page_figures(response)
    # May so far: the active BLKKs by their grade on 31 May (assessed by today).
    assert {key: shown[key] for key in shown if key.startswith("blkk_by_grade")} == {
        "blkk_by_grade.tumbuh": 0,
        "blkk_by_grade.berkembang": 3,
        "blkk_by_grade.mandiri": 3,
    }
    assert [(row["code"], row["counts"]) for row in response.context["grade_rows"]] == [
        ("32", [0, 3, 2]),
        ("35", [0, 0, 1]),
    ]
    chart = response.context["grade_chart"]
    assert chart["stacked"] is True
    assert [series["values"] for series in chart["series"]] == [[0, 0], [3, 0], [2, 1]]
    html = response.content.decode()
    assert 'data-chart="grade-chart"' in html
    assert moved_up(response) == [
        (blkk_b.code, "tumbuh", "mandiri", day(5, 12)),
        (programme["a2"].code, "berkembang", "mandiri", day(4, 1)),
        (blkk_a.code, "tumbuh", "berkembang", day(3, 1)),
    ]
    assert response.context["moved_up_count"] == 3
    assert f'href="{reverse("blkk-home", args=[blkk_b.code])}"' in html
    # The country's: every BLKK's and the ministry's national ones.
    assert expiring_names(response) == [
        "PT Hari Ini",
        "PT Surabaya",
        "Universitas Nasional",
        "PT Enam Puluh Hari",
    ]
    assert response.context["expiring_count"] == 4


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize("persona", ["ministry_user", "province_user"])
def test_a_province_shows_only_its_blkks_grades_moves_and_agreements(
    client, request, persona, blkk_a, blkk_b, programme
):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("dashboard-province", args=["32"]))

    shown = page_figures(response)
    assert [shown[f"blkk_by_grade.{grade}"] for grade in Grade.values] == [0, 3, 2]
    assert moved_up(response) == [
        (programme["a2"].code, "berkembang", "mandiri", day(4, 1)),
        (blkk_a.code, "tumbuh", "berkembang", day(3, 1)),
    ]
    # Its BLKKs' own agreements: no national one, nothing of Jawa Timur.
    assert expiring_names(response) == ["PT Hari Ini", "PT Enam Puluh Hari"]
    html = response.content.decode()
    assert "Universitas Nasional" not in html
    assert "PT Surabaya" not in html
    # Each BLKK's grade at month end is in the table by BLKK.
    grades = {row["code"]: row["grade"] for row in response.context["rows_page"]}
    assert grades[blkk_a.code] == "berkembang"
    assert grades[programme["a2"].code] == "mandiri"
    assert grades[programme["inactive"].code] is None


@time_machine.travel(TODAY, tick=False)
def test_province_staff_and_managers_reach_no_other_dashboard(
    client, province_user, manager_a, programme
):
    client.force_login(province_user)
    assert client.get(reverse("dashboard-province", args=["35"])).status_code == 404
    client.force_login(manager_a)
    assert client.get(reverse("dashboard")).status_code == 403
    assert client.get(reverse("dashboard-province", args=["32"])).status_code == 403


@time_machine.travel(TODAY, tick=False)
def test_the_dashboard_lists_say_so_when_nothing_moved_or_ends(
    client, ministry_user, blkk_a, english
):
    client.force_login(ministry_user)

    html = client.get(reverse("dashboard")).content.decode()

    assert "0 BLKKs moved up" in html
    assert "higher than on 31 December 2025" in html
    assert "0 agreements end within 60 days" in html


# --- a BLKK's page ------------------------------------------------------------------


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize("persona", ["manager_a", "ministry_user", "province_user"])
def test_a_blkks_page_shows_its_grades_roadmap_trades_and_own_agreements(
    client, request, persona, blkk_a, programme, english
):
    blkk_a.vocational_fields.set([trade("menjahit"), trade("tik"), trade("las")])
    # Menjahit: certified (no end). TIK: the certificate expired yesterday. Las: a
    # certified instructor, but inactive.
    InstructorQualificationFactory(
        instructor=InstructorFactory(
            blkk=blkk_a, vocational_fields=[trade("menjahit")]
        ),
        issued_on=day(1, 5),
        valid_until=None,
    )
    InstructorQualificationFactory(
        instructor=InstructorFactory(blkk=blkk_a, vocational_fields=[trade("tik")]),
        issued_on=day(5, 12, 2023),
        valid_until=day(5, 11),
    )
    InstructorQualificationFactory(
        instructor=InstructorFactory(
            blkk=blkk_a, vocational_fields=[trade("las")], is_active=False
        ),
        issued_on=day(1, 5),
        valid_until=None,
    )
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("blkk-home", args=[blkk_a.code]))

    assert response.status_code == 200
    context = response.context
    assert context["grade"] == "berkembang"
    [assessment] = context["assessments"]
    assert (assessment.assessed_on, assessment.grade) == (day(3, 1), "berkembang")
    html = response.content.decode()
    assert "Rina Asesor" in html
    # The factory's assessment meets four criteria and misses three.
    assert [c.name for c in context["missing_criteria"]] == [
        "is_licensed",
        "produces_goods_or_services",
        "is_self_funding",
    ]
    assert "Licensed (LSP)" in html
    assert [t.code for t in context["trades_uncertified"]] == ["las", "tik"]
    assert 'data-trade="menjahit"' not in html
    # Its own agreements only: no national one.
    assert expiring_names(response) == ["PT Hari Ini", "PT Enam Puluh Hari"]
    assert "Universitas Nasional" not in html
    assert "PT Enam Puluh Satu Hari" not in html


@time_machine.travel(TODAY, tick=False)
def test_a_blkk_never_assessed_says_so_and_shows_its_registered_grade(
    client, manager_a, blkk_a, english
):
    client.force_login(manager_a)

    response = client.get(reverse("blkk-home", args=[blkk_a.code]))

    assert response.context["grade"] == "tumbuh"
    assert response.context["assessments"] == []
    assert "Not assessed yet" in response.content.decode()


@time_machine.travel(TODAY, tick=False)
def test_another_blkks_page_is_404(client, manager_a, province_user, blkk_b, programme):
    client.force_login(manager_a)
    assert client.get(reverse("blkk-home", args=[blkk_b.code])).status_code == 404
    client.force_login(province_user)
    assert client.get(reverse("blkk-home", args=[blkk_b.code])).status_code == 404


# --- a report stored before these KPIs -----------------------------------------------


def old_kpis(**counts) -> dict:
    """A full KPI dict as stored before issue #12: without the new keys."""
    kpis = kpis_from_counts(Counter(counts))
    for key in OLD_KEYS:
        del kpis[key]
    return kpis


@time_machine.travel(TODAY, tick=False)
def test_a_report_stored_before_the_new_kpis_shows_dashes_not_zeros(
    client, ministry_user, blkk_a
):
    report = ProgressReportFactory(
        period=APRIL.first_day,
        kpis=old_kpis(graduates=2, blkk_count=1),
        breakdown=[{"code": "32", "name": "Jawa Barat", "kpis": old_kpis(graduates=2)}],
    )
    ProgressReportFactory(period=day(3, 1), kpis=old_kpis(graduates=1))
    client.force_login(ministry_user)

    for kpi in ("graduates", "instructors_active"):
        response = client.get(reverse("dashboard"), {"month": "2026-04", "kpi": kpi})
        assert response.status_code == 200
        shown = page_figures(response)
        assert shown["graduates"] == 2
        for key in ("instructors_active", "partnerships_active"):
            assert shown[key] is None
        assert shown["placements_started.employment"] is None
        assert shown["blkk_by_grade.mandiri"] is None
        tiles = {tile["key"]: tile for tile in response.context["tiles"]}
        assert tiles["instructors_active"]["change"] is None
    # Charted by a figure April's report lacks: a dash in the breakdown and trend.
    assert response.context["rows_page"].object_list[0]["value"] is None
    assert response.context["grade_rows"] == [
        {"code": "32", "name": "Jawa Barat", "counts": [None, None, None]}
    ]
    assert response.context["trend_chart"]["series"][0]["values"][-2:] == [None, None]
    # This month so far, against April's stored report: no change to show.
    tiles = {t["key"]: t for t in client.get(reverse("dashboard")).context["tiles"]}
    assert tiles["instructors_active"]["value"] == 0
    assert tiles["instructors_active"]["change"] is None

    detail = client.get(reverse("report-detail", args=[report.pk]))
    assert detail.status_code == 200
    html = detail.content.decode()
    assert 'data-key="instructors_active">\u2013<' in html
    assert 'data-key="placements_started_employment">\u2013<' in html
    assert 'data-key="graduates">2<' in html
    admin = client.get(reverse("admin:reports_progressreport_change", args=[report.pk]))
    assert admin.status_code == 200


@time_machine.travel(TODAY, tick=False)
def test_the_files_of_a_report_stored_before_the_new_kpis_leave_them_blank(blkk_a):
    stored = ProgressReportFactory(
        period=APRIL.first_day,
        kpis=old_kpis(graduates=2),
        breakdown=[{"code": "32", "name": "Jawa Barat", "kpis": old_kpis(graduates=2)}],
    )

    with translation.override("en"):
        report = services.report_files_render(report_id=stored.pk)

    with report.xlsx_file.open("rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()))
    kpi_sheet, breakdown, _trend = workbook.worksheets
    values = {row[0].value: row[1].value for row in kpi_sheet.iter_rows()}
    assert values["Active instructors"] == "\u2013"
    assert values["Graduates (enrollments completed)"] == 2
    header = [cell.value for cell in breakdown[1]]
    place = dict(zip(header, [cell.value for cell in breakdown[2]], strict=True))
    assert place["Partnerships in force at month end"] == "\u2013"
    assert place["Graduates (enrollments completed)"] == 2
    with report.csv_file.open("rb") as handle:
        keys, _labels, national, province = csv.reader(
            io.StringIO(handle.read().decode("utf-8-sig"))
        )
    row = dict(zip(keys, national, strict=True))
    assert row["graduates"] == "2"
    assert row["instructors_active"] == ""
    assert row["placements_started_employment"] == ""
    assert row["blkk_by_grade_mandiri"] == ""
    assert dict(zip(keys, province, strict=True))["blkk_by_grade_tumbuh"] == ""


# --- the report pages and files carry the new KPIs ----------------------------------


@time_machine.travel(TODAY, tick=False)
def test_a_generated_report_lays_out_the_new_kpis_in_its_files_and_api(
    client, ministry_user, blkk_a, programme
):
    InstructorQualificationFactory(instructor__blkk=blkk_a, issued_on=day(1, 5))
    report = services.report_generate(scope="national", scope_code="", period=APRIL)

    with report.csv_file.open("rb") as handle:
        keys, labels, national, *_ = csv.reader(
            io.StringIO(handle.read().decode("utf-8-sig"))
        )
    row = dict(zip(keys, national, strict=True))
    assert row["instructors_active"] == row["instructors_certified"] == "1"
    # On 30 April: A berkembang, A2 mandiri (1 April), "down" berkembang, "same"
    # berkembang, "last year" mandiri, B tumbuh (assessed in May).
    assert [row[f"blkk_by_grade_{g}"] for g in Grade.values] == ["1", "3", "2"]
    placements = [f"placements_started_{kind}" for kind in Placement.Kind.values]
    assert [row[key] for key in placements] == ["0", "0", "0"]
    # In force on 30 April: A's five (none had ended), B's and the national one.
    assert row["partnerships_active"] == "7"
    # Laid out like the outcomes: one column per choice, "KPI: choice".
    with translation.override("en"):
        report = services.report_files_render(report_id=report.pk)
    with report.csv_file.open("rb") as handle:
        keys, labels, *_ = csv.reader(io.StringIO(handle.read().decode("utf-8-sig")))
    by_key = dict(zip(keys, labels, strict=True))
    assert by_key["placements_started_employment"] == "Placements started: Employment"
    assert keys.index("metrics_reported") < keys.index("instructors_active")
    assert keys[-3:] == [f"blkk_by_grade_{grade}" for grade in Grade.values]
    client.force_login(ministry_user)
    api = client.get(f"/api/v1/reports/{report.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert api.json()["kpis"]["blkk_by_grade"] == {
        "tumbuh": 1,
        "berkembang": 3,
        "mandiri": 2,
    }
    assert page_figures(client.get(reverse("dashboard"), {"month": "2026-04"})) == (
        report_figures(report.kpis)
    )
    # The portal's report page and the admin's label them, parts under headings.
    with translation.override("en"):
        for url in (
            reverse("report-detail", args=[report.pk]),
            reverse("admin:reports_progressreport_change", args=[report.pk]),
        ):
            html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
            assert 'data-key="blkk_by_grade_berkembang">3<' in html, url
            assert 'data-key="partnerships_active">7<' in html, url


# --- the month so far is what the report will store ---------------------------------


@time_machine.travel(datetime.datetime(2026, 4, 30, 15, 0, tzinfo=JAKARTA), tick=False)
def test_the_month_so_far_shows_the_new_kpis_the_report_will_store(
    client, ministry_user, blkk_b, settings
):
    settings.DASHBOARD_LIVE_SECONDS = 0
    blkks = busy_programme(2, "32.73")
    busy_programme(1, "35.78")
    for blkk in (*blkks, blkk_b):
        person = TraineeFactory(blkk=blkk, graduate=True, regency=blkk.regency)
        PlacementFactory(
            trainee=person,
            start_date=day(4, 10),
            partnership=None,
            partner=PartnerFactory(),
        )
    assessed(blkks[0], day(4, 30), Grade.MANDIRI)
    client.force_login(ministry_user)
    urls = {
        reverse("dashboard"): ("national", "", False),
        reverse("dashboard-province", args=["32"]): ("province", "32", False),
        reverse("blkk-home", args=[blkks[0].code]): ("blkk", blkks[0].code, True),
    }
    so_far = {url: page_figures(client.get(url)) for url in urls}

    with time_machine.travel(TODAY, tick=False):
        services.reports_generate_month(month=APRIL)

    for url, (scope, code, blkk_page) in urls.items():
        report = ProgressReport.objects.get(
            scope=scope, scope_code=code, period=APRIL.first_day
        )
        assert so_far[url] == report_figures(report.kpis, blkk_page=blkk_page), url
    national = so_far[reverse("dashboard")]
    assert national["placements_started.employment"] == 3
    assert national["blkk_by_grade.mandiri"] == 1
    # Each BLKK's two agreements in force, and three national ones.
    assert national["partnerships_active"] == 3 * 2 + 3


# --- query counts -------------------------------------------------------------------


def busy_programme(count: int, region: str) -> list:
    """`count` BLKKs, each with two assessments (moved up this year), a certified
    and an uncertified instructor, an agreement ending soon and one in force, and a
    national agreement ending soon: every new list and figure has rows."""
    blkks = []
    for _ in range(count):
        blkk = BlkkFactory(regency=regency(region))
        blkk.vocational_fields.set([trade("menjahit"), trade("tik")])
        assessed(blkk, day(6, 1, 2025), Grade.TUMBUH)
        assessed(blkk, day(4, 1), Grade.BERKEMBANG)
        InstructorQualificationFactory(instructor__blkk=blkk, issued_on=day(1, 5))
        InstructorFactory(blkk=blkk, vocational_fields=[trade("tik")])
        partnership(blkk, day(6, 1), "PT Segera")
        partnership(blkk, None, "PT Lama")
        partnership(None, day(6, 2), "Universitas")
        TraineeFactory(blkk=blkk, registered_on=day(5, 2), regency=regency(region))
        blkks.append(blkk)
    return blkks


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize("month", ["", "2026-04"], ids=["so far", "stored"])
def test_page_query_counts_do_not_grow_with_the_programme_records(
    client, ministry_user, settings, django_assert_max_num_queries, month
):
    settings.DASHBOARD_LIVE_SECONDS = 0
    client.force_login(ministry_user)
    first = busy_programme(2, "32.73")
    if month:
        services.reports_generate_month(month=APRIL)
    urls = [
        reverse("dashboard"),
        reverse("dashboard-province", args=["32"]),
        reverse("blkk-home", args=[first[0].code]),
    ]
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(45) as few:
            response = client.get(url, {"month": month})
            assert response.status_code == 200
        counts[url] = len(few)
    assert len(response.context["expiring"]) == 1
    assert len(response.context["assessments"]) == 2

    more = busy_programme(18, "32.04")
    if month:
        services.reports_generate_month(month=APRIL)
    for blkk in (first[0], *more[:3]):
        for _ in range(3):
            assessed(blkk, day(4, 2), Grade.MANDIRI)
            partnership(blkk, day(6, 3), "PT Lain")
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            response = client.get(url, {"month": month})
            assert response.status_code == 200
    assert response.context["expiring_count"] == 4
    assert len(response.context["assessments"]) == 5
