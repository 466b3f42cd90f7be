"""Server-rendered pages: a Jinja environment with the shared layout and filters, and the HTML response every
page sends (strong ETag, Cache-Control, a strict Content-Security-Policy, 304 when the client is current).

Pages set no cookies. The policy allows only this server's own scripts, styles and images: no inline script,
no inline style, nothing from elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fastapi import Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from app.web.caching import CACHE_CONTROL, matches, strong_etag
from app.web.format import FILTERS

TEMPLATES = Path(__file__).resolve().parent / "templates"


def content_security_policy(*, frame_ancestors: str = "'none'") -> str:
    return "; ".join(
        (
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "form-action 'self'",
            "base-uri 'none'",
            f"frame-ancestors {frame_ancestors}",
        )
    )


PAGE_POLICY = content_security_policy()
EMBED_POLICY = content_security_policy(frame_ancestors="*")  # the embeddable views: any site may frame them


def environment(directory: Path, **globals_: Any) -> Environment:
    """Templates of one package, over the shared layout (`base.html`, `macros.html`) and filters."""
    env = Environment(
        loader=FileSystemLoader([directory, TEMPLATES]),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,  # a misspelt name fails the test that renders it, not silently
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    env.globals.update(globals_)
    return env


def html_page(
    env: Environment,
    name: str,
    context: Mapping[str, Any],
    *,
    if_none_match: str | None = None,
    status_code: int = 200,
    embeddable: bool = False,
) -> Response:
    body = env.get_template(name).render(**context).encode()
    headers = {"Content-Security-Policy": EMBED_POLICY if embeddable else PAGE_POLICY}
    if status_code != 200:
        return Response(body, status_code=status_code, media_type="text/html", headers=headers)
    return cached(body, "text/html; charset=utf-8", if_none_match, headers=headers)


def cached(
    body: bytes, media_type: str, if_none_match: str | None, *, headers: Mapping[str, str] | None = None
) -> Response:
    """`body` with its strong ETag and Cache-Control, or an empty 304 when the client already holds it."""
    etag = strong_etag(body)
    sent = {"ETag": etag, "Cache-Control": CACHE_CONTROL} | dict(headers or {})
    if matches(if_none_match, etag):
        return Response(status_code=304, headers=sent)
    return Response(content=body, media_type=media_type, headers=sent)
