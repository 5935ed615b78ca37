"""The browser tests' harness: pages in Debian's headless Chromium, driven by
Playwright, against pytest-django's `live_server`.

- `browser`: Chromium (`/usr/bin/chromium`, which `make test` installs; no
  `playwright install` download), started with `--no-sandbox` (the tests run as
  root), `--disable-background-networking` and `--disable-gpu`. Playwright gives
  each launch a fresh `--user-data-dir` in a temporary folder of its own and removes
  it at the end (it refuses the flag in `args`), and every test gets a new context:
  no cookie or storage carries over from one test to the next.
- `phone`: a page in a 390x844 phone (mobile, touch, 2x pixels) with an Indonesian
  browser; `@pytest.mark.parametrize("phone", ["en-US"], indirect=True)` gives a
  test an English one (its `navigator.language` and `Accept-Language`).
- `sign_in(page, username, password)` and `screenshot(page, name)` in
  `tests/browser/helpers.py`.
- A guard that fails the test on any console error, uncaught script error, CSP
  violation, server error (5xx) or a page wider than the phone (`GUARD_SCRIPT`).

A test with a browser runs on a transactional database with serialized rollback
(the fixture asks for both): the live server answers from another thread, so the
test's rows must be committed, and the regions and trades of the data migrations
must be put back afterwards. Keep browser tests in modules of their own (xdist
`--dist loadscope` keeps a module on one worker).

Each test starts its own Playwright and Chromium (a fraction of a second), after
its database is set up and closed before the database is flushed. Playwright's
synchronous API keeps an asyncio loop running in the test's thread, and while it
runs Django refuses ORM calls there (SynchronousOnlyOperation, allowed here for
the browser's lifetime) and hands out other connection objects (asgiref keeps
them per context when a loop runs), which lack what pytest-django needs to put
the migrations' rows back. A browser kept for a module or the session would break
the database set-up of the tests after it, browser tests or not.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

import pytest
from django.db import connections
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Response,
    sync_playwright,
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu"]
PHONE_WIDTH, PHONE_HEIGHT = 390, 844
PHONE_LOCALE = "id-ID"
# A bound on one step (a click, a page load), not an expectation: pages answer in
# well under a second on the live server.
STEP_TIMEOUT_MS = 10_000

# Runs in every page before the page's own scripts (Playwright's init scripts are
# not subject to the page's CSP). It turns what a person would see go wrong into
# console errors, which the guard collects:
# - a CSP violation (Chromium also logs its own "Refused to ..." error);
# - a page wider than the phone, checked when a page has loaded and after htmx
#   settles a swap. The phone's own width is the measure: with a mobile viewport
#   Chromium zooms out to fit wide content, so `innerWidth` grows with the page and
#   `scrollWidth > innerWidth` alone would never fire.
GUARD_SCRIPT = Template("""
(() => {
  const width = $width;
  const report = (what) => console.error("[browser guard] " + what);
  document.addEventListener("securitypolicyviolation", (event) => {
    report("CSP violation: " + event.violatedDirective + " refused " +
           (event.blockedURI || "inline code") + " at " + event.sourceFile + ":" +
           event.lineNumber);
  });
  const checkWidth = () => {
    const page = document.documentElement;
    if (page.scrollWidth > width || window.innerWidth > width) {
      report("page wider than the phone: scrollWidth " + page.scrollWidth +
             ", innerWidth " + window.innerWidth + ", viewport " + width + " at " +
             location.pathname);
    }
  };
  window.addEventListener("load", checkWidth);
  document.addEventListener("htmx:afterSettle", checkWidth);
})();
""").substitute(width=PHONE_WIDTH)

WIDTH_JS = """() => ({
  scrollWidth: document.documentElement.scrollWidth,
  innerWidth: window.innerWidth,
})"""


@dataclass
class Guard:
    """What went wrong in a test's pages, reported after the test body ran."""

    pages: list[Page] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        self.pages.append(page)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            location = message.location.get("url", "")
            self.problems.append(f"console error: {message.text} ({location})")

    def _response(self, response: Response) -> None:
        # A 4xx may be what a test expects (a page outside scope); a 5xx never is.
        if response.status >= 500:
            self.problems.append(f"server error: {response.status} {response.url}")

    def check(self) -> None:
        for page in self.pages:
            if page.is_closed():
                continue
            widths = page.evaluate(WIDTH_JS)
            if max(widths.values()) > PHONE_WIDTH:
                self.problems.append(
                    f"page wider than the phone at {page.url}: {json.dumps(widths)}"
                )
        if self.problems:
            pytest.fail("\n".join(self.problems), pytrace=False)


GUARD = pytest.StashKey[Guard]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    # After the test body: its pages' console errors, CSP violations and widths
    # fail the test itself (not its teardown). A test that already failed keeps
    # its own failure.
    result = yield
    guard = item.stash.get(GUARD, None)
    if guard is not None:
        guard.check()
    return result


@pytest.fixture
def browser(django_db_serialized_rollback, live_server) -> Iterator[Browser]:
    """Chromium for one test: started once the test's database is ready, closed
    before it is flushed (see the module's docstring)."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: `make test` installs Debian's chromium "
            "(apt-get install chromium)",
            pytrace=False,
        )
    with pytest.MonkeyPatch.context() as patch:
        # The test body reads and writes rows while Playwright's loop runs.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
            )
            try:
                yield chromium
            finally:
                # The connections the test body opened while the loop ran.
                connections.close_all()
                chromium.close()


@pytest.fixture
def phone(request, browser: Browser, live_server) -> Iterator[Page]:
    """A page in a 390x844 phone; `request.param` (indirect) sets its locale."""
    locale = getattr(request, "param", PHONE_LOCALE)
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": PHONE_WIDTH, "height": PHONE_HEIGHT},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
        locale=locale,
        timezone_id="Asia/Jakarta",
    )
    context.set_default_timeout(STEP_TIMEOUT_MS)
    context.add_init_script(GUARD_SCRIPT)
    guard = Guard()
    context.on("page", guard.watch)
    request.node.stash[GUARD] = guard
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def browser_guard(request, phone: Page) -> Guard:
    """The guard watching `phone`'s pages (for the harness's own tests)."""
    return request.node.stash[GUARD]
