"""Real-browser fixtures: Debian's Chromium driven by Playwright, against a live server with the demo city.

The demo city is seeded once per run; one server and one browser per test module (they take seconds to start);
a new browser context per test.
Playwright cannot download browsers here: it drives the system's /usr/bin/chromium (or $RDC_CHROMIUM).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Request, ViewportSize, sync_playwright

from tests.browser.support import off_origin
from tests.servers import Server, start_uvicorn

CHROMIUM = Path(os.environ.get("RDC_CHROMIUM", "/usr/bin/chromium"))
# The machine's network is closed: Chromium's own background calls (updates, sync, QUIC probes) would only fail.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT: ViewportSize = {"width": 1280, "height": 900}
WAIT_MS = 60_000  # generous: a shared 2-core machine renders a large bundle slowly
RDC = Path(sys.executable).with_name("rdc")


def _demo_env(folder: Path) -> dict[str, str]:
    return os.environ | {
        "RDC_DATABASE_URL": f"sqlite:///{folder / 'demo.db'}",
        "RDC_EVIDENCE_DIR": str(folder / "evidence"),
        "RDC_MAIL_BACKEND": "off",
        "RDC_LOG_LEVEL": "warning",
    }


@pytest.fixture(scope="session")
def seeded_demo_city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the demo city's SQLite database (`rdc migrate`, `rdc demo`), built once per test run.

    The xdist workers share it (the first builds it under a lock): pytest-xdist's loadgroup cannot keep the
    browser tests on one worker with pytest 9.2 (pytest-dev/pytest-xdist#1386), so each worker may start servers.
    """
    run_folder = tmp_path_factory.getbasetemp()
    if "PYTEST_XDIST_WORKER" in os.environ:
        run_folder = run_folder.parent  # common to the workers of this run
    folder = run_folder / "browser-demo-city"
    with open(run_folder / "browser-demo-city.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "seeded").exists():
            shutil.rmtree(folder, ignore_errors=True)  # a build that died half-way
            folder.mkdir()
            for command in ("migrate", "demo"):
                subprocess.run([str(RDC), command], env=_demo_env(folder), check=True, capture_output=True, timeout=300)
            (folder / "seeded").touch()
    return folder


@pytest.fixture(scope="module")
def demo_city(seeded_demo_city: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """uvicorn serving a copy of the seeded demo city, for one test module."""
    folder = tmp_path_factory.mktemp("browser-demo")
    shutil.copytree(seeded_demo_city, folder, dirs_exist_ok=True)
    server = start_uvicorn(_demo_env(folder))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Chromium is missing at {CHROMIUM}, and CI=true requires it (.ci/run installs chromium)")
        pytest.skip("Chromium is not installed: browser tests skipped (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=WAIT_MS * 2)
        yield chromium
        chromium.close()


@dataclass
class PageLog:
    """What a page did: every request URL (its workers' too), those its Content-Security-Policy refused before
    they were sent, and the console's errors."""

    origin: str
    requests: list[str] = field(default_factory=list)
    refused_by_csp: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def left_origin(self) -> list[str]:
        """The requests that went out to anywhere but the server (a request the CSP refused never left)."""
        return [url for url in off_origin(self.requests, self.origin) if url not in self.refused_by_csp]


@pytest.fixture
def page_log(demo_city: Server) -> PageLog:
    return PageLog(origin=demo_city.base)


def _open_page(browser: Browser, log: PageLog, *, bypass_csp: bool) -> Iterator[Page]:
    context: BrowserContext = browser.new_context(base_url=log.origin, viewport=VIEWPORT, bypass_csp=bypass_csp)
    context.set_default_timeout(WAIT_MS)

    def on_request(request: Request) -> None:
        log.requests.append(request.url)

    def on_failure(request: Request) -> None:
        if request.failure == "csp":
            log.refused_by_csp.append(request.url)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            log.console_errors.append(message.text)

    context.on("request", on_request)
    context.on("requestfailed", on_failure)
    context.on("console", on_console)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def page(browser: Browser, page_log: PageLog) -> Iterator[Page]:
    """A fresh page under the server's own Content-Security-Policy, its requests recorded in `page_log`."""
    yield from _open_page(browser, page_log, bypass_csp=False)


@pytest.fixture
def axe_page(browser: Browser, page_log: PageLog) -> Iterator[Page]:
    """A fresh page that ignores the server's Content-Security-Policy, so that axe-core can be injected."""
    yield from _open_page(browser, page_log, bypass_csp=True)
