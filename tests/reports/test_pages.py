"""The portal's report pages: the list, a report, its files, generating one and
following its progress (reports/views/pages.py)."""

from __future__ import annotations

import datetime
import json
import re
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from reports import services
from reports.kpis import kpis_from_counts
from reports.models import ProgressReport, ReportRun
from tests.accounts.factories import UserFactory
from tests.test_content_policy import inline_scripts
from tests.training.factories import BlkkFactory, TraineeFactory, regency

from .factories import ProgressReportFactory

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")
APRIL = datetime.date(2026, 4, 1)
NBSP = "\u00a0"


def kpis(**counts) -> dict:
    """A full KPI dict (every key, zeros included) with the given counts."""
    return kpis_from_counts(Counter(counts))


@pytest.fixture
def stored(blkk_a, blkk_b):
    """April's reports: the country, both provinces, both BLKKs."""
    return {
        "national": ProgressReportFactory(period=APRIL, kpis=kpis(graduates=3)),
        "jabar": ProgressReportFactory(period=APRIL, province=True, kpis=kpis()),
        "jatim": ProgressReportFactory(
            period=APRIL, scope="province", scope_code="35", kpis=kpis()
        ),
        "a": ProgressReportFactory(
            period=APRIL, scope="blkk", scope_code=blkk_a.code, kpis=kpis()
        ),
        "b": ProgressReportFactory(
            period=APRIL, scope="blkk", scope_code=blkk_b.code, kpis=kpis()
        ),
    }


def listed(response) -> list[ProgressReport]:
    return list(response.context["page"].object_list)


# --- the list ---------------------------------------------------------------------


def test_the_list_names_each_scope_and_month(client, ministry_user, stored, blkk_a):
    client.force_login(ministry_user)

    response = client.get(reverse("report-list"))

    html = response.content.decode()
    assert listed(response) == [
        stored["national"],
        stored["jabar"],
        stored["jatim"],
        *sorted([stored["a"], stored["b"]], key=lambda r: r.scope_code),
    ]
    assert "Indonesia" in html
    assert "Jawa Barat" in html
    assert f"BLKK Al-Ikhlas Bandung ({blkk_a.code})" in html
    assert "April 2026" in html
    assert reverse("report-detail", args=[stored["a"].pk]) in html
    assert inline_scripts(response) == []


def test_the_list_filters_by_name_scope_and_month(client, ministry_user, stored):
    ProgressReportFactory(period=datetime.date(2026, 3, 1), kpis=kpis())
    client.force_login(ministry_user)

    def found(**query) -> set[ProgressReport]:
        return set(listed(client.get(reverse("report-list"), query)))

    assert found(q="surabaya") == {stored["b"]}
    assert found(q="jawa timur") == {stored["jatim"]}
    assert found(scope="province") == {stored["jabar"], stored["jatim"]}
    assert found(scope="national", period="2026-04") == {stored["national"]}
    assert len(found(period="2026-03")) == 1


@pytest.mark.parametrize(
    "query", [{"period": "2026-13"}, {"period": "April"}, {"scope": "planet"}]
)
def test_a_bad_filter_is_a_message_not_an_error(client, ministry_user, stored, query):
    client.force_login(ministry_user)

    response = client.get(reverse("report-list"), query)

    assert response.status_code == 200
    assert set(response.context["form"].errors) == set(query)
    assert len(listed(response)) == len(stored)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("manager_a", {"national", "a"}),
        ("province_user", {"national", "jabar", "a"}),
        ("mentor_a", {"national"}),
    ],
)
def test_the_list_shows_only_the_reports_the_user_reads(
    client, request, stored, persona, expected
):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("report-list"))

    assert set(listed(response)) == {stored[name] for name in expected}


def test_the_list_costs_the_same_for_many_reports(
    client, ministry_user, django_assert_max_num_queries
):
    client.force_login(ministry_user)
    blkks = BlkkFactory.create_batch(3, regency=regency("32.73"))
    for blkk in blkks:
        ProgressReportFactory(period=APRIL, scope="blkk", scope_code=blkk.code)
    ProgressReportFactory(period=APRIL, province=True)
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("report-list"))
    for blkk in BlkkFactory.create_batch(20, regency=regency("35.78")):
        ProgressReportFactory(period=APRIL, scope="blkk", scope_code=blkk.code)
    ProgressReportFactory(period=APRIL, scope="province", scope_code="35")
    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse("report-list"))
    assert len(listed(response)) == 25  # a full page: its names without a query each


