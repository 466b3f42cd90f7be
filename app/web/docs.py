"""The API's interactive docs, Swagger UI at /docs and ReDoc at /redoc, served from vendored assets.

A city network may have no internet: the pages load nothing but this server's own files under /static (see
app/web/static/vendor/README.md), and their Content-Security-Policy forbids inline and remote script.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

STATIC = "/static"  # where app.main mounts STATIC_DIRECTORY
STATIC_DIRECTORY = Path(__file__).resolve().parent / "static"
SWAGGER_UI = f"{STATIC}/vendor/swagger-ui"
REDOC = f"{STATIC}/vendor/redoc"

# Swagger UI and ReDoc set inline styles, so style-src allows them; script never runs inline or from elsewhere.
# ReDoc's search index runs in a web worker built from a blob: URL.
DOCS_CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    )
)
# The app's middleware adds the rest (nosniff, no-referrer, X-Frame-Options: app/kit/limits.py).
DOCS_HEADERS = {"Content-Security-Policy": DOCS_CONTENT_SECURITY_POLICY}


def _page(*, title: str, head: str, body: str) -> str:
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<link rel="icon" type="image/png" href="{SWAGGER_UI}/favicon-32x32.png">
{head}
</head>
<body>
{body}
</body>
</html>
"""


def swagger_ui_html(*, openapi_url: str, title: str) -> str:
    """Swagger UI; static/docs/swagger-init.js starts it with the spec URL read from `data-spec-url`."""
    return _page(
        title=f"{title}: Swagger UI",
        head=f'<link rel="stylesheet" href="{SWAGGER_UI}/swagger-ui.css">',
        body=(
            f'<main id="swagger-ui" data-spec-url="{escape(openapi_url)}"></main>\n'
            f'<script src="{SWAGGER_UI}/swagger-ui-bundle.js"></script>\n'
            f'<script src="{STATIC}/docs/swagger-init.js"></script>'
        ),
    )


def redoc_html(*, openapi_url: str, title: str) -> str:
    """ReDoc's standalone bundle renders every `<redoc spec-url>` element by itself: no init script needed."""
    return _page(
        title=f"{title}: ReDoc",
        head="",
        body=(
            f'<main><redoc spec-url="{escape(openapi_url)}"></redoc></main>\n'
            f'<script src="{REDOC}/redoc.standalone.js"></script>'
        ),
    )


def docs_router(openapi_url: str, *, title: str = "API") -> APIRouter:
    """GET /docs (Swagger UI) and GET /redoc (ReDoc) for the OpenAPI document at `openapi_url`."""
    router = APIRouter(include_in_schema=False)
    swagger_page = swagger_ui_html(openapi_url=openapi_url, title=title)
    redoc_page = redoc_html(openapi_url=openapi_url, title=title)

    @router.get("/docs", response_class=HTMLResponse)
    def swagger_ui() -> HTMLResponse:
        return HTMLResponse(swagger_page, headers=DOCS_HEADERS)

    @router.get("/redoc", response_class=HTMLResponse)
    def redoc() -> HTMLResponse:
        return HTMLResponse(redoc_page, headers=DOCS_HEADERS)

    return router
