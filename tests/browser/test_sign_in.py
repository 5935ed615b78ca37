"""A person signs in on a phone and lands on their home page."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.browser.helpers import screenshot, sign_in
from tests.personas import PASSWORD


def test_manager_signs_in_on_a_phone_and_lands_on_their_blkk(phone, manager_a, blkk_a):
    with phone.expect_response(lambda answer: answer.request.method == "POST") as login:
        sign_in(phone, "manager_a", PASSWORD)

    # Signed in, everyone lands on / (DESIGN.md), which is a manager's BLKK page.
    assert login.value.status == 302
    assert login.value.headers["location"] == "/"
    assert urlsplit(phone.url).path == f"/blkk/{blkk_a.code}/"
    assert phone.get_by_text(blkk_a.name).first.is_visible()
    assert phone.locator("input[name=password]").count() == 0
    screenshot(phone, "sign-in-phone-home")