def test_the_list_offers_generating_to_staff_only(client, ministry_user, mentor_a):
    client.force_login(ministry_user)
    assert client.get(reverse("report-list")).context["generate_form"] is not None
    client.force_login(mentor_a)
    response = client.get(reverse("report-list"))
    assert response.context["generate_form"] is None
    assert reverse("report-generate") not in response.content.decode()


def test_a_manager_is_offered_their_own_blkk_and_the_last_month(
    client, manager_a, blkk_a
):
    client.force_login(manager_a)
    with time_machine.travel(
        datetime.datetime(2026, 12, 7, 9, 0, tzinfo=JAKARTA), tick=False
    ):
        form = client.get(reverse("report-list")).context["generate_form"]

    assert [value for value, _label in form.fields["scope"].choices] == ["blkk"]
    assert form["scope_code"].value() == blkk_a.code
    assert str(form["period"].value()) == "2026-11"
    assert form.fields["period"].widget.attrs["max"] == "2026-11"


@pytest.mark.parametrize("persona", ["mentor_a", "manager_a", "ministry_user"])
def test_every_signed_in_user_finds_reports_in_the_menu(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    page = client.get(reverse("report-list")).content.decode()
    menu = page.split('class="menu"', 1)[1].split("</nav>", 1)[0]
    assert f'href="{reverse("report-list")}"' in menu


def test_no_menu_for_a_visitor(client, db):
    page = client.get(reverse("login")).content.decode()
    assert reverse("report-list") not in page


def test_signing_in_is_required(client, stored):
    for url in (
        reverse("report-list"),
        reverse("report-detail", args=[stored["national"].pk]),
        reverse("report-file", args=[stored["national"].pk, "xlsx"]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("login") in response.url


# --- a report ---------------------------------------------------------------------


def test_a_report_reads_in_indonesian_with_formatted_figures(client, ministry_user):
    counts = Counter(
        trainees_registered=1234,
        revenue_total=1_250_000,
        mentoring_minutes=750,
        blkk_count=2,
        **{"outcome:employed": 5, "outcome:unemployed": 1},
    )
    report = ProgressReportFactory(period=APRIL, kpis=kpis_from_counts(counts))
    client.force_login(ministry_user)

    response = client.get(reverse("report-detail", args=[report.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Indonesia</h1>" in html
    assert "April 2026" in html
    figures = {row.key: row for row in response.context["rows"]}
    assert (
        figures["trainees_registered"].label,
        figures["trainees_registered"].display,
    ) == (
        "Peserta terdaftar",
        "1.234",
    )
    assert figures["revenue_total"].display == f"Rp{NBSP}1.250.000"
    assert figures["mentoring_hours"].display == "12,50"
    assert figures["outcome_counts"].heading
    assert figures["outcome_employed"].label == "Bekerja (penerima upah)"
    assert figures["outcome_employed"].part
    for text in (
        "Peserta terdaftar",
        "1.234",
        f"Rp{NBSP}1.250.000",
        "12,50",
        "Lulusan menurut keterserapan terakhir",
        "Bekerja (penerima upah)",
    ):
        assert text in html, text
    assert '{"blkk_count"' not in html  # no JSON
    assert "{&quot;blkk_count" not in html
    assert inline_scripts(response) == []


def test_a_report_links_its_places_and_months_the_user_reads(
    client, province_user, blkk_a, blkk_b
):
    second = BlkkFactory(regency=regency("32.04"), name="BLKK Nurul Huda Bogor")
    province = ProgressReportFactory(
        period=APRIL,
        province=True,
        kpis=kpis(graduates=3),
        breakdown=[
            {"code": blkk_a.code, "name": blkk_a.name, "kpis": kpis(graduates=2)},
            {"code": second.code, "name": second.name, "kpis": kpis(graduates=1)},
        ],
    )
    own = ProgressReportFactory(period=APRIL, scope="blkk", scope_code=blkk_a.code)
    march = ProgressReportFactory(
        period=datetime.date(2026, 3, 1), province=True, kpis=kpis(graduates=9)
    )
    client.force_login(province_user)

    response = client.get(reverse("report-detail", args=[province.pk]))

    html = response.content.decode()
    rows = response.context["breakdown"]
    assert [(row.name, row.report_id) for row in rows] == [
        (f"{blkk_a.name} ({blkk_a.code})", own.pk),
        (f"BLKK Nurul Huda Bogor ({second.code})", None),  # none stored
    ]
    assert reverse("report-detail", args=[own.pk]) in html
    assert [month["period"] for month in response.context["trend"]] == [
        march.period,
        APRIL,
    ]
    assert reverse("report-detail", args=[march.pk]) in html
    # The chart's data block, drawn by Chart.js in the browser (static/js/dashboard.js).
    chart_data = r'<script id="graduates-chart" type="application/json">(.*?)<'
    block = re.search(chart_data, html)
    assert json.loads(block.group(1))["series"][0]["values"] == [9, 3]


def test_a_report_of_another_province_or_blkk_is_not_found(
    client, province_user, manager_a, stored
):
    client.force_login(province_user)
    for name in ("jatim", "b"):
        url = reverse("report-detail", args=[stored[name].pk])
        assert client.get(url).status_code == 404
    client.force_login(manager_a)
    for name in ("jabar", "b"):
        url = reverse("report-detail", args=[stored[name].pk])
        assert client.get(url).status_code == 404
    assert client.get(reverse("report-detail", args=[999999])).status_code == 404


def test_a_report_page_costs_the_same_for_a_bigger_breakdown(
    client, ministry_user, django_assert_max_num_queries
):
    def national(places: int) -> ProgressReport:
        breakdown = [
            {"code": f"{index:02d}", "name": f"Provinsi {index}", "kpis": kpis()}
            for index in range(places)
        ]
        return ProgressReportFactory(kpis=kpis(), breakdown=breakdown)

    client.force_login(ministry_user)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("report-detail", args=[national(2).pk]))
    with django_assert_max_num_queries(len(few)):
        client.get(reverse("report-detail", args=[national(30).pk]))


# --- its files --------------------------------------------------------------------


def test_the_files_are_downloaded_from_the_report_page(client, manager_a, blkk_a):
    report = services.report_generate(
        scope="blkk", scope_code=blkk_a.code, period="2026-04"
    )
    client.force_login(manager_a)

    page = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    download = client.get(reverse("report-file", args=[report.pk, "xlsx"]))

    assert reverse("report-file", args=[report.pk, "csv"]) in page
    assert download.status_code == 200
    assert f"laporan-blkk-{blkk_a.code}-2026-04.xlsx" in download["Content-Disposition"]
    assert b"".join(download.streaming_content)[:2] == b"PK"


def test_a_file_of_another_kind_or_report_is_not_found(
    client, manager_a, blkk_a, blkk_b
):
    own = services.report_generate(
        scope="blkk", scope_code=blkk_a.code, period="2026-04"
    )
    other = services.report_generate(
        scope="blkk", scope_code=blkk_b.code, period="2026-04"
    )
    without_files = ProgressReportFactory(scope="blkk", scope_code=blkk_a.code)
    client.force_login(manager_a)

    def status(report, kind) -> int:
        return client.get(reverse("report-file", args=[report.pk, kind])).status_code

    assert status(own, "csv") == 200
    assert status(own, "pdf") == 404
    assert status(own, "xlsx_file") == 404
    assert status(other, "xlsx") == 404
    assert status(without_files, "xlsx") == 404


# --- generating -------------------------------------------------------------------


@pytest.fixture
def in_december():
    with time_machine.travel(
        datetime.datetime(2026, 12, 7, 9, 0, tzinfo=JAKARTA), tick=False
    ):
        yield


def test_a_manager_generates_their_report_and_follows_it_to_the_end(
    client, manager_a, blkk_a, django_capture_on_commit_callbacks
):
    TraineeFactory(blkk=blkk_a, registered_on=APRIL)
    client.force_login(manager_a)
    body = {"scope": "blkk", "scope_code": blkk_a.code, "period": "2026-04"}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("report-generate"), body)

    run = ReportRun.objects.get()
    assert response.status_code == 303
    assert response.url == reverse("report-run", args=[run.pk])
    assert run.requested_by == manager_a
    page = client.get(response.url)
    fragment = client.get(reverse("report-run-progress", args=[run.pk]))
    report = ProgressReport.objects.get(scope="blkk", scope_code=blkk_a.code)
    assert report.kpis["trainees_registered"] == 1
    for answer in (page, fragment):
        html = answer.content.decode()
        assert answer.context["finished"]
        assert (answer.context["progress"].done, answer.context["progress"].total) == (
            1,
            1,
        )
        assert reverse("report-detail", args=[report.pk]) in html
        assert "hx-trigger" not in html  # done: the bar stops asking
        assert inline_scripts(answer) == []


def test_the_progress_bar_asks_again_every_second_while_the_run_waits(
    client, ministry_user, blkk_a
):
    client.force_login(ministry_user)
    # Without the commit callbacks the run stays queued, as before a worker takes it.
    response = client.post(
        reverse("report-generate"),
        {"scope": "national", "scope_code": "", "period": "2026-04"},
    )
    run = ReportRun.objects.get()

    fragment = client.get(reverse("report-run-progress", args=[run.pk]))

    html = fragment.content.decode()
    assert response.status_code == 303
    assert not fragment.context["finished"]
    assert 'hx-trigger="every 1s"' in html
    assert f'hx-get="{reverse("report-run-progress", args=[run.pk])}"' in html
    assert 'hx-swap="outerHTML"' in html
    assert "<progress" in html
    assert "<html" not in html  # the fragment alone


@pytest.mark.usefixtures("in_december", "english")
@pytest.mark.parametrize("period", ["2026-12", "2027-05"])
def test_a_month_not_ended_is_refused_on_the_form(
    client, ministry_user, blkk_a, period
):
    client.force_login(ministry_user)

    response = client.post(
        reverse("report-generate"),
        {"scope": "national", "scope_code": "", "period": period},
    )

    assert response.status_code == 200
    [message] = response.context["form"].errors["period"]
    assert message.startswith("Reports are generated only for months that have ended")
    assert "The dashboard shows the month so far." in response.content.decode()
    assert not ReportRun.objects.exists()


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    ("persona", "body", "field"),
    [
        ("manager_a", {"scope": "blkk", "scope_code": "other"}, "__all__"),
        ("manager_a", {"scope": "national", "scope_code": ""}, "scope"),
        ("province_user", {"scope": "province", "scope_code": "35"}, "__all__"),
        ("ministry_user", {"scope": "province", "scope_code": "99"}, "scope_code"),
        ("ministry_user", {"scope": "national", "scope_code": "32"}, "scope_code"),
        ("ministry_user", {"scope": "planet", "scope_code": ""}, "scope"),
    ],
)
def test_a_report_out_of_reach_or_unknown_is_refused_on_the_form(
    client, request, blkk_b, persona, body, field
):
    if body["scope_code"] == "other":
        body = {**body, "scope_code": blkk_b.code}
    client.force_login(request.getfixturevalue(persona))

    response = client.post(reverse("report-generate"), {**body, "period": "2026-04"})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {field}
    if field == "__all__":
        assert response.context["form"].errors[field] == [
            "You may not generate this report."
        ]
    assert not ReportRun.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_mentor_may_not_generate(client, mentor_a, method):
    client.force_login(mentor_a)
    response = getattr(client, method)(
        reverse("report-generate"),
        {"scope": "national", "scope_code": "", "period": "2026-04"},
    )
    assert response.status_code == 403
    assert not ReportRun.objects.exists()


def test_another_users_run_is_not_found(client, manager_a, blkk_a):
    run = ReportRun.objects.create(
        period=APRIL,
        scope="blkk",
        scope_code=blkk_a.code,
        requested_by=UserFactory(ministry=True),
    )
    client.force_login(manager_a)
    for name in ("report-run", "report-run-progress"):
        assert client.get(reverse(name, args=[run.pk])).status_code == 404
