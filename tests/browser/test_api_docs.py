"""A city web team opens the API docs on a network without internet: Swagger UI and ReDoc render the API from
this server's own files, in Chromium, under the pages' Content-Security-Policy."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import PageLog
from tests.browser.support import artifacts_dir, axe_violations, record_axe, screenshot

CONTRACTS = '.opblock-summary-path[data-path="/api/v1/contracts"]'
REDOC_LIST_CONTRACTS = '[data-section-id="operation/list_contracts"]'
# ReDoc 2 always shows a "API docs by Redocly" logo from its CDN; the CSP refuses it (img-src 'self'), ReDoc
# then hides the image, and the request never leaves the browser.
REDOCLY_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


def test_swagger_ui_shows_the_contracts_api_from_this_server_alone(page: Page, page_log: PageLog) -> None:
    page.goto("/docs#/contracts")  # a deep link to a tag: Swagger UI only renders the operations in view
    page.locator(CONTRACTS).first.click()
    page.get_by_role("button", name="Try it out").first.wait_for()
    page.wait_for_load_state("networkidle")
    screenshot(page, "api-docs-swagger-ui", full_page=False)  # the page is mostly the virtual list's padding

    assert any(url.endswith("/openapi.json") for url in page_log.requests)
    assert page_log.left_origin() == []
    assert page_log.refused_by_csp == []
    assert not [message for message in page_log.console_errors if "Content Security Policy" in message]


def test_redoc_shows_and_searches_the_api_from_this_server_alone(page: Page, page_log: PageLog) -> None:
    page.goto("/redoc")
    page.locator(REDOC_LIST_CONTRACTS).wait_for()
    page.get_by_role("textbox", name="Search").fill("contracts")  # the search index runs in a blob: worker
    page.locator('[data-role="search:results"] [role="menuitem"]').first.wait_for()
    page.wait_for_load_state("networkidle")
    screenshot(page, "api-docs-redoc", full_page=False)  # the whole API is one page some 170,000 px tall

    assert page_log.left_origin() == []
    assert page_log.refused_by_csp == [REDOCLY_LOGO]
    assert [message for message in page_log.console_errors if "Content Security Policy" in message] == [
        message for message in page_log.console_errors if REDOCLY_LOGO in message
    ]


@pytest.mark.parametrize(
    ("kind", "path", "rendered", "within"),
    [
        pytest.param("api-docs-swagger-ui", "/docs", ".opblock", (), id="swagger-ui"),
        # ReDoc renders the whole API at once (about 50,000 elements): its menu and one operation stand for it.
        pytest.param(
            "api-docs-redoc", "/redoc", REDOC_LIST_CONTRACTS, (".menu-content", REDOC_LIST_CONTRACTS), id="redoc"
        ),
    ],
)
def test_the_accessibility_of_the_third_party_docs_is_measured(
    axe_page: Page, kind: str, path: str, rendered: str, within: tuple[str, ...]
) -> None:
    """Swagger UI and ReDoc are not ours to fix: their axe figures are recorded for the record, not enforced."""
    axe_page.goto(path)
    axe_page.locator(rendered).first.wait_for()

    violations = axe_violations(axe_page, within)
    record_axe(kind, violations)

    recorded = json.loads((artifacts_dir() / "axe.json").read_text(encoding="utf-8"))[kind]
    assert recorded["violations"] == len(violations)
    assert recorded["nodes"] == sum(len(violation["targets"]) for violation in violations)
    assert all(violation["id"] and violation["targets"] for violation in violations)
