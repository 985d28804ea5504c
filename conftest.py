"""Fixtures shared by every test: a practice with its people, a second practice, a browser."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; the database calls made
# beside it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = os.environ.get("SOMATRACE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Argon2 is deliberately slow; tests that are about hashing read the settings module.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The test client and the live server speak plain http. Production's https settings are
    # checked in core/tests/test_settings.py by loading the settings in a fresh process.
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """In CI nothing may skip: a skipped browser or PostgreSQL test is a failure."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"Skipped in CI, which is not allowed: {report.longrepr}"


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Uploaded files (attachments) go to a fresh directory per test, not the repository's."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


# --- People and practices -----------------------------------------------------------------


@pytest.fixture
def practice(db: None) -> Any:
    from somatrace.testing import make_practice

    return make_practice("Riverside Practice", time_zone="Europe/London")


@pytest.fixture
def owner(practice: Any) -> Any:
    from somatrace.accounts.models import Role
    from somatrace.testing import make_member

    return make_member(practice, Role.OWNER, name="Olive Owner")


@pytest.fixture
def practitioner(practice: Any) -> Any:
    from somatrace.testing import make_member

    return make_member(practice, name="Pat Practitioner")


@pytest.fixture
def colleague(practice: Any) -> Any:
    """A practitioner in the same practice who is not assigned to `client_record`."""
    from somatrace.testing import make_member

    return make_member(practice, name="Cory Colleague")


@pytest.fixture
def assistant(practice: Any) -> Any:
    from somatrace.accounts.models import Role
    from somatrace.testing import make_member

    return make_member(practice, Role.ASSISTANT, name="Ash Assistant")


@pytest.fixture
def client_record(practice: Any, practitioner: Any) -> Any:
    from somatrace.testing import make_client

    return make_client(practice, practitioner, name="Quinn Example", consented=True)


@pytest.fixture
def other_practice(db: None) -> Any:
    from somatrace.testing import make_practice

    return make_practice("Elsewhere Practice")


@pytest.fixture
def outsider(other_practice: Any) -> Any:
    """The owner of another practice: must never see anything of `practice`."""
    from somatrace.accounts.models import Role
    from somatrace.testing import make_member

    return make_member(other_practice, Role.OWNER, name="Otto Outsider")


@pytest.fixture
def login(client: Any) -> Callable[[Any], Any]:
    """login(user) -> the test client, logged in as that user."""

    def _login(user: Any) -> Any:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login


@pytest.fixture
def portal_login() -> Callable[[Any, Any], Any]:
    """portal_login(django_test_client, user) -> that test client, signed in to the portal as
    the client account `user` (make_client_account)."""

    def _login(browser: Any, user: Any) -> Any:
        browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return browser

    return _login


# --- Browser ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}. Install it with `apt-get install -y chromium` "
            "(make test does this) or set SOMATRACE_CHROMIUM.",
            pytrace=False,
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


class _ServerRequests:
    """The requests the live server's threads are handling right now.

    On SQLite the live server shares the test's in-memory connection, so a request still
    running when the test ends (a tap whose POST is in flight) would write into the flush that
    empties the database between tests: a FOREIGN KEY failure in the next test, or this one.
    """

    def __init__(self) -> None:
        self._threads: set[int] = set()
        self._lock = threading.Lock()

    def started(self, **kwargs: Any) -> None:
        # The test thread's own test client is not the live server; its streamed responses
        # may stay open until the test ends.
        if threading.current_thread() is not threading.main_thread():
            with self._lock:
                self._threads.add(threading.get_ident())

    def finished(self, **kwargs: Any) -> None:
        with self._lock:
            self._threads.discard(threading.get_ident())

    def wait_until_idle(self, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while self._threads:
            if time.monotonic() > deadline:
                pytest.fail(
                    f"The live server was still handling a request {timeout:.0f} s "
                    "after the test ended.",
                    pytrace=False,
                )
            time.sleep(0.01)


_server_requests = _ServerRequests()


@pytest.fixture(autouse=True)
def _live_server_idle_before_flush(request: pytest.FixtureRequest) -> Iterator[None]:
    """Tests on the live server end only once it has answered everything the browser asked.

    Set up after pytest-django's own autouse database fixture, so torn down before its flush
    and after the browser page (a plain fixture) has closed.
    """
    if "live_server" not in request.fixturenames:
        yield
        return
    from django.core.signals import request_finished, request_started

    request_started.connect(_server_requests.started, dispatch_uid="somatrace-live-requests")
    request_finished.connect(_server_requests.finished, dispatch_uid="somatrace-live-requests")
    yield
    _server_requests.wait_until_idle()


@pytest.fixture
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "en-GB", "timezone_id": "Europe/London"}


@pytest.fixture
def signed_in_page(page: Any, live_server: Any) -> Callable[[Any], Any]:
    """signed_in_page(user) -> a Playwright page logged in through the real login form."""
    from somatrace.testing import PASSWORD

    def _sign_in(user: Any) -> Any:
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return _sign_in


# --- Email --------------------------------------------------------------------------------


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[Any]:
    """A real SMTP server (aiosmtpd) in this process, with Django's email pointed at it:
    `.messages` (parsed, in order) and `.wait_for(count, timeout=5)`."""
    from somatrace.mail.testing import point_django_at, running_smtp_server

    with running_smtp_server() as server:
        point_django_at(settings, server)
        yield server
