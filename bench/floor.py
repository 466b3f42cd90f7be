"""The floor for bench.pages: a bare FastAPI app whose page is a small HTML string, served by the same uvicorn.

What is left of a page's time once the database, the service and the templates are gone: the HTTP round trip,
uvicorn, Starlette routing and the thread-pool hop every synchronous endpoint takes (the public pages are `def`
endpoints too, so this one is as well).
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

PAGE = "<!doctype html><html lang=en><title>Floor</title><main><h1>Floor</h1><p>Nothing to compute.</p></main>"


@app.get("/", response_class=HTMLResponse)
def page() -> str:
    return PAGE


@app.get("/healthz")
def healthz() -> dict[str, str]:
    """What bench.load's start-up wait polls."""
    return {"status": "ok"}
