"""The reports' admin: listing, filtering, downloading, regenerating, and the
"Generate reports" page with its progress page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reports.models import ProgressReport, ReportRun
from reports.services import report_generate
from tests.accounts.factories import UserFactory

from .factories import ProgressReportFactory

pytestmark = pytest.mark.django_db

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
