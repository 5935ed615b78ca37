"""A person signs in on a phone and lands on their home page."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.browser.helpers import screenshot, sign_in
from tests.personas import PASSWORD


def test_manager_signs_in_on_a_phone_and_lands_on_home(phone, manager_a):
    sign_in(phone, "manager_a", PASSWORD)

    assert urlsplit(phone.url).path == "/"
    assert phone.locator("input[name=password]").count() == 0
    screenshot(phone, "sign-in-phone-home")
