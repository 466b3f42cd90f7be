"""Cache-friendly public responses: a strong ETag from the body, Cache-Control, and 304 on If-None-Match."""

from __future__ import annotations

from fastapi import Response
from pydantic import BaseModel

from app.web.caching import CACHE_CONTROL, matches, strong_etag


def cached_json(model: BaseModel, if_none_match: str | None) -> Response:
    """`model` as JSON with its ETag and Cache-Control, or an empty 304 when the client already has it."""
    body = model.model_dump_json().encode()
    etag = strong_etag(body)
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL}
    if matches(if_none_match, etag):
        return Response(status_code=304, headers=headers)
    return Response(content=body, media_type="application/json", headers=headers)
