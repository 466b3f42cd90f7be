"""The ASGI application: `app.main:app`."""

from __future__ import annotations

import asyncio
import gc
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache

from fastapi import APIRouter, Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from sqlmodel import Session

from app.accounts.router import router as auth_router
from app.accounts.service import ensure_first_admin
from app.actions.router import router as actions_router
from app.alerts.router import router as alerts_router
from app.audit.router import router as audit_router
from app.auth.dependencies import sign_in_missing
from app.awards.router import router as awards_router
from app.background import DISPATCH, DRAIN, job_host, refresh_queued_metrics
from app.config import get_settings, signing_keys
from app.db import get_engine
from app.departments.router import router as departments_router
from app.dialogue.router import router as dialogue_router
from app.effectiveness.router import router as effectiveness_router
from app.events.router import router as events_router
from app.evidence.router import router as evidence_router
from app.evidence.service import UPLOAD_PATHS, upload_limit
from app.goals.router import router as goals_router
from app.jobs.after_response import RunQueuedWork
from app.jobs.queue import JobRequest
from app.kit.contract import install_contract
from app.kit.input_guards import TextInputMiddleware, reject_unknown_query_parameters
from app.kit.limits import BodyLimitMiddleware
from app.kit.problems import install_problem_handlers
from app.kit.request_context import RequestIdMiddleware
from app.meetings.router import router as meetings_router
from app.metrics.router import carry_over_router
from app.metrics.router import router as metrics_router
from app.notifications.router import router as notifications_router
from app.ocds.router import router as ocds_router
from app.ops.logs import configure_logging
from app.ops.middleware import ObservabilityMiddleware
from app.ops.router import router as operations_router
from app.plans.router import router as plans_router
from app.priorities.router import router as priorities_router
from app.procurements.router import router as procurements_router
from app.readings.evidence import router as reading_evidence_router
from app.readings.router import router as readings_router
from app.status.router import router as status_router
from app.transparency.pages import router as public_pages_router
from app.transparency.router import router as transparency_router
from app.vendors.router import router as vendors_router
from app.web.docs import STATIC, STATIC_DIRECTORY, docs_router
from app.webhooks.router import router as webhooks_router

API_PREFIX = "/api/v1"

DESCRIPTION = """
Results-driven contracting for a city: procurements, contracts and grants with their goals and key
metrics, metric readings from ERPs and vendors, and early warning when a contract drifts off track.

Authenticate with `POST /api/v1/auth/token` (OAuth2 password grant for people, client credentials
for ERP integrations) and send `Authorization: Bearer <token>`. Errors are RFC 9457
`application/problem+json`. Updates need `If-Match` with the ETag from the last read.
"""


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = get_settings()
    signing_keys(settings)  # refuse to start without usable token keys
    with Session(get_engine()) as session:
        ensure_first_admin(session, settings)
    host = job_host()  # services nudge jobs through it after their commits
    worker_thread = settings.jobs_in_process and settings.jobs_worker_thread
    if worker_thread:
        # The same jobs `rdc worker` runs, in a thread of this process (on SQLite: the only worker there is).
        await asyncio.to_thread(host.start_worker, concurrency=settings.jobs_concurrency, name=f"api-{os.getpid()}")
        host.defer_all([JobRequest(DRAIN), JobRequest(DISPATCH)])  # at once: work a killed process left behind
    _freeze_startup_heap()
    yield
    if worker_thread:
        await asyncio.to_thread(host.stop_worker)


@cache
def _freeze_startup_heap() -> None:
    """Moves everything built at start-up (modules, schemas, metadata) out of the garbage collector's view.

    A 10,000-reading batch allocates enough objects to trigger full collections, and each would otherwise
    rescan this long-lived heap: the batch takes 0.36 s instead of 0.40-0.50 s (bench/ingest.py). Once per
    process (cached), so objects of later requests are collected as usual.
    """
    gc.freeze()


def _operation_id(route: APIRoute) -> str:
    return route.name


def create_app() -> FastAPI:
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    docs = settings.serves_docs
    openapi_url = "/openapi.json"
    app = FastAPI(
        title="Results Tracker",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        generate_unique_id_function=_operation_id,
        docs_url=None,  # app.web.docs serves /docs and /redoc from vendored assets, not from a CDN
        redoc_url=None,
        openapi_url=openapi_url if docs else None,
        redirect_slashes=False,  # a redirect built from the Host header could send a client anywhere
    )
    install_problem_handlers(app, refuse_first=sign_in_missing)
    install_contract(app)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "If-Match",
                "If-None-Match",
                "Idempotency-Key",
                "X-Request-ID",
            ],
            expose_headers=[
                "ETag",
                "Location",
                "X-Request-ID",
                "Idempotent-Replayed",
                "Cache-Control",
                "Retry-After",
                "Content-Disposition",
            ],
        )
    app.add_middleware(TextInputMiddleware, binary_paths=UPLOAD_PATHS)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes, uploads=upload_limit(settings))
    app.add_middleware(ObservabilityMiddleware)  # inside the request id, outside the body limit
    if settings.jobs_in_process:  # outside the access log: the response's duration is the client's wait
        app.add_middleware(RunQueuedWork, work=refresh_queued_metrics)
    app.add_middleware(RequestIdMiddleware)

    api = APIRouter(prefix=API_PREFIX, dependencies=[Depends(reject_unknown_query_parameters)])
    for router in (
        auth_router,
        departments_router,
        vendors_router,
        priorities_router,
        procurements_router,
        awards_router,
        goals_router,
        carry_over_router,
        metrics_router,
        readings_router,
        reading_evidence_router,
        evidence_router,
        status_router,
        alerts_router,
        dialogue_router,
        plans_router,
        effectiveness_router,
        meetings_router,
        actions_router,
        audit_router,
        ocds_router,
        events_router,
        webhooks_router,
        notifications_router,
    ):
        api.include_router(router)
    app.include_router(api)
    app.include_router(transparency_router)
    app.include_router(public_pages_router)
    app.include_router(operations_router)
    app.mount(STATIC, StaticFiles(directory=STATIC_DIRECTORY), name="static")
    if docs:
        app.include_router(docs_router(openapi_url, title=app.title))

    return app


app = create_app()
