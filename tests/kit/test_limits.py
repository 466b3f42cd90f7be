"""Oversized bodies are refused with 413 problem+json before anything is parsed; every response carries
security headers."""

from fastapi.testclient import TestClient

from tests.support import Actor, assert_problem


def test_a_body_over_the_limit_is_refused_with_413(admin: Actor) -> None:
    huge = b'{"readings": [' + b" " * (17 * 1024 * 1024) + b"]}"
    response = admin.post("/api/v1/readings/batch", content=huge, headers={"Content-Type": "application/json"})
    body = assert_problem(response, 413)
    assert "limited" in body["detail"]


def test_a_chunked_body_over_the_limit_is_refused_with_413(admin: Actor) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        yield b'{"readings": ['
        for _ in range(20):
            yield b" " * (1024 * 1024)
        yield b"]}"

    response = admin.post("/api/v1/readings/batch", content=chunks(), headers={"Content-Type": "application/json"})
    assert_problem(response, 413)


def test_responses_carry_security_headers_and_a_request_id(client: TestClient) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "erp-run-42"})
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-request-id"] == "erp-run-42"
