"""A BLKK manager on a phone enrolls people in a batch from a spreadsheet (a bad
row first: its error, nothing written; then the corrected file), and imports a
month's venture figures from the month's page, replacing one venture's."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

from blkk_portal.months import Month
from incubator.imports import COLUMNS as METRIC_COLUMNS
from incubator.models import VentureMetric
from tests.browser.helpers import screenshot, sign_in
from tests.imports.sheets import XLSX, xlsx_bytes
from tests.incubator.factories import (
    CohortFactory,
    VentureFactory,
    VentureMetricFactory,
)
from tests.personas import PASSWORD
from tests.training.factories import TraineeFactory, TrainingBatchFactory, make_nik
from training.imports import ENROLLMENT_COLUMNS
from training.models import Enrollment

BORN = datetime.date(1998, 5, 17)
START = datetime.date(2026, 2, 2)


def spreadsheet(name: str, columns, *rows) -> dict:
    return {
        "name": name,
        "mimeType": XLSX,
        "buffer": xlsx_bytes([list(columns), *rows], text_columns=(1,)),
    }


def upload(phone, file: dict) -> None:
    phone.locator("input[name=file]").set_input_files(file)
    with phone.expect_navigation():
        phone.locator("form.import-upload button[type=submit]").click()


def test_a_manager_enrolls_people_from_a_spreadsheet(phone, manager_a, blkk_a):
    batch = TrainingBatchFactory(
        blkk=blkk_a, name="Menjahit Angkatan 1", start_date=START, capacity=16
    )
    niks = [make_nik("32", BORN, "F", n) for n in (1, 2)]
    for n, nik in enumerate(niks, start=1):
        TraineeFactory(blkk=blkk_a, nik=nik, full_name=f"Ayu Lestari {n}")
    nobody = make_nik("32", BORN, "F", 77)
    sign_in(phone, "manager_a", PASSWORD)
    phone.goto(f"/blkk/{blkk_a.code}/batches/{batch.pk}/")
    import_path = f"/blkk/{blkk_a.code}/batches/{batch.pk}/enrollments/import/"
    with phone.expect_navigation():
        phone.locator(f'a[href="{import_path}"]').click()
    screenshot(phone, "manager-enrollment-import-form-phone")

    upload(
        phone,
        spreadsheet("angkatan.xlsx", ENROLLMENT_COLUMNS, [niks[0]], [nobody]),
    )
    assert phone.locator(".error-summary").is_visible()
    assert phone.locator("#row-3 td.cell-error .errorlist").is_visible()
    assert phone.locator("form[action$='/confirm/']").count() == 0
    screenshot(phone, "manager-enrollment-import-bad-row-phone")
    assert not Enrollment.objects.exists()

    phone.goto(import_path)
    upload(
        phone,
        spreadsheet(
            "angkatan.xlsx",
            ENROLLMENT_COLUMNS,
            [niks[0]],
            [niks[1], "Selesai", "04-03-2026"],
        ),
    )
    assert phone.locator(".import-ready").is_visible()
    with phone.expect_navigation():
        phone.locator("form[action$='/confirm/'] button[type=submit]").click()
    phone.locator(".import-done").wait_for()
    screenshot(phone, "manager-enrollment-import-done-phone")
    assert Enrollment.objects.filter(batch=batch).count() == 2

    with phone.expect_navigation():
        phone.locator(".import-result a.button").click()
    assert urlsplit(phone.url).path == f"/blkk/{blkk_a.code}/batches/{batch.pk}/"
    assert phone.get_by_text("Ayu Lestari 2").first.is_visible()


def test_a_manager_imports_a_months_figures_from_the_months_page(
    phone, manager_a, blkk_a
):
    cohort = CohortFactory(blkk=blkk_a, year=2026, start_date=START)
    ayu = VentureFactory(cohort=cohort, name="Konveksi Ayu", started_on=START)
    VentureFactory(cohort=cohort, name="Kopi Lereng", started_on=START)
    month = Month.last_completed()
    VentureMetricFactory(venture=ayu, period=month.first_day, revenue=1)
    sign_in(phone, "manager_a", PASSWORD)
    phone.goto(f"/blkk/{blkk_a.code}/metrics/?period={month}")
    with phone.expect_navigation():
        phone.locator(".actions a[href*='/metrics/import/']").click()
    assert phone.locator("input[name=period]").input_value() == str(month)
    screenshot(phone, "manager-metrics-import-form-phone")

    upload(
        phone,
        spreadsheet(
            "data-bulanan.xlsx",
            METRIC_COLUMNS,
            ["Konveksi Ayu", "1.250.000", 3, 40],
            ["Kopi Lereng", 2_000_000, 2, 15],
        ),
    )
    assert phone.locator(".notice").first.is_visible()
    assert phone.locator(".import-ready").is_visible()
    screenshot(phone, "manager-metrics-import-ready-phone")
    with phone.expect_navigation():
        phone.locator("form[action$='/confirm/'] button[type=submit]").click()
    phone.locator(".import-done").wait_for()
    stored = VentureMetric.objects.filter(period=month.first_day)
    assert sorted(stored.values_list("revenue", flat=True)) == [1_250_000, 2_000_000]

    with phone.expect_navigation():
        phone.locator(".import-result a.button").click()
    assert urlsplit(phone.url).path == f"/blkk/{blkk_a.code}/metrics/"
    screenshot(phone, "manager-metrics-after-import-phone")
