"""Generating, storing, rendering and mailing progress reports; who may ask."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation
from openpyxl import load_workbook

from blkk_portal.months import Month
from reports import files, selectors, services
from reports.models import ProgressReport
from tests.accounts.factories import UserFactory
from tests.training.factories import BlkkFactory, TraineeFactory, regency

from .factories import ProgressReportFactory

pytestmark = pytest.mark.django_db

APRIL = Month(2026, 4)


def register_trainees(blkk, count: int, month: Month = APRIL) -> None:
    for _ in range(count):
        TraineeFactory(blkk=blkk, registered_on=month.first_day)


def test_generating_a_report_stores_its_kpis_and_files(blkk_a):
    register_trainees(blkk_a, 2)

    report = services.report_generate(
        scope="blkk", scope_code=blkk_a.code, period="2026-04"
    )

    assert report.period == datetime.date(2026, 4, 1)
    assert report.kpis["trainees_registered"] == 2
    assert report.xlsx_file.name.endswith(f"laporan-blkk-{blkk_a.code}-2026-04.xlsx")
    assert report.csv_file.name.endswith(".csv")
    assert report.files_generated_at is not None


def test_regenerating_replaces_the_report_and_its_files(
    blkk_a, django_capture_on_commit_callbacks
):
    register_trainees(blkk_a, 1)
    first = services.report_generate(scope="national", scope_code="", period=APRIL)
    first_files = (first.xlsx_file.name, first.csv_file.name)
    register_trainees(blkk_a, 2)

    # The replaced files are deleted once the new ones are committed.
    with django_capture_on_commit_callbacks(execute=True):
        second = services.report_generate(scope="national", scope_code="", period=APRIL)

    assert second.pk == first.pk
    assert ProgressReport.objects.filter(scope="national").count() == 1
    assert second.kpis["trainees_registered"] == 3
    assert second.generated_at > first.generated_at
    storage = second.xlsx_file.storage
    live = {second.xlsx_file.name, second.csv_file.name}
    assert all(storage.exists(name) for name in live)
    assert not any(storage.exists(n) for n in first_files if n not in live)


def test_regenerating_with_unchanged_data_gives_the_same_figures(blkk_a, blkk_b):
    register_trainees(blkk_a, 3)
    first = services.report_generate(scope="province", scope_code="32", period=APRIL)
    second = services.report_generate(scope="province", scope_code="32", period=APRIL)

    assert (second.pk, second.kpis, second.breakdown) == (
        first.pk,
        first.kpis,
        first.breakdown,
    )


@pytest.mark.parametrize(
    ("scope", "code", "field"),
    [
        ("national", "32", "scope_code"),
        ("province", "99", "scope_code"),
        ("blkk", "BLKK-NOPE", "scope_code"),
        ("planet", "", "scope"),
    ],
)
def test_unknown_scopes_are_refused_with_a_field_error(db, scope, code, field):
    with pytest.raises(ValidationError) as caught:
        services.report_generate(scope=scope, scope_code=code, period=APRIL)
    assert set(caught.value.message_dict) == {field}
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize(
    "period", ["2026-13", "April", "2026-4", "", "2026-04\n", " 2026-04"]
)
def test_a_bad_month_is_refused_with_a_field_error(blkk_a, period):
    with pytest.raises(ValidationError) as caught:
        services.report_generate(scope="national", scope_code="", period=period)
    assert set(caught.value.message_dict) == {"period"}


def test_province_report_breaks_down_by_blkk_and_national_by_province(blkk_a, blkk_b):
    second_in_jabar = BlkkFactory(regency=regency("32.04"))
    register_trainees(blkk_a, 2)
    register_trainees(second_in_jabar, 1)
    register_trainees(blkk_b, 4)

    province = services.report_generate(scope="province", scope_code="32", period=APRIL)
    national = services.report_generate(scope="national", scope_code="", period=APRIL)

    assert [
        (row["code"], row["kpis"]["trainees_registered"]) for row in province.breakdown
    ] == sorted([(blkk_a.code, 2), (second_in_jabar.code, 1)])
    assert [
        (row["code"], row["name"], row["kpis"]["trainees_registered"])
        for row in national.breakdown
    ] == [("32", "Jawa Barat", 3), ("35", "Jawa Timur", 4)]


def test_the_monthly_pass_stores_every_scope_once(blkk_a, blkk_b):
    inactive_quiet = BlkkFactory(regency=regency("32.04"), is_active=False)
    inactive_busy = BlkkFactory(regency=regency("32.04"), is_active=False)
    register_trainees(inactive_busy, 1)

    ids = services.reports_generate_month(month=APRIL)
    again = services.reports_generate_month(month=APRIL)

    stored = set(ProgressReport.objects.values_list("scope", "scope_code"))
    assert stored == {
        ("national", ""),
        ("province", "32"),
        ("province", "35"),
        ("blkk", blkk_a.code),
        ("blkk", blkk_b.code),
        ("blkk", inactive_busy.code),
    }
    assert ("blkk", inactive_quiet.code) not in stored
    assert sorted(again) == sorted(ids)
    assert ProgressReport.objects.count() == len(ids) == 6


def test_the_monthly_pass_matches_reports_generated_one_by_one(blkk_a, blkk_b):
    register_trainees(blkk_a, 2)
    register_trainees(blkk_b, 5)
    services.reports_generate_month(month=APRIL)
    from_pass = dict(
        ProgressReport.objects.values_list("scope_code", "kpis").order_by()
    )

    for scope, code in (("national", ""), ("province", "35"), ("blkk", blkk_a.code)):
        single = services.report_generate(scope=scope, scope_code=code, period=APRIL)
        assert single.kpis == from_pass[code], (scope, code)


def test_the_xlsx_holds_kpis_breakdown_and_a_native_trend_chart(blkk_a, blkk_b):
    for months_back, count in ((2, 1), (1, 0), (0, 3)):
        month = APRIL.shifted(-months_back)
        register_trainees(blkk_a, count, month)
        with translation.override("en"):
            services.report_generate(scope="national", scope_code="", period=month)
    report = ProgressReport.objects.get(scope="national", period=APRIL.first_day)

    with report.xlsx_file.open("rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()))

    kpi_sheet, breakdown_sheet, trend_sheet = workbook.worksheets
    values = {row[0]: row[1] for row in kpi_sheet.iter_rows(values_only=True)}
    assert values["Generated at"].endswith("WIB")
    assert values["Trainees registered"] == 3
    assert values["Active BLKKs"] == 2
    assert [row[0] for row in breakdown_sheet.iter_rows(values_only=True)] == [
        "Code",
        "32",
        "35",
    ]
    # Months are dates that Excel shows as "February 2026" in its reader's language.
    months = [row[0] for row in trend_sheet.iter_rows(min_row=2)]
    assert [cell.value.date() for cell in months] == [
        datetime.date(2026, 2, 1),
        datetime.date(2026, 3, 1),
        datetime.date(2026, 4, 1),
    ]
    assert {cell.number_format for cell in months} == {"mmmm yyyy"}
    chart_types = sorted(type(chart).__name__ for chart in trend_sheet._charts)
    assert chart_types == ["BarChart", "LineChart"]


def test_the_trend_reads_at_most_the_last_12_stored_months(blkk_a):
    for months_back in range(14):
        ProgressReportFactory(period=APRIL.shifted(-months_back).first_day)
    report = ProgressReport.objects.get(scope="national", period=APRIL.first_day)

    trend = selectors.report_trend(report)

    assert trend[0]["period"] == datetime.date(2025, 5, 1)
    assert trend[-1]["period"] == APRIL.first_day
    assert len(trend) == 12


def test_the_csv_has_the_scope_row_then_the_breakdown(blkk_a, blkk_b):
    register_trainees(blkk_b, 2)
    report = services.report_generate(scope="national", scope_code="", period=APRIL)

    with report.csv_file.open("rb") as handle:
        labels, *rows = csv.DictReader(io.StringIO(handle.read().decode("utf-8-sig")))

    # The machine keys, then a row of their labels (Indonesian), then the data.
    assert labels["trainees_registered"] == "Peserta terdaftar"
    assert [(r["scope"], r["scope_code"], r["trainees_registered"]) for r in rows] == [
        ("national", "", "2"),
        ("province", "32", "0"),
        ("province", "35", "2"),
    ]
    assert rows[0]["outcome_employed"] == "0"
    assert rows[0]["name"] == "Indonesia"


def test_managers_are_mailed_their_report_with_files_once(blkk_a):
    manager = UserFactory(
        blkk_manager=True, managed_blkks=[blkk_a], email="siti@example.id"
    )
    UserFactory(blkk_manager=True, managed_blkks=[blkk_a], is_active=False)
    register_trainees(blkk_a, 2)
    report = services.report_generate(
        scope="blkk", scope_code=blkk_a.code, period=APRIL
    )

    with translation.override("en"):
        sent = services.report_mail_managers(report_id=report.pk)
        again = services.report_mail_managers(report_id=report.pk)

    assert (sent, again) == (1, 0)
    [message] = mail.outbox
    assert message.to == [manager.email]
    assert blkk_a.name in message.subject
    assert "April 2026" in message.subject  # the month as a person reads it
    assert "Trainees registered: 2" in message.body
    assert sorted(name for name, _content, _type in message.attachments) == [
        f"laporan-blkk-{blkk_a.code}-2026-04.csv",
        f"laporan-blkk-{blkk_a.code}-2026-04.xlsx",
    ]


def test_province_and_national_reports_are_not_mailed(blkk_a):
    UserFactory(blkk_manager=True, managed_blkks=[blkk_a])
    report = services.report_generate(scope="province", scope_code="32", period=APRIL)

    assert services.report_mail_managers(report_id=report.pk) == 0
    assert mail.outbox == []


class TestWhoMayGenerate:
    def test_ministry_may_generate_any_scope(self, ministry_user, blkk_b):
        for scope, code in (
            ("national", ""),
            ("province", "35"),
            ("blkk", blkk_b.code),
        ):
            assert selectors.report_generation_allowed(ministry_user, scope, code)

    def test_province_user_may_generate_their_province_and_its_blkks(
        self, province_user, blkk_a, blkk_b
    ):
        allowed = selectors.report_generation_allowed
        assert allowed(province_user, "province", "32")
        assert allowed(province_user, "blkk", blkk_a.code)
        assert not allowed(province_user, "province", "35")
        assert not allowed(province_user, "blkk", blkk_b.code)
        assert not allowed(province_user, "national", "")

    def test_manager_may_generate_only_their_own_blkk(self, manager_a, blkk_b):
        allowed = selectors.report_generation_allowed
        assert allowed(manager_a, "blkk", manager_a.managed_blkks.get().code)
        assert not allowed(manager_a, "blkk", blkk_b.code)
        assert not allowed(manager_a, "province", "32")
        assert not allowed(manager_a, "national", "")

    def test_mentors_and_strangers_may_not_generate(self, mentor_a, blkk_a):
        from django.contrib.auth.models import AnonymousUser

        for user in (mentor_a, AnonymousUser()):
            assert not selectors.report_generation_allowed(user, "blkk", blkk_a.code)
            assert not selectors.report_generation_allowed(user, "national", "")


class TestWhoReadsReports:
    @pytest.fixture
    def stored(self, blkk_a, blkk_b):
        return {
            "national": ProgressReportFactory(),
            "jabar": ProgressReportFactory(province=True),
            "jatim": ProgressReportFactory(scope="province", scope_code="35"),
            "a": ProgressReportFactory(scope="blkk", scope_code=blkk_a.code),
            "b": ProgressReportFactory(scope="blkk", scope_code=blkk_b.code),
        }

    def visible(self, user, stored) -> set[str]:
        ids = set(ProgressReport.objects.visible_to(user).values_list("pk", flat=True))
        return {name for name, report in stored.items() if report.pk in ids}

    def test_ministry_reads_every_report(self, ministry_user, stored):
        assert self.visible(ministry_user, stored) == set(stored)

    def test_province_user_reads_national_their_province_and_its_blkks(
        self, province_user, stored
    ):
        assert self.visible(province_user, stored) == {"national", "jabar", "a"}

    def test_manager_reads_national_and_their_blkk(self, manager_a, stored):
        assert self.visible(manager_a, stored) == {"national", "a"}

    def test_mentor_reads_the_national_report_only(self, mentor_a, stored):
        assert self.visible(mentor_a, stored) == {"national"}


def test_a_file_is_stored_in_its_months_folder_by_the_name_it_is_downloaded_as(
    blkk_a,
):
    report = services.report_generate(scope="national", scope_code="", period=APRIL)

    for field, kind in ((report.xlsx_file, "xlsx"), (report.csv_file, "csv")):
        name = files.report_file_name(report, kind)
        assert name == f"laporan-national-id-2026-04.{kind}"
        folder, stored = field.name.rsplit("/", 1)
        assert folder == "reports/2026-04"
        # The storage may add a suffix to keep a name unique; the download does not.
        assert stored.startswith("laporan-national-id-2026-04")
        assert stored.endswith(f".{kind}")


FORMULA_NAME = '=HYPERLINK("http://x.example","click")'


def test_a_name_that_starts_like_a_formula_is_text_in_the_xlsx(blkk_a):
    blkk_a.name = FORMULA_NAME
    blkk_a.save(update_fields=["name"])
    register_trainees(blkk_a, 2)

    report = services.report_generate(scope="province", scope_code="32", period=APRIL)

    with report.xlsx_file.open("rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()))
    breakdown = workbook.worksheets[1]
    name_cell, registered_cell = breakdown["B2"], breakdown["D2"]
    assert (name_cell.value, name_cell.data_type) == (FORMULA_NAME, "s")
    assert (registered_cell.value, registered_cell.data_type) == (2, "n")
    formulas = [
        cell.coordinate
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas == []


def test_a_name_that_starts_like_a_formula_gets_an_apostrophe_in_the_csv(blkk_a):
    blkk_a.name = FORMULA_NAME
    blkk_a.save(update_fields=["name"])
    register_trainees(blkk_a, 2)

    report = services.report_generate(scope="province", scope_code="32", period=APRIL)

    with report.csv_file.open("rb") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read().decode("utf-8-sig"))))
    blkk_row = next(row for row in rows if row["scope"] == "blkk")
    assert blkk_row["name"] == "'" + FORMULA_NAME
    assert blkk_row["trainees_registered"] == "2"
