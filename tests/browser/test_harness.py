"""The browser harness catches what a person would see go wrong, and htmx runs
within the portal's rules (CSP, CSRF)."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static

HTMX = "vendor/htmx/htmx.min.js"
# A long word in a table cell: the kind of content that pushes a page sideways.
WIDE_PAGE = (
    '<!doctype html><html><head><meta name="viewport" '
    'content="width=device-width, initial-scale=1"></head><body><table><tr><td>'
    + "3273" * 60
    + "</td></tr></table></body></html>"
)


def test_pages_load_htmx_from_the_portal_itself(phone):
    # Served from the portal's own /static/ (never a CDN), from the npm package that
    # package-lock.json pins, and running under the strict CSP with its config.
    script = static(HTMX)
    assert script.startswith("/static/")
    assert finders.find(HTMX).endswith("node_modules/htmx.org/dist/htmx.min.js")

    with phone.expect_response(lambda answer: answer.url.endswith(script)) as loaded:
        phone.goto("/accounts/login/")

    assert loaded.value.status == 200
    assert phone.locator(f'script[src="{script}"][defer]').count() == 1
    assert phone.evaluate("htmx.version").startswith("2.")
    assert phone.evaluate("htmx.config.allowEval") is False
    # htmx injected no <style> of its own (the CSP would refuse it).
    assert phone.locator("style").count() == 0


def test_htmx_posts_carry_the_csrf_token(phone):
    phone.goto("/accounts/login/")

    with phone.expect_response("**/i18n/setlang/") as answer:
        phone.evaluate(
            "htmx.ajax('POST', '/i18n/setlang/', {values: {language: 'id'}})"
        )

    # Django's CSRF check refuses a POST without the token with 403.
    assert answer.value.request.headers.get("x-csrftoken")
    assert answer.value.status == 302


def test_guard_reports_a_page_wider_than_the_phone(phone, browser_guard):
    phone.route(
        "**/wide/",
        lambda route: route.fulfill(body=WIDE_PAGE, content_type="text/html"),
    )
    with phone.expect_console_message(lambda message: "wider" in message.text):
        phone.goto("/wide/")

    with pytest.raises(pytest.fail.Exception, match="wider than the phone"):
        browser_guard.check()
    browser_guard.problems.clear()
    phone.goto("/accounts/login/")


def test_guard_reports_a_csp_violation(phone, browser_guard):
    phone.goto("/accounts/login/")

    with phone.expect_console_message(lambda message: "CSP violation" in message.text):
        phone.evaluate("document.body.setAttribute('style', 'color: red')")

    with pytest.raises(pytest.fail.Exception, match="style-src"):
        browser_guard.check()
    browser_guard.problems.clear()


def test_guard_reports_script_and_server_errors(phone, browser_guard):
    phone.route("**/broken/", lambda route: route.fulfill(status=500, body="boom"))
    phone.goto("/accounts/login/")

    with phone.expect_event("pageerror"):
        phone.evaluate("setTimeout(() => { throw new Error('no such field'); })")
    phone.goto("/broken/")

    with pytest.raises(pytest.fail.Exception) as failure:
        browser_guard.check()
    assert "page error: no such field" in str(failure.value)
    assert "server error: 500" in str(failure.value)
    browser_guard.problems.clear()
    phone.goto("/accounts/login/")
