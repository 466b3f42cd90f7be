"""Prometheus instruments (served at `/metrics` by `app.ops.scrape`).

Every label has a small, fixed set of values: HTTP method (unknown methods count as `other`), route
*template* (`/api/v1/contracts/{id}`, never the raw path; `unmatched` for paths no route matches), status
code, reading outcome, alert kind and severity. No ids, no users, no raw paths.

Several processes: each uvicorn worker keeps its own counters, so without further set-up a scrape shows
the worker that answered it. Set `PROMETHEUS_MULTIPROC_DIR` to an empty directory shared by the workers
(emptied before each start) and every worker writes its counters and histograms there; a scrape then
adds them up (prometheus_client's multiprocess mode). Open alerts are read from the database at scrape
time, so they are right either way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from prometheus_client import Counter, Histogram
from starlette.types import Scope

from app.kit.route_cache import RouteCache

UNMATCHED = "unmatched"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

HTTP_REQUESTS = Counter(
    "rdc_http_requests",
    "HTTP requests answered, by method, route template and status code",
    ["method", "route", "status"],
)
HTTP_DURATION = Histogram(
    "rdc_http_request_duration_seconds",
    "Time from receiving a request to the end of its response, by method and route template",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
READINGS_INGESTED = Counter(
    "rdc_readings_ingested",
    "Readings in committed posts (single, batch, CSV import), by outcome",
    ["outcome"],
)
EVALUATION_ERRORS = Counter(
    "rdc_evaluation_errors",
    "Metrics whose stored definition could not be evaluated (shown as evaluation_error; details in the log)",
)
EXPORT_RECORDS_SKIPPED = Counter(
    "rdc_export_records_skipped",
    "Records left out of a streamed export because they could not be written (details in the log)",
    ["export"],
)
SWEEP_DURATION = Histogram(
    "rdc_sweep_duration_seconds",
    "Duration of a sweep that re-evaluated every metric of active contracts and grants",
    buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800),
)


def method_label(method: str) -> str:
    return method if method in _METHODS else "other"


def route_label(scope: Scope) -> str:
    """The template of the route that handled the request (with the routers' prefixes), never the raw path."""
    route = scope.get("route")
    if route is None:
        return UNMATCHED
    return _templates.get(route, lambda: _template(scope.get("router"), route))


def _template(router: Any, route: Any) -> str:
    # A route knows its path relative to the router it was declared on; the application's router rebuilds
    # the full path from the route's (unique) name, with each parameter left as `{name}`.
    name = getattr(route, "name", None)
    params = getattr(route, "param_convertors", None) or {}
    if name and router is not None:
        try:
            return str(router.url_path_for(name, **{param: f"{{{param}}}" for param in params}))
        except Exception:
            pass
    path = getattr(route, "path", None)
    return path if isinstance(path, str) and path else UNMATCHED


_templates: RouteCache[str] = RouteCache()


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    method = method_label(method)
    HTTP_REQUESTS.labels(method, route, str(status)).inc()
    HTTP_DURATION.labels(method, route).observe(seconds)


def declare_outcomes(outcomes: Iterable[str]) -> None:
    """Shows each ingest outcome (at 0) before the first reading arrives."""
    for outcome in outcomes:
        READINGS_INGESTED.labels(outcome)


def count_ingested(summary: Mapping[str, Any], outcomes: Iterable[str]) -> None:
    """Counts the outcomes of a committed post: {"created": 3, "unchanged": 1, ...}."""
    for outcome in outcomes:
        count = int(summary.get(outcome) or 0)
        if count:
            READINGS_INGESTED.labels(outcome).inc(count)
