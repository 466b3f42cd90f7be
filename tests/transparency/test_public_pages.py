"""A resident reads the city's progress in a browser's terms: HTML pages, from the same service as /public/v1.

(The real-browser walk, accessibility and screenshots are in tests/browser/; these run on both databases.)
"""

from __future__ import annotations

import csv
import io
import re
from collections import deque
from html.parser import HTMLParser

import httpx

from tests.support import Actor, City
from tests.transparency.scenario import READING_NOTE, VENDOR_CONTACT, VENDOR_EMAIL, VENDOR_PHONE, Published

PUBLIC = "/public/v1"
# What must never reach a page: vendor contacts, reading notes, unpublished records (see scenario.py).
PRIVATE_WORDS = (
    VENDOR_EMAIL,
    VENDOR_PHONE,
    VENDOR_CONTACT,
    READING_NOTE,
    "1 Asphalt Way",
    "Unannounced budget review",  # a private priority
    "C-2026-0200",  # a draft contract
    "C-2024-0007",  # a terminated contract
    "Bridges inspected",  # a procurement's metric
    "Cost per repair",  # a private metric
    "Crew output",  # a public metric under a private goal
    "412.75",  # the private metric's only reading
)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.images: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and found.get("href"):
            self.links.append(str(found["href"]))
        if tag == "img" and found.get("src"):
            self.images.append(str(found["src"]))


def _page(resident: Actor, path: str) -> httpx.Response:
    response = resident.get(path)
    assert response.status_code == 200, (path, response.text[:500])
    assert response.headers["content-type"].startswith("text/html"), path
    return response


def _crawl(resident: Actor, start: str = "/", limit: int = 60) -> dict[str, httpx.Response]:
    """Every page reachable from `start` by following the site's own links (not the API, docs or assets)."""
    seen: dict[str, httpx.Response] = {}
    queue = deque([start])
    while queue and len(seen) < limit:
        path = queue.popleft()
        if path in seen:
            continue
        response = resident.get(path)
        seen[path] = response
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue
        parser = _Links()
        parser.feed(response.text)
        for link in parser.links + parser.images:
            if link.startswith("/") and not link.startswith(("/public/", "/docs", "/redoc", "/static/")):
                queue.append(link)
    return seen


def test_a_resident_reads_the_city_priorities_and_how_they_are_going(
    resident: Actor, city: City, published: Published
) -> None:
    home = _page(resident, "/").text

    assert "What the city is trying to achieve" in home
    assert f'<a href="/priorities/{city.vision_zero}">Vision Zero: zero traffic deaths by 2030</a>' in home
    # Nothing has been reported since September 2025: late data is never counted as on track.
    api = resident.get(f"{PUBLIC}/priorities/{city.vision_zero}").json()
    assert api["counts"]["on_track"] == 0 and api["counts"]["overdue"] == 2
    assert re.search(r"<strong>2</strong> not reported recently", home)
    assert "No change since" in home  # every status here is new: nothing moved within the month

    priority = _page(resident, f"/priorities/{city.vision_zero}").text
    assert f'href="/contracts/{city.pothole_contract}"' in priority
    assert "Metro Paving Co." in priority and "$" in priority  # vendor and value
    assert "Not reported recently" in priority


def test_every_page_a_resident_can_reach_shows_only_what_is_published(
    resident: Actor, city: City, published: Published
) -> None:
    pages = _crawl(resident)

    kinds = {re.sub(r"/\d+", "/{id}", path.split("?")[0]) for path in pages}
    assert {"/", "/priorities/{id}", "/contracts/{id}", "/metrics/{id}", "/search"} <= kinds
    assert "/grants/{id}" in kinds and "/metrics/{id}/chart.svg" in kinds
    for path, response in pages.items():
        assert response.status_code == 200, path
        for word in PRIVATE_WORDS:
            assert word not in response.text, f"{word!r} is on {path}"
    assert resident.get(f"/metrics/{published.private_metric}").status_code == 404
    assert resident.get(f"/contracts/{published.draft_contract}").status_code == 404
    missing = resident.get("/contracts/not-a-number")
    assert missing.status_code == 404 and "Page not found" in missing.text


