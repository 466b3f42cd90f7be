"""Operators read one JSON object per line, every line of a request carrying its request id; clients never
see a stack trace, and no log line carries a credential."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.ops.logs import JsonFormatter, configure_logging

SECRET_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyOjEifQ.c2lnbmF0dXJlLXRoYXQtbXVzdC1ub3QtbGVhaw"


def lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    """Every captured record as the JSON line the server would write (one line each)."""
    formatter = JsonFormatter()
    out = []
    for record in caplog.records:
        line = formatter.format(record)
        assert "\n" not in line
        out.append(json.loads(line))
    return out


@pytest.fixture
def app() -> FastAPI:
    from app.main import create_app

    application = create_app()

    def explode() -> None:
        raise RuntimeError("could not connect to postgresql://app:hunter2@db.internal/rdc (password=hunter2)")

    application.add_api_route("/boom/{id}", explode, methods=["GET"], name="boom", include_in_schema=False)
    return application


def test_an_unexpected_error_is_a_500_problem_with_no_trace_and_its_log_names_the_request(
    app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    client = TestClient(app)

    response = client.get("/boom/7", headers={"X-Request-ID": "incident-2026-0042"})

    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["x-request-id"] == "incident-2026-0042"  # what the caller quotes when reporting it
    assert response.headers["x-content-type-options"] == "nosniff"
    body = response.json()
    assert body["type"].endswith("/internal-error")
    for leak in ("Traceback", "RuntimeError", "hunter2", "db.internal", "explode"):
        assert leak not in response.text
    logged = lines(caplog)
    [error] = [line for line in logged if line["logger"] == "app.problems"]
    assert error["level"] == "ERROR"
    assert error["request_id"] == "incident-2026-0042"
    assert "RuntimeError" in error["exception"]  # the operator gets the trace, in the log only
    assert "postgresql://app:[redacted]@db.internal" in error["exception"]
    assert "hunter2" not in json.dumps(logged)
    [access] = [line for line in logged if line["logger"] == "app.access"]
    assert access["request_id"] == "incident-2026-0042"
    assert (access["method"], access["route"], access["status"]) == ("GET", "/boom/{id}", 500)


def test_every_request_leaves_one_json_access_line_without_credentials(
    app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    client = TestClient(app)

    response = client.get(
        "/api/v1/contracts/42", headers={"Authorization": f"Bearer {SECRET_TOKEN}", "X-Request-ID": "erp-run-7"}
    )

    assert response.status_code == 401
    [access] = [line for line in lines(caplog) if line["logger"] == "app.access"]
    assert set(access) >= {
        "time",
        "level",
        "logger",
        "message",
        "request_id",
        "method",
        "route",
        "status",
        "duration_ms",
    }
    assert access["request_id"] == "erp-run-7"
    assert (access["method"], access["route"], access["status"]) == ("GET", "/api/v1/contracts/{id}", 401)
    assert isinstance(access["duration_ms"], float)
    assert access["time"].endswith("+00:00")
    everything = "\n".join(JsonFormatter().format(record) for record in caplog.records)
    assert SECRET_TOKEN not in everything
    assert "Bearer" not in everything


def test_credentials_that_reach_a_log_message_are_masked() -> None:
    formatter = JsonFormatter()
    record = logging.LogRecord("app.x", logging.WARNING, __file__, 1, "retrying with %s", None, None)
    record.args = (f"Authorization: Bearer {SECRET_TOKEN} to https://erp:pa55word@erp.city.example?token=abc123",)
    record.password = "hunter2"
    record.client_secret = "s3cret"
    record.metric_count = 3

    line = json.loads(formatter.format(record))

    assert SECRET_TOKEN not in json.dumps(line)
    assert line["message"] == (
        "retrying with Authorization: Bearer [redacted] to https://erp:[redacted]@erp.city.example?token=[redacted]"
    )
    assert (line["password"], line["client_secret"], line["metric_count"]) == ("[redacted]", "[redacted]", 3)
    assert line["request_id"] is None  # not inside a request


def test_configuring_twice_keeps_one_handler_and_quiets_uvicorns_own_access_log() -> None:
    configure_logging("INFO", "json")
    configure_logging("WARNING", "text")
    ours = [h for h in logging.getLogger().handlers if getattr(h, "_rdc", False)]
    assert len(ours) == 1
    assert logging.getLogger().level == logging.WARNING
    assert not logging.getLogger("uvicorn.access").hasHandlers()
    configure_logging("INFO", "json")
