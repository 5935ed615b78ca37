"""The reports' admin: listing, filtering, downloading, regenerating, and the
"Generate reports" page with its progress page."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.urls import reverse

from reports.kpis import kpis_from_counts
from reports.models import ProgressReport, ReportRun
from reports.services import report_generate
from tests.accounts.factories import UserFactory
from tests.training.factories import BlkkFactory, regency

from .factories import ProgressReportFactory

pytestmark = pytest.mark.django_db

APRIL = datetime.date(2026, 4, 1)
CHANGELIST = "admin:reports_progressreport_changelist"
GENERATE = "admin:reports_progressreport_generate"


def download_url(report, kind: str) -> str:
    return reverse("admin:reports_progressreport_download", args=[report.pk, kind])


@pytest.fixture(autouse=True)
def _english_pages(english):
    # Messages are checked in the English source; Indonesian is the default.
    pass


@pytest.fixture
def ministry_client(client, ministry_user):
    client.force_login(ministry_user)
    return client


def test_changelist_filters_by_scope_and_month(ministry_client, blkk_a):
    april = report_generate(scope="national", scope_code="", period="2026-04")
    report_generate(scope="national", scope_code="", period="2026-03")
    report_generate(scope="blkk", scope_code=blkk_a.code, period="2026-04")

    response = ministry_client.get(
        reverse(CHANGELIST), {"scope": "national", "month": "2026-04"}
    )

    assert list(response.context["cl"].result_list) == [april]
    assert download_url(april, "xlsx") in response.content.decode()


def test_changelist_ignores_a_malformed_month_filter(ministry_client):
    ProgressReportFactory()
    response = ministry_client.get(reverse(CHANGELIST), {"month": "2026-13"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


def test_ministry_downloads_the_xlsx(ministry_client, blkk_a):
    report = report_generate(scope="national", scope_code="", period="2026-04")

    response = ministry_client.get(download_url(report, "xlsx"))

    assert response.status_code == 200
    assert "laporan-national-id-2026-04.xlsx" in response["Content-Disposition"]
    assert b"".join(response.streaming_content)[:2] == b"PK"  # a zip: an XLSX


def test_manager_cannot_download_another_blkks_report(client, manager_a, blkk_b):
    other = report_generate(scope="blkk", scope_code=blkk_b.code, period="2026-04")
    client.force_login(manager_a)

    assert client.get(download_url(other, "xlsx")).status_code == 404
    assert client.get(download_url(other, "pdf")).status_code == 404


def test_regenerate_action_queues_the_selected_reports(
    ministry_client, ministry_user, blkk_a, django_capture_on_commit_callbacks
):
    report = ProgressReportFactory(scope="blkk", scope_code=blkk_a.code)

    with django_capture_on_commit_callbacks(execute=True):
        response = ministry_client.post(
            reverse(CHANGELIST),
            {"action": "regenerate", "_selected_action": [report.pk]},
            follow=True,
        )

    report.refresh_from_db()
    assert report.run.requested_by == ministry_user
    assert report.xlsx_file
    assert "1 report queued" in response.content.decode()


def test_manager_regenerates_own_report_but_not_the_national_one(
    client, manager_a, blkk_a, django_capture_on_commit_callbacks
):
    own = ProgressReportFactory(scope="blkk", scope_code=blkk_a.code)
    national = ProgressReportFactory(period=own.period)
    client.force_login(manager_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(CHANGELIST),
            {"action": "regenerate", "_selected_action": [own.pk, national.pk]},
            follow=True,
        )

    assert ReportRun.objects.get().scope_code == blkk_a.code
    assert "1 report is outside what you may generate" in response.content.decode()


def test_generate_page_queues_a_month_and_shows_its_progress(
    ministry_client, blkk_a, blkk_b, django_capture_on_commit_callbacks
):
    assert ministry_client.get(reverse(GENERATE)).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = ministry_client.post(
            reverse(GENERATE), {"period": "2026-04", "scope": ""}
        )

    run = ReportRun.objects.get()
    assert response.url == reverse("admin:reports_progressreport_run", args=[run.pk])
    page = ministry_client.get(response.url)
    assert page.context["progress"].done == page.context["progress"].total == 5
    assert page.context["finished"]
    assert ProgressReport.objects.count() == 5


def test_progress_page_refreshes_while_the_run_is_queued(ministry_client, blkk_a):
    # Without the commit callbacks, the run stays queued, as before a worker takes it.
    response = ministry_client.post(
        reverse(GENERATE), {"period": "2026-04", "scope": "national"}
    )
    page = ministry_client.get(response.url)

    assert not page.context["finished"]
    assert 'http-equiv="refresh"' in page.content.decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"period": "2026-13", "scope": "national"}, "period"),
        ({"period": "", "scope": "national"}, "period"),
        ({"period": "2026-04\n", "scope": "national"}, "period"),
        ({"period": " 2026-04", "scope": "national"}, "period"),
        ({"period": "\uff12\uff10\uff12\uff16-04", "scope": "national"}, "period"),
        ({"period": "\u0662\u0660\u0662\u0666-04", "scope": "national"}, "period"),
        ({"period": "2026-04", "scope": "planet"}, "scope"),
        ({"period": "2026-04", "scope": "province", "scope_code": "99"}, "scope_code"),
        ({"period": "2026-04", "scope": "blkk", "scope_code": "X"}, "scope_code"),
    ],
)
def test_generate_page_answers_bad_input_with_form_errors(ministry_client, data, field):
    response = ministry_client.post(reverse(GENERATE), data)

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {field}
    assert not ReportRun.objects.exists()


@pytest.mark.parametrize(
    ("persona", "data"),
    [
        ("manager_a", {"scope": "national"}),
        ("manager_a", {"scope": ""}),
        ("manager_a", {"scope": "blkk", "scope_code": "other"}),
        ("province_user", {"scope": "province", "scope_code": "35"}),
    ],
)
def test_generate_page_refuses_scopes_beyond_the_users_reach(
    client, request, blkk_b, persona, data
):
    if data.get("scope_code") == "other":
        data = {**data, "scope_code": blkk_b.code}
    client.force_login(request.getfixturevalue(persona))

    response = client.post(reverse(GENERATE), {"period": "2026-04", **data})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not ReportRun.objects.exists()


def test_province_user_generates_their_province(client, province_user):
    client.force_login(province_user)
    response = client.post(
        reverse(GENERATE),
        {"period": "2026-04", "scope": "province", "scope_code": "32"},
    )
    assert response.status_code == 302
    assert ReportRun.objects.get().requested_by == province_user


def test_mentor_is_sent_to_the_admin_login(client, mentor_a):
    client.force_login(mentor_a)
    response = client.get(reverse(GENERATE))
    assert response.status_code == 302
    assert reverse("admin:login") in response.url


def test_another_users_run_is_not_found(client, manager_a, blkk_a):
    run = ReportRun.objects.create(
        period="2026-04-01", scope="blkk", scope_code=blkk_a.code,
        requested_by=UserFactory(ministry=True),
    )  # fmt: skip
    client.force_login(manager_a)
    url = reverse("admin:reports_progressreport_run", args=[run.pk])
    assert client.get(url).status_code == 404


# --- reading a report in the admin ------------------------------------------------


def test_changelist_names_scopes_and_months(ministry_client, blkk_a):
    reports = [
        ProgressReportFactory(period=APRIL),
        ProgressReportFactory(period=APRIL, province=True),
        ProgressReportFactory(period=APRIL, scope="blkk", scope_code=blkk_a.code),
    ]

    response = ministry_client.get(reverse(CHANGELIST))

    html = response.content.decode()
    assert set(response.context["cl"].result_list) == set(reports)
    for name in ("Indonesia", "Jawa Barat", f"BLKK Al-Ikhlas Bandung ({blkk_a.code})"):
        assert name in html
    assert "April 2026" in html


def test_changelist_names_scopes_without_a_query_per_row(
    ministry_client, django_assert_max_num_queries
):
    def add_reports(count: int) -> None:
        for blkk in BlkkFactory.create_batch(count, regency=regency("32.73")):
            ProgressReportFactory(scope="blkk", scope_code=blkk.code)
            ProgressReportFactory(province=True)

    add_reports(1)
    with django_assert_max_num_queries(20) as few:
        ministry_client.get(reverse(CHANGELIST))
    add_reports(10)
    with django_assert_max_num_queries(len(few)):
        response = ministry_client.get(reverse(CHANGELIST))
    assert len(response.context["cl"].result_list) == 22


def readable_report(blkk) -> ProgressReport:
    counts = Counter(
        trainees_registered=1234,
        revenue_total=1_250_000,
        mentoring_minutes=90,
        **{"outcome:employed": 3},
    )
    return ProgressReportFactory(
        period=APRIL,
        province=True,
        kpis=kpis_from_counts(counts),
        breakdown=[
            {"code": blkk.code, "name": blkk.name, "kpis": kpis_from_counts(counts)}
        ],
    )


def test_change_page_shows_labelled_formatted_figures_not_json(
    client, province_user, blkk_a
):
    report = readable_report(blkk_a)
    own_blkk = ProgressReportFactory(period=APRIL, scope="blkk", scope_code=blkk_a.code)
    client.force_login(province_user)

    response = client.get(
        reverse("admin:reports_progressreport_change", args=[report.pk])
    )

    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Progress report Jawa Barat, April 2026",
        "Trainees registered",
        "1,234",
        "Rp\u00a01,250,000",
        "1.50",
        "Graduates by latest outcome",
        "Employed",
        f"{blkk_a.name} ({blkk_a.code})",
        reverse("admin:reports_progressreport_change", args=[own_blkk.pk]),
    ):
        assert text in html, text
    assert "trainees_registered&quot;" not in html  # no JSON for provincial staff
    assert "Stored data (JSON)" not in html


def test_ministry_staff_find_the_stored_json_folded_away(ministry_client, blkk_a):
    report = readable_report(blkk_a)
    response = ministry_client.get(
        reverse("admin:reports_progressreport_change", args=[report.pk])
    )
    html = response.content.decode()
    assert "Stored data (JSON)" in html
    assert "&quot;trainees_registered&quot;: 1234" in html
    assert html.index("Trainees registered") < html.index("Stored data (JSON)")


def test_change_page_of_a_report_out_of_scope_is_not_found(client, manager_a, blkk_b):
    other = ProgressReportFactory(period=APRIL, scope="blkk", scope_code=blkk_b.code)
    client.force_login(manager_a)
    response = client.get(
        reverse("admin:reports_progressreport_change", args=[other.pk])
    )
    # The admin sends a missing object back to its index with a message.
    assert response.status_code in (302, 404)
    assert "Rp" not in response.content.decode()
