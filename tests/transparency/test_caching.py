"""The city's website and any cache in front of it can keep public pages for five minutes and revalidate cheaply."""

from __future__ import annotations

import pytest

from app.web.caching import matches, strong_etag
from tests.support import Actor, City, assert_problem
from tests.transparency.scenario import Published, correct_reading

PUBLIC = "/public/v1"


def _pages(city: City) -> list[str]:
    return [
        f"{PUBLIC}/priorities",
        f"{PUBLIC}/priorities/{city.vision_zero}",
        f"{PUBLIC}/contracts",
        f"{PUBLIC}/contracts/{city.pothole_contract}",
        f"{PUBLIC}/grants",
        f"{PUBLIC}/grants/{city.rehousing_grant}",
        f"{PUBLIC}/metrics/{city.pothole_metric}",
    ]


def test_every_public_page_has_a_strong_etag_and_may_be_cached_for_five_minutes(
    resident: Actor, city: City, published: Published
) -> None:
    for page in _pages(city):
        first, second = resident.get(page), resident.get(page)
        assert first.status_code == 200, first.text
        assert first.headers["Cache-Control"] == "public, max-age=300"
        etag = first.headers["ETag"]
        assert etag.startswith('"') and etag.endswith('"'), etag  # strong: no W/ prefix
        assert etag == strong_etag(first.content)  # computed from the body itself
        assert second.headers["ETag"] == etag, page  # nothing changed, so neither did the tag


def test_a_browser_revalidating_with_if_none_match_gets_304_without_a_body(
    resident: Actor, city: City, published: Published
) -> None:
    for page in _pages(city):
        etag = resident.get(page).headers["ETag"]
        for sent in (etag, f"W/{etag}", f'"stale", {etag}', "*"):
            revalidated = resident.get(page, headers={"If-None-Match": sent})
            assert revalidated.status_code == 304, (page, sent)
            assert revalidated.content == b""
            assert revalidated.headers["ETag"] == etag
            assert revalidated.headers["Cache-Control"] == "public, max-age=300"
        assert resident.get(page, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_a_corrected_reading_changes_the_etag_so_caches_fetch_the_new_figure(
    resident: Actor, admin: Actor, city: City, published: Published
) -> None:
    page = f"{PUBLIC}/contracts/{city.pothole_contract}"
    before = resident.get(page).headers["ETag"]

    correct_reading(admin, city.pothole_metric, "2025-09", "80.5")

    after = resident.get(page, headers={"If-None-Match": before})
    assert after.status_code == 200
    assert after.headers["ETag"] != before
    assert '"value":"80.5"' in after.text


def test_not_found_is_a_problem_and_is_not_marked_publicly_cacheable(resident: Actor, published: Published) -> None:
    response = resident.get(f"{PUBLIC}/contracts/{published.draft_contract}")
    assert_problem(response, 404)
    assert "public" not in response.headers.get("Cache-Control", "")


@pytest.mark.parametrize(
    ("header", "expected"),
    [(None, False), ("", False), ('"a"', True), ('W/"a"', True), ('"b", "a"', True), ("*", True), ('"b"', False)],
)
def test_if_none_match_uses_the_weak_comparison(header: str | None, expected: bool) -> None:
    assert matches(header, '"a"') is expected
