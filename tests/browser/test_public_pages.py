"""A resident reads the city's progress in Chromium: from the priorities to a metric, the chart and table agree
with the public API, filters and paging work, the CSV downloads; every kind of page passes axe-core (WCAG 2.1 A
and AA) and every link can be reached with the keyboard alone. Screenshots of each kind go to test-artifacts/."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page

from tests.browser.conftest import PageLog
from tests.browser.support import axe_violations, record_axe, screenshot, tab_through, visible_links
from tests.servers import Server

pytestmark = pytest.mark.xdist_group("browser")  # one worker: one demo server and one Chromium for the module


def _api(server: Server, path: str, **params: Any) -> Any:
    response = httpx.get(f"{server.base}/public/v1{path}", params=params, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def _chart_values(svg: str) -> list[float]:
    """The values pygal writes under each dot ("Nov 2026: 68"); only the readings have dots."""
    return [float(v.replace(",", "")) for v in re.findall(r'<desc class="value">[^<]*: ([-\d.,]+)</desc>', svg)]


def test_a_resident_goes_from_the_priorities_to_a_metric_and_reads_the_api_figures(
    page: Page, page_log: PageLog, demo_city: Server
) -> None:
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text() == "What the city is trying to achieve"
    screenshot(page, "home")

    page.get_by_role("link", name="Vision Zero: zero traffic deaths by 2030").click()
    page.get_by_role("heading", name=re.compile("Contracts and grants that serve it")).wait_for()
    screenshot(page, "priority")

    page.get_by_role("link", name="Pothole repair services").click()
    page.get_by_role("heading", level=1, name="Pothole repair services").wait_for()
    charts = page.locator("figure.chart img")
    assert charts.count() >= 2
    assert all(charts.nth(i).evaluate("img => img.complete && img.naturalWidth > 0") for i in range(charts.count()))
    screenshot(page, "contract")

    page.get_by_role("link", name="Potholes repaired within 48 hours of report").first.click()
    page.get_by_role("heading", level=1, name="Potholes repaired within 48 hours of report").wait_for()
    metric_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    api = _api(demo_city, f"/metrics/{metric_id}")
    reported = {p["period"]: float(p["actual"]) for p in api["periods"] if p["actual"] is not None}
    assert len(reported) >= 12

    rows = page.locator("#metric-figures tbody tr")
    shown = {
        rows.nth(i).locator("th").get_attribute("data-period"): rows.nth(i)
        .locator("td[data-value]")
        .get_attribute("data-value")
        for i in range(rows.count())
    }
    assert {period: float(value) for period, value in shown.items() if value} == reported
    chart = page.locator("figure.chart img").first
    assert chart.evaluate("img => img.complete && img.naturalWidth > 0")
    assert "Line chart of Potholes repaired within 48 hours of report" in (chart.get_attribute("alt") or "")
    svg = page.request.get(chart.get_attribute("src") or "").text()
    assert sorted(_chart_values(svg)) == sorted(reported.values())
    screenshot(page, "metric")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download these figures as CSV").click()
    table = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    assert {row["period"]: float(row["reading"]) for row in table if row["reading"]} == reported
    assert [row["status"] for row in table] == [p["status"] for p in api["periods"]]

    page.goto(f"/embed/metrics/{metric_id}")
    screenshot(page, "embed", full_page=False)
    assert page_log.left_origin() == []
    assert page_log.console_errors == []  # a refused script, style or image would show here


def test_a_resident_filters_contracts_and_grants_and_turns_pages(
    page: Page, page_log: PageLog, demo_city: Server
) -> None:
    page.goto("/search")
    everything = _api(demo_city, "/contracts")["total"] + _api(demo_city, "/grants")["total"]
    assert page.get_by_role("heading", name=f"{everything} results").is_visible()
    assert everything > 20  # more than one page
    page.get_by_role("link", name="Next page").click()
    assert "Page 2 of" in page.locator(".pager").inner_text()

    page.goto("/search")
    page.get_by_label("Department").select_option(label="Department of Transportation")
    page.get_by_label("Results").select_option(label="Off track")
    page.get_by_role("button", name="Show").click()
    screenshot(page, "search")
    department = next(d for d in _api(demo_city, "/contracts", limit=200)["items"] if d["department"]["code"] == "DOT")
    expected = (
        _api(demo_city, "/contracts", department_id=department["department"]["id"], standing="off_track", limit=200)[
            "items"
        ]
        + _api(demo_city, "/grants", department_id=department["department"]["id"], standing="off_track")["items"]
    )
    listed = page.locator("table.awards tbody tr")
    assert listed.count() == len(expected) >= 1
    assert all("Off track" in listed.nth(i).locator(".badge").inner_text() for i in range(listed.count()))
    assert {listed.nth(i).locator("th a").inner_text() for i in range(listed.count())} == {a["title"] for a in expected}
    assert page.get_by_label("Department").input_value() == str(department["department"]["id"])  # the form remembers
    assert page_log.left_origin() == []


def _page_kinds(server: Server) -> dict[str, str]:
    grant = _api(server, "/grants")["items"][0]["id"]
    priority = _api(server, "/priorities")["items"][0]["id"]
    stale = _api(server, "/contracts", standing="overdue")["items"][0]["id"]
    return {
        "home": "/",
        "priority": f"/priorities/{priority}",
        "contract": "/contracts/1",
        "contract-not-reported": f"/contracts/{stale}",
        "grant": f"/grants/{grant}",
        "metric": "/metrics/2",
        "search": "/search?standing=off_track",
        "search-error": "/search?department_id=roads",
        "embed": "/embed/metrics/2",
        "not-found": "/contracts/999999",
    }


def test_every_kind_of_page_passes_axe_and_every_link_is_reached_by_keyboard(axe_page: Page, demo_city: Server) -> None:
    failures: dict[str, Any] = {}
    for kind, path in _page_kinds(demo_city).items():
        axe_page.goto(path)
        violations = axe_violations(axe_page)
        record_axe(f"public-{kind}", violations)
        if violations:
            failures[kind] = violations
        links = {link["href"] for link in visible_links(axe_page)}
        stops = set(tab_through(axe_page))
        unreachable = links - stops
        if unreachable:
            failures[f"{kind}: keyboard"] = sorted(unreachable)
        if kind in ("grant", "contract-not-reported", "search-error", "not-found"):
            screenshot(axe_page, kind)
    assert failures == {}