def test_pages_are_cacheable_set_no_cookies_and_allow_no_inline_or_foreign_script(
    resident: Actor, city: City, published: Published
) -> None:
    for path in ("/", f"/contracts/{city.pothole_contract}", f"/metrics/{city.pothole_metric}", "/search"):
        response = _page(resident, path)
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe" not in policy
        assert "frame-ancestors 'none'" in policy and response.headers["x-frame-options"] == "DENY"
        assert "set-cookie" not in response.headers
        assert response.headers["cache-control"] == "public, max-age=300"
        assert "<script" not in response.text and " style=" not in response.text
        again = resident.get(path, headers={"If-None-Match": response.headers["etag"]})
        assert again.status_code == 304 and again.content == b""

    embed = _page(resident, f"/embed/metrics/{city.pothole_metric}")
    assert "frame-ancestors *" in embed.headers["content-security-policy"]
    assert "x-frame-options" not in embed.headers  # other sites may frame this view, and only this one


def test_the_metric_page_table_chart_and_csv_show_the_public_api_figures(
    resident: Actor, city: City, published: Published
) -> None:
    api = resident.get(f"{PUBLIC}/metrics/{city.pothole_metric}").json()
    reported = {p["period"]: p["actual"] for p in api["periods"] if p["actual"] is not None}
    assert reported == {"2025-07": "74", "2025-08": "77", "2025-09": "79.5"}

    page = _page(resident, f"/metrics/{city.pothole_metric}").text
    rows = re.findall(r'data-period="([^"]+)".*?data-value="([^"]*)"', page, re.DOTALL)
    assert {period: value for period, value in rows if value} == reported
    assert "79.5 %" in page and "Last reported" in page and "A newer reading is overdue" in page

    table = list(csv.DictReader(io.StringIO(resident.get(f"/metrics/{city.pothole_metric}/data.csv").text)))
    assert [row["period"] for row in table] == [p["period"] for p in api["periods"]]
    assert {row["period"]: row["reading"] for row in table if row["reading"]} == reported
    assert all(row["expected"] == (p["expected"] or "") for row, p in zip(table, api["periods"], strict=True))
    first = api["periods"][0]
    assert table[0]["on_track_from"] == first["on_track_within"][0]  # the band the chart draws

    chart = resident.get(f"/metrics/{city.pothole_metric}/chart.svg")
    assert chart.headers["content-type"] == "image/svg+xml"
    assert "<script" not in chart.text
    # pygal writes each dot's value ("Sep 2025: 79.5"); only the readings have dots.
    dots = [float(v.replace(",", "")) for v in re.findall(r'<desc class="value">[^<]*: ([-\d.,]+)</desc>', chart.text)]
    assert sorted(dots) == sorted(float(v) for v in reported.values())


def test_a_resident_searches_and_filters_contracts_and_grants(
    resident: Actor, city: City, published: Published
) -> None:
    everything = _page(resident, "/search").text
    assert "2 results" in everything and "Rapid rehousing" in everything

    by_vendor = _page(resident, f"/search?vendor_id={city.housing_vendor}").text
    assert "1 result" in by_vendor and "Pothole repair services" not in by_vendor
    grants = _page(resident, "/search?kind=grant&q=rehousing").text
    assert "1 result" in grants
    late = _page(resident, "/search?standing=overdue").text
    listed_late = resident.get(f"{PUBLIC}/contracts", params={"standing": "overdue"}).json()
    assert listed_late["total"] == 1 and "Pothole repair services" in late
    assert _page(resident, "/search?standing=on_track").text.count("<tr>") == 0

    wrong = resident.get("/search?department_id=transport")
    assert wrong.status_code == 400 and "department_id" in wrong.text  # names the filter, in the page
