"""The API docs work on a city network without internet: /docs and /redoc load only this server's own files,
under a Content-Security-Policy that runs no inline or remote script (the browser half: tests/browser)."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from app.config import get_settings
from app.main import create_app

DOCS_PAGES = ("/docs", "/redoc")
CONTENT_TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}


class PageParts(HTMLParser):
    """The URLs a page loads (src and href) and the bodies of its script elements."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.spec_urls: list[str] = []
        self.inline_scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.urls += [url for name in ("src", "href") if (url := found.get(name))]
        self.spec_urls += [url for name in ("data-spec-url", "spec-url") if (url := found.get(name))]
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts.append(data)


def parts(html: str) -> PageParts:
    parser = PageParts()
    parser.feed(html)
    return parser


def directives(policy: str) -> dict[str, list[str]]:
    pairs = (directive.split() for directive in policy.split(";") if directive.strip())
    return {name: sources for name, *sources in pairs}


@pytest.fixture
def docs_client() -> Iterator[TestClient]:
    """The app without its lifespan: the docs need no database."""
    get_settings.cache_clear()
    yield TestClient(create_app())
    get_settings.cache_clear()


@pytest.mark.parametrize("path", DOCS_PAGES)
def test_a_docs_page_loads_only_assets_of_its_own_server(docs_client: TestClient, path: str) -> None:
    page = docs_client.get(path)

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    urls = parts(page.text).urls
    assert any(url.endswith(".js") for url in urls)
    for url in urls:
        assert url.startswith("/static/vendor/") or url.startswith("/static/docs/"), url
        asset = docs_client.get(url)
        assert asset.status_code == 200, url
        suffix = url[url.rindex(".") :]
        assert asset.headers["content-type"].startswith(CONTENT_TYPES[suffix]), (url, asset.headers["content-type"])


@pytest.mark.parametrize("path", DOCS_PAGES)
def test_a_docs_page_reads_the_servers_own_openapi_document(docs_client: TestClient, path: str) -> None:
    (spec_url,) = parts(docs_client.get(path).text).spec_urls

    assert spec_url == docs_client.app.openapi_url  # type: ignore[attr-defined]
    assert docs_client.get(spec_url).json()["info"]["title"] == "Results Tracker"


@pytest.mark.parametrize("path", DOCS_PAGES)
def test_a_docs_page_runs_no_inline_or_remote_script(docs_client: TestClient, path: str) -> None:
    page = docs_client.get(path)

    assert parts(page.text).inline_scripts == []
    policy = directives(page.headers["content-security-policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert all("unsafe-eval" not in source for sources in policy.values() for source in sources)
    assert page.headers["x-content-type-options"] == "nosniff"


def test_production_serves_no_docs_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RDC_ENV", "production")
    monkeypatch.setenv("RDC_DOCS_ENABLED", "false")
    get_settings.cache_clear()
    try:
        client = TestClient(create_app())
        answers = {path: client.get(path).status_code for path in (*DOCS_PAGES, "/openapi.json")}
    finally:
        get_settings.cache_clear()

    assert answers == {"/docs": 404, "/redoc": 404, "/openapi.json": 404}
