"""What a city gets when it deploys with RDC_ENV=production and sets nothing else: no API explorer, no open
Prometheus scrape, no shared caching of signed-in answers, HSTS over HTTPS, and no redirect that follows the
Host header."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.config import get_settings
from app.main import create_app
from tests.auth.helpers import reconfigure
from tests.support import Actor

SCRAPE_TOKEN = "scrape-token-" + "s" * 24

MakeApp = Callable[..., FastAPI]


@pytest.fixture
def production(configured: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[MakeApp]:
    """Builds the app as a production deployment would, with these extra settings."""

    def make(**settings: str) -> FastAPI:
        reconfigure(monkeypatch, env="production", **settings)
        return create_app()

    yield make
    get_settings.cache_clear()


def test_the_api_explorer_is_off_in_production_unless_asked_for(production: MakeApp) -> None:
    closed = TestClient(production())
    assert [closed.get(path).status_code for path in ("/docs", "/redoc", "/openapi.json")] == [404, 404, 404]

    opened = TestClient(production(docs_enabled="true"))
    assert [opened.get(path).status_code for path in ("/docs", "/openapi.json")] == [200, 200]


def test_the_scrape_is_off_in_production_and_needs_its_token_when_one_is_set(production: MakeApp) -> None:
    assert TestClient(production()).get("/metrics").status_code == 404

    protected = TestClient(production(metrics_token=SCRAPE_TOKEN))
    assert protected.get("/metrics").status_code == 404
    assert protected.get("/metrics", headers={"Authorization": "Bearer wrong-token"}).status_code == 404
    scrape = protected.get("/metrics", headers={"Authorization": f"Bearer {SCRAPE_TOKEN}"})
    assert scrape.status_code == 200 and "rdc_http_requests_total" in scrape.text


def test_signed_in_answers_are_never_kept_by_shared_caches(admin: Actor, anonymous: Actor) -> None:
    assert admin.get("/api/v1/contracts").headers["cache-control"] == "no-store"
    assert anonymous.get("/public/v1/contracts").headers["cache-control"].startswith("public")


def test_hsts_is_sent_over_https_only(configured: str) -> None:
    app = create_app()
    assert "strict-transport-security" in TestClient(app, base_url="https://city.example").get("/healthz").headers
    assert "strict-transport-security" not in TestClient(app, base_url="http://city.example").get("/healthz").headers


def test_a_trailing_slash_is_not_redirected_to_whatever_host_the_request_names(anonymous: Actor) -> None:
    response = anonymous.get("/public/v1/contracts/", headers={"Host": "evil.example"}, follow_redirects=False)

    assert response.status_code == 404
    assert "location" not in response.headers
