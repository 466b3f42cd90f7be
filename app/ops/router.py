"""`/healthz` (the process is alive), `/readyz` (it can serve: database up, schema current), `/metrics`."""

import hmac
from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy import Engine

from app.config import SettingsDep
from app.db import get_engine
from app.kit.problems import Problem, problem_response
from app.migrations import is_at_head
from app.ops.scrape import render

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="The process is alive", name="healthz")
async def healthz() -> dict[str, str]:
    # No database, no thread: answers as long as the event loop does.
    return {"status": "ok"}


def readiness_problem(engine: Engine) -> str | None:
    """Why this process should not get traffic yet, or None when it is ready."""
    try:
        at_head = is_at_head(engine)
    except Exception:
        return "the database does not answer"
    if not at_head:
        return "the database schema is not at the latest migration (run `rdc migrate`)"
    return None


@router.get(
    "/readyz",
    response_model=dict[str, str],
    summary="The database answers and its schema is at the latest migration (503 otherwise)",
    name="readyz",
    responses={503: {"model": Problem, "content": {"application/problem+json": {}}}},
)
def readyz() -> Any:
    problem = readiness_problem(get_engine())
    if problem is not None:
        return problem_response(503, "not-ready", "Not ready to serve", detail=problem, instance="/readyz")
    return {"status": "ready"}


@router.get(
    "/metrics",
    summary="Prometheus metrics (text exposition format)",
    name="metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}, "description": "The scrape"}},
)
def metrics(request: Request, settings: SettingsDep) -> Response:
    if not settings.metrics_open:
        expected = f"Bearer {settings.metrics_token}" if settings.metrics_token else None
        given = request.headers.get("authorization", "")
        if expected is None or not hmac.compare_digest(given.encode(), expected.encode()):
            # Off in production without a token; with one, anyone without it learns nothing about the service.
            return problem_response(404, "not-found", "Not found", detail="no such resource", instance="/metrics")
    body, content_type = render()
    return Response(body, media_type=content_type, headers={"Cache-Control": "no-store"})
