"""What a browser test does often: sign in as a person would, keep a screenshot."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from playwright.sync_api import Page

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def sign_in(page: Page, username: str, password: str) -> None:
    """Fill in and send the login form at /accounts/login/, and wait for the page
    the portal answers with."""
    page.goto("/accounts/login/")
    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        form.locator("[type=submit]").click()


def screenshot(page: Page, name: str) -> Path:
    """Save the whole page as var/screenshots/NAME.png (ignored by git) and print
    its path, which pytest shows with `-s` or when the test fails."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path
