"""An English browser still gets the portal in Bahasa Indonesia (DESIGN.md: pages
do not follow Accept-Language); the language switch is what changes it."""

from __future__ import annotations

import pytest

from tests.browser.helpers import screenshot, sign_in
from tests.personas import PASSWORD


@pytest.mark.parametrize("phone", ["en-US"], indirect=True)
def test_an_english_browser_gets_indonesian_pages(phone, manager_a, blkk_a):
    assert phone.evaluate("navigator.language") == "en-US"
    phone.goto("/accounts/login/")
    assert phone.locator("html").get_attribute("lang") == "id"
    assert phone.locator("button[type=submit]").inner_text().strip() == "Masuk"

    sign_in(phone, "manager_a", PASSWORD)
    assert phone.locator("html").get_attribute("lang") == "id"
    assert phone.get_by_role("button", name="Keluar").is_visible()
    screenshot(phone, "english-browser-indonesian-page")

    # Choosing English with the switch is what turns the pages English.
    with phone.expect_navigation():
        phone.locator("select[name=language]").select_option("en")
    assert phone.locator("html").get_attribute("lang") == "en"
    assert phone.get_by_role("button", name="Log out").is_visible()
