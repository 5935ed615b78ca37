"""A BLKK manager on a phone imports trainees from a spreadsheet: a file with a bad
row shows that row and its error and writes nothing; the corrected file is
confirmed and its people are on the trainee list."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from blkk_portal.imports.models import ImportJob, ImportStatus
from tests.browser.helpers import screenshot, sign_in
from tests.imports.sheets import XLSX, xlsx_bytes
from tests.personas import PASSWORD
from tests.training.test_import import COLUMNS, nik, person
from training.imports import TRAINEES
from training.models import Trainee


def spreadsheet(*rows) -> dict:
    return {
        "name": "peserta.xlsx",
        "mimeType": XLSX,
        "buffer": xlsx_bytes([list(COLUMNS), *rows]),
    }


def test_a_manager_imports_a_bad_file_sees_the_error_then_a_good_one(
    phone, manager_a, blkk_a
):
    sign_in(phone, "manager_a", PASSWORD)
    phone.goto(f"/blkk/{blkk_a.code}/trainees/")
    with phone.expect_navigation():
        phone.locator(f'a[href="/blkk/{blkk_a.code}/trainees/import/"]').click()
    screenshot(phone, "manager-import-form-phone")

    # A file whose second person has a phone number that is not one.
    bad = spreadsheet(
        person(1, full_name="Ayu Lestari"),
        person(2, nik=nik(2, "M"), full_name="Budi Santoso", gender="M", phone="12345"),
    )
    phone.locator("input[name=file]").set_input_files(bad)
    with phone.expect_navigation():
        phone.locator("form.import-upload button[type=submit]").click()
    summary = phone.locator(".error-summary")
    assert summary.is_visible()
    bad_row = phone.locator("#row-3")
    assert "081234567890" in bad_row.inner_text()
    assert bad_row.locator("td.cell-error .errorlist").is_visible()
    assert phone.locator("form[action$='/confirm/']").count() == 0
    screenshot(phone, "manager-import-bad-row-phone")
    assert not Trainee.objects.exists()

    # The corrected file: every row ready, confirmed, written.
    with phone.expect_navigation():
        phone.locator(f'a[href="/blkk/{blkk_a.code}/trainees/import/"]').first.click()
    good = spreadsheet(
        person(1, full_name="Ayu Lestari"),
        person(2, nik=nik(2, "M"), full_name="Budi Santoso", gender="M"),
    )
    phone.locator("input[name=file]").set_input_files(good)
    with phone.expect_navigation():
        phone.locator("form.import-upload button[type=submit]").click()
    assert phone.locator(".import-ready").is_visible()
    screenshot(phone, "manager-import-ready-phone")
    with phone.expect_navigation():
        phone.locator("form[action$='/confirm/'] button[type=submit]").click()
    phone.locator(".import-done").wait_for()
    screenshot(phone, "manager-import-done-phone")
    assert Trainee.objects.filter(blkk=blkk_a).count() == 2

    with phone.expect_navigation():
        phone.locator(".import-result a.button").click()
    assert urlsplit(phone.url).path == f"/blkk/{blkk_a.code}/trainees/"
    assert phone.get_by_text("Ayu Lestari").first.is_visible()
    assert phone.get_by_text("Budi Santoso").first.is_visible()
    screenshot(phone, "manager-import-trainees-listed-phone")


def test_the_progress_bar_moves_without_reloading_until_the_result(
    phone, manager_a, blkk_a
):
    """A run in a worker: its page polls the progress every second (htmx, under
    the strict CSP) and swaps in the result when it is done."""
    job = ImportJob.objects.create(
        kind=TRAINEES.name,
        owner_key=str(blkk_a.pk),
        created_by=manager_a,
        file_name="peserta.xlsx",
        status=ImportStatus.RUNNING,
        total_rows=3000,
    )
    progress = f"imports:progress:{job.pk}"
    cache.set(progress, {"phase": "writing", "done": 600})
    documents: list[str] = []
    phone.on(
        "request",
        lambda request: (
            documents.append(request.url)
            if request.resource_type == "document"
            else None
        ),
    )
    sign_in(phone, "manager_a", PASSWORD)
    phone.goto(f"/blkk/{blkk_a.code}/trainees/import/{job.pk}/")
    loaded = len(documents)
    bar = phone.locator("#import-progress progress")
    expect(bar).to_have_attribute("value", "600")

    cache.set(progress, {"phase": "writing", "done": 2400})

    expect(bar).to_have_attribute("value", "2400")
    screenshot(phone, "manager-import-progress-phone")

    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.DONE, rows_written=3000, finished_at=timezone.now()
    )

    expect(phone.locator(".import-done")).to_be_visible()
    assert phone.locator("#import-progress progress").count() == 0
    assert len(documents) == loaded  # no reload: htmx swapped the fragment
    screenshot(phone, "manager-import-progress-done-phone")
