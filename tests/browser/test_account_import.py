"""In Chromium: ministry staff import accounts in the admin (upload, preview,
confirm), and a new manager sets their password through the invitation mail on a
phone, then signs in."""

from __future__ import annotations

import re

from django.core import mail
from django.urls import reverse

from blkk_portal.accounts.models import User
from mentoring.services import user_create
from tests.browser.helpers import screenshot, sign_in
from tests.imports.sheets import xlsx_bytes
from tests.personas import PASSWORD
from tests.training.factories import BlkkFactory, regency

INVITE_PATH = re.compile(r"https?://\S+/accounts/invite/\S+/")
NEW_PASSWORD = "pantai-pangandaran-2027"


def test_ministry_imports_an_account_and_its_person_sets_a_password(phone, tmp_path):
    blkk = BlkkFactory(regency=regency("32.73"), code="BLKK-32.73-042")
    user_create(
        username="rina",
        password=PASSWORD,
        role="ministry",
        full_name="Rina Kemnaker",
        email="rina@example.id",
    )
    sheet = tmp_path / "akun.xlsx"
    sheet.write_bytes(
        xlsx_bytes(
            [
                ["username", "full_name", "email", "role", "blkk_codes"],
                ["siti", "Siti Aminah", "siti@example.id", "blkk_manager", blkk.code],
            ]
        )
    )

    sign_in(phone, "rina", PASSWORD)
    phone.goto(reverse("admin:accounts_user_import"))
    phone.locator("input[name=file]").set_input_files(str(sheet))
    with phone.expect_navigation():
        phone.locator("form.import-upload [type=submit]").click()
    assert phone.locator(".import-ready").is_visible()
    screenshot(phone, "account_import_preview")
    with phone.expect_navigation():
        phone.locator("form.actions [type=submit]").click()
    phone.locator(".import-done").wait_for()
    screenshot(phone, "account_import_done")
    assert not User.objects.get(username="siti").has_usable_password()

    (message,) = mail.outbox
    (link,) = INVITE_PATH.findall(message.body)
    phone.context.clear_cookies()
    phone.goto(link)
    screenshot(phone, "account_invite_set_password")
    phone.locator("input[name=new_password1]").fill(NEW_PASSWORD)
    phone.locator("input[name=new_password2]").fill(NEW_PASSWORD)
    with phone.expect_navigation():
        phone.locator("form [type=submit]").click()
    sign_in(phone, "siti@example.id", NEW_PASSWORD)

    assert phone.url.endswith(f"/blkk/{blkk.code}/")


def test_a_file_with_errors_shows_each_and_offers_no_import(phone, tmp_path):
    BlkkFactory(regency=regency("32.73"), code="BLKK-32.73-042")
    user_create(
        username="rina",
        password=PASSWORD,
        role="ministry",
        full_name="Rina Kemnaker",
        email="rina@example.id",
    )
    sheet = tmp_path / "akun.xlsx"
    sheet.write_bytes(
        xlsx_bytes(
            [
                ["username", "full_name", "email", "role", "blkk_codes", "province"],
                ["siti", "Siti Aminah", "siti@example", "blkk_manager", "BLKK-X-1"],
                ["budi", "Budi Santoso", "budi@example.id", "province"],
                ["budi", "Budi Lain", "budi2@example.id", "direktur", None, "32"],
            ]
        )
    )

    sign_in(phone, "rina", PASSWORD)
    phone.goto(reverse("admin:accounts_user_import"))
    phone.locator("input[name=file]").set_input_files(str(sheet))
    with phone.expect_navigation():
        phone.locator("form.import-upload [type=submit]").click()

    assert phone.locator(".import-problems > li").count() == 3
    assert phone.locator("form.actions").count() == 0
    screenshot(phone, "account_import_errors")
    assert not User.objects.filter(username__in=["siti", "budi"]).exists()
