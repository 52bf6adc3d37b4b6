"""Browser fixtures: Playwright drives Debian's Chromium against a live server.

The app under test is a real HTTP server (werkzeug, in a background thread) on the
session's test database, with CSRF protection on, as in production. The server's thread
and the test's own work reach the database over separate connections, so every test here
takes the `real_db` path (real commits; the database is emptied and seeded again after).
Playwright's own browsers are never downloaded: the tests launch the `chromium` package's
binary, and they are skipped, with the reason, on a machine without it (`.ci/run` installs
it).
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.served import served

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_TESTS = Path(__file__).parent
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Reports a CSP violation on the console in a wording the tests look for, whatever the
# browser's own message. Init scripts are injected by Playwright, outside the page's CSP.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("Content Security Policy violation: " + event.violatedDirective
                + " blocked " + (event.blockedURI || "inline code"));
});
"""


def pytest_collection_modifyitems(config, items):
    """Mark every test here `browser` and `real_db`; skip them all when Chromium is missing.

    Skipping at collection means the session-scoped browser fixture is never set up, so
    Playwright never tries to launch (or download) anything. Under pytest-xdist with
    `--dist loadgroup` (as `make test` runs) they all go to one worker, so one Chromium runs
    at a time.
    """
    in_one_worker = config.pluginmanager.hasplugin("xdist")
    skip = None
    if not CHROMIUM.exists():
        skip = pytest.mark.skip(
            reason=f"Debian's Chromium ({CHROMIUM}) is not installed; .ci/run installs it"
        )
    for item in items:
        if BROWSER_TESTS not in item.path.parents:
            continue
        item.add_marker(pytest.mark.browser)
        item.add_marker(pytest.mark.real_db)
        if in_one_worker:
            item.add_marker(pytest.mark.xdist_group("browser"))
        if skip is not None:
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _patient_expect():
    """Wait up to 15 s (not Playwright's 5) for what an `expect` asserts to come true.

    On a busy two-core machine (the other xdist worker, Chromium and the server in one
    process) a swap can take longer than 5 s; what is asserted stays the same.
    """
    expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # `--headed` on the command line still wins over the headless default.
    return {
        "headless": True,
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # The base URL is the live server's, known per test: see `context` below.
    args = {key: value for key, value in browser_context_args.items() if key != "base_url"}
    # The service worker (static/sw.js) would answer requests that `page.route` is meant to
    # see; the tests of the worker itself (test_pwa.py) allow it again.
    return {**args, "locale": "id-ID", "timezone_id": "Asia/Jakarta",
            "service_workers": "block"}


@pytest.fixture
def live_server(app_factory) -> Iterator[str]:
    """The app served over HTTP on a free local port; yields its base URL."""
    with served(app_factory(WTF_CSRF_ENABLED=True)) as base:
        yield base


@pytest.fixture
def context(new_context, live_server):
    context = new_context(base_url=live_server)
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    return context


# htmx reports a request it aborted on purpose (a field's check, `hx-sync="closest
# form:abort"`, when its boosted form is sent) as a console error; failed requests still
# count (htmx:responseError, htmx:sendError).
INTENDED_ABORT = ("htmx:sendAbort", "htmx:afterRequest")


def watch_console(page) -> list[str]:
    """Console errors and uncaught exceptions of `page` from now on, CSP violations
    included."""
    errors: list[str] = []

    def on_console(message):
        text, url = message.text, message.location.get("url", "")
        if text.startswith(INTENDED_ABORT):
            return
        if message.type == "error" or "Content Security Policy" in text or "Refused" in text:
            errors.append(f"{message.type}: {text} ({url})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    return errors


@pytest.fixture
def console_errors(page) -> list[str]:
    """Console errors and uncaught exceptions of the page, CSP violations included."""
    return watch_console(page)
